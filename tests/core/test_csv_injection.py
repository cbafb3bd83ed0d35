"""No CSV the project writes can run as a spreadsheet formula (issue 20, item 5), and our own
export still round-trips every field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kb import csv_cells
from kb.exporters import export_csv
from kb.importers.csv_library import load_csv
from kb.records import ItemRecord
from kb.services.report_csv import write_rows

PAYLOADS = ['=HYPERLINK("http://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1", "'=already quoted", "''double", "- a markdown list item", "Pricing?;=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", PAYLOADS + ["plain text", "it's fine", "'", ""])
def test_neutralise_is_reversible(text: str) -> None:
    out = csv_cells.neutralise(text)
    assert not out.startswith(csv_cells.FORMULA_START)
    assert csv_cells.restore(out) == text


def test_report_and_crm_csv_cells_are_inert_and_quoted(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    write_rows(["subject", "description"], [[p, "ok"] for p in PAYLOADS], path)
    raw = path.read_text(encoding="utf-8-sig")
    assert '"Pricing?;=cmd|\' /C calc\'!A0"' in raw  # one quoted cell: a ';' spreadsheet cannot split it
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [row[0] for row in csv.reader(fh)][1:]
    assert all(not c.startswith(csv_cells.FORMULA_START) for c in cells)


def test_item_export_is_inert_and_imports_back_unchanged(tmp_path: Path) -> None:
    records = [ItemRecord(id=f"i{n}", kind="qa", title=f"Q{n}: {p}", body=p if p.strip() else "x")
               for n, p in enumerate(PAYLOADS)]
    path = tmp_path / "export.csv"
    export_csv(records, path)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh))[1:]:
            assert all(not cell.startswith(csv_cells.FORMULA_START) for cell in row), row
    back = {r.id: r for r in load_csv(path, ()).records}
    assert {i: (r.title, r.body) for i, r in back.items()} == {r.id: (r.title, r.body) for r in records}
