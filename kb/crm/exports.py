"""Reading a CRM's deal export: a Salesforce opportunity report or a HubSpot deals export, told
apart by their headers. Each row becomes a :class:`CrmDeal` or a problem naming its row and field.

Column names are matched case-insensitively, with the variants the two CRMs use in their exports
(Salesforce "Opportunity Owner" or "Owner"; HubSpot "Associated Company" with or without
"(Primary)"). Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb import csv_input
from kb.errors import LoadError
from kb.progress import ProgressFn, no_progress

MAX_EXPORT_BYTES = 50_000_000

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "salesforce": {
        "id": ("Opportunity ID", "Opportunity Id", "Id"),
        "name": ("Opportunity Name", "Name"),
        "account": ("Account Name", "Account"),
        "stage": ("Stage", "Stage Name", "StageName"),
        "owner": ("Opportunity Owner", "Owner", "Owner Name"),
        "close_date": ("Close Date", "CloseDate"),
    },
    "hubspot": {
        "id": ("Record ID", "Deal ID", "Record Id"),
        "name": ("Deal Name",),
        "account": ("Associated Company (Primary)", "Associated Company", "Company Name"),
        "stage": ("Deal Stage", "Dealstage"),
        "owner": ("Deal owner", "Deal Owner", "HubSpot Owner"),
        "close_date": ("Close Date",),
    },
}
REQUIRED = ("id", "name", "stage")
ID_PREFIX = {"salesforce": "sf", "hubspot": "hs"}


@dataclass(frozen=True)
class CrmDeal:
    crm: str
    crm_id: str
    name: str
    account: str
    owner: str
    stage: str  # as the CRM names it
    close_date: str
    row: int

    @property
    def deal_id(self) -> str:
        """The deal's id in Expert Answers: stable across imports, so a re-import updates in place."""
        return f"{ID_PREFIX[self.crm]}-{self.crm_id}"


@dataclass
class CrmExport:
    source: str
    crm: str = ""
    deals: list[CrmDeal] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)  # rows skipped
    notes: list[LoadError] = field(default_factory=list)  # read anyway (an encoding guessed, a column twice)


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().casefold() for h in header]
    for name in names:
        if name.casefold() in folded:
            return folded.index(name.casefold())
    return None


def detect(header: list[str]) -> str | None:
    """The CRM whose required columns all appear in ``header``."""
    for crm, columns in COLUMNS.items():
        if all(_find(header, columns[c]) is not None for c in REQUIRED):
            return crm
    return None


def read_export(path: Path, progress: ProgressFn = no_progress) -> CrmExport:
    path = Path(path)
    source = str(path)
    out = CrmExport(source)
    if path.is_dir():
        raise ValueError(f"{path}: a folder, not a CSV export file")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise ValueError(f"{path}: {path.stat().st_size:,} bytes; the limit is {MAX_EXPORT_BYTES:,}")
    decoded = csv_input.decode(path.read_bytes(), source)
    out.notes += decoded.notes
    header, rows = csv_input.rows(decoded.text, source, out.errors)
    crm = detect(header)
    if crm is None:
        wanted = "; ".join(f"{c}: " + ", ".join(COLUMNS[c][k][0] for k in REQUIRED) for c in COLUMNS)
        raise ValueError(f"{path}:1: not a Salesforce or HubSpot deal export (needs the columns {wanted})")
    out.crm = crm
    out.notes += csv_input.duplicate_columns(header, source)
    index = {key: _find(header, names) for key, names in COLUMNS[crm].items()}
    seen: dict[str, int] = {}
    total = decoded.text.count("\n")
    for row in rows:
        if row.number % 2000 == 0:
            progress(row.line, total, "Reading the export")
        if not any(cell.strip() for cell in row.cells):
            continue

        def cell(key: str, cells: list[str] = row.cells) -> str:
            i = index[key]
            return csv_input.clean(cells[i]) if i is not None and i < len(cells) else ""

        missing = [key for key in REQUIRED if not cell(key)]
        if missing:
            column = COLUMNS[crm][missing[0]][0]
            out.errors.append(LoadError(source, f"row {row.number}: empty {column!r}; the row was skipped",
                                        row.line, column))  # fmt: skip
            continue
        crm_id = cell("id")
        if crm_id in seen:
            column = COLUMNS[crm]["id"][0]
            out.errors.append(LoadError(source, f"row {row.number}: {column} {crm_id!r} already on row "
                                        f"{seen[crm_id]}; skipped", row.line, column))  # fmt: skip
            continue
        seen[crm_id] = row.number
        out.deals.append(CrmDeal(crm, crm_id, cell("name"), cell("account"), cell("owner"), cell("stage"),
                                 cell("close_date"), row.number))  # fmt: skip
    out.errors.sort(key=lambda e: e.line or 0)
    return out
