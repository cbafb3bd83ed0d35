"""Reading a CRM's deal export: a Salesforce opportunity report or a HubSpot deals export, told
apart by their headers. Each row becomes a :class:`CrmDeal` or a problem naming its row and field.

Column names are matched case-insensitively, with the variants the two CRMs use in their exports
(Salesforce "Opportunity Owner" or "Owner"; HubSpot "Associated Company" with or without
"(Primary)"). Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import LoadError
from kb.importers.csv_library import decode_text

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
    errors: list[LoadError] = field(default_factory=list)


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


def read_export(path: Path) -> CrmExport:
    path = Path(path)
    source = str(path)
    out = CrmExport(source)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise ValueError(f"{path}: {path.stat().st_size:,} bytes; the limit is {MAX_EXPORT_BYTES:,}")
    text, note = decode_text(path.read_bytes(), source)
    if note is not None:
        out.errors.append(note)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError(f"{path}: the file is empty")
    header = rows[0]
    crm = detect(header)
    if crm is None:
        wanted = "; ".join(f"{c}: " + ", ".join(COLUMNS[c][k][0] for k in REQUIRED) for c in COLUMNS)
        raise ValueError(f"{path}:1: not a Salesforce or HubSpot deal export (needs the columns {wanted})")
    out.crm = crm
    index = {key: _find(header, names) for key, names in COLUMNS[crm].items()}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            i = index[key]
            return row[i].strip() if i is not None and i < len(row) else ""

        missing = [key for key in REQUIRED if not cell(key)]
        if missing:
            column = COLUMNS[crm][missing[0]][0]
            out.errors.append(LoadError(source, f"empty {column!r}; the row was skipped", number, column))
            continue
        crm_id = cell("id")
        if crm_id in seen:
            column = COLUMNS[crm]["id"][0]
            out.errors.append(LoadError(source, f"{column} {crm_id!r} already on row {seen[crm_id]}; skipped",
                                        number, column))  # fmt: skip
            continue
        seen[crm_id] = number
        out.deals.append(CrmDeal(crm, crm_id, cell("name"), cell("account"), cell("owner"), cell("stage"),
                                 cell("close_date"), number))  # fmt: skip
    return out
