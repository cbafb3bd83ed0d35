"""A CRM export as it really arrives: any encoding, huge cells, a quote left open, junk — each
read or named by row and column, in row order, never a traceback (issue 20, item 4)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from indexer.app import crm
from indexer.app.content import SEED_NONE, open_home
from indexer.app.workspace import Workspace
from kb.crm.exports import read_export

HEADER = "Opportunity ID,Opportunity Name,Account Name,Stage,Opportunity Owner,Close Date\n"
ROWS = ("006A,Vireo — 400 seats,Vireo Insurance,Prospecting,Priya,2027-01-31\n"
        "006B,Kestrel Bank renewal,Kestrel Bank,Needs Analysis,Tom,2027-02-28\n")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_home(tmp_path / "home", seed=SEED_NONE)
    yield w
    w.close()


def _file(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "bom"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-le", b""),
                                               ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-be", b""),
                                               ("utf-8", codecs.BOM_UTF8), ("utf-8", b"")])
def test_utf16_and_utf8_exports_with_or_without_a_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    export = read_export(_file(tmp_path, bom + (HEADER + ROWS).encode(encoding)))
    assert [d.name for d in export.deals] == ["Vireo — 400 seats", "Kestrel Bank renewal"]
    assert not export.errors and not export.notes


def test_a_windows_1252_file_imports_with_a_note_not_a_skip(ws: Workspace, tmp_path: Path) -> None:
    path = _file(tmp_path, (HEADER + "006C,Café Müller,Müller GmbH,Prospecting,Jo,2027-01-31\n").encode("cp1252"))
    report = crm.import_crm_deals(ws, path).value
    assert report.created == 1 and report.ok and "Windows-1252" in str(report.notes[0])


def test_binary_junk_is_named_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a CSV text file"):
        read_export(_file(tmp_path, bytes(range(256)) * 40))


def test_a_huge_cell_is_read_up_to_the_stated_limit_and_named_beyond(tmp_path: Path) -> None:
    long_name = "x" * 200_000
    too_long = "y" * 1_100_000
    export = read_export(_file(tmp_path, (HEADER + f"006D,{long_name},Acme,Prospecting,Jo,2027-01-31\n"
                                          f"006E,{too_long},Acme,Prospecting,Jo,2027-01-31\n" + ROWS).encode()))
    assert [d.crm_id for d in export.deals] == ["006D", "006A", "006B"]
    assert len(export.errors) == 1 and "row 3" in str(export.errors[0]) and "1,000,000" in str(export.errors[0])


def test_an_unclosed_quote_is_named_and_does_not_eat_the_next_row_silently(tmp_path: Path) -> None:
    text = HEADER + '006F,"Broken name,Acme,Prospecting,Jo,2027-01-31\n' + ROWS
    export = read_export(_file(tmp_path, text.encode()))
    assert [str(e) for e in export.errors] and "never closed" in str(export.errors[0])
    assert "Opportunity Name" in str(export.errors[0]) and "row 2" in str(export.errors[0])


def test_nul_and_control_characters_never_reach_a_deal(tmp_path: Path) -> None:
    export = read_export(_file(tmp_path, (HEADER + "006G,Acme\x00 Corp\x07 deal,Acme,Prospecting,Jo,2027-01-31\n"
                                          ).encode()))
    assert [d.name for d in export.deals] == ["Acme Corp deal"]


def test_duplicate_headers_are_said(tmp_path: Path) -> None:
    export = read_export(_file(tmp_path, ("Opportunity ID,Opportunity Name,Account Name,Stage,Stage,"
                                          "Opportunity Owner\n006H,N,A,Prospecting,Closed Won,Jo\n").encode()))
    assert export.deals[0].stage == "Prospecting"
    assert "'Stage' appears twice (columns 4 and 5)" in str(export.notes[0])


def test_errors_come_in_row_order(ws: Workspace, tmp_path: Path) -> None:
    text = HEADER + "006I,,Acme,Prospecting,Jo,\n006J,Unknown stage,Acme,Nowhere,Jo,\n006K,,Acme,Prospecting,Jo,\n"
    report = crm.import_crm_deals(ws, _file(tmp_path, text.encode())).value
    assert [e.line for e in report.errors] == sorted(e.line or 0 for e in report.errors) and len(report.errors) == 3


def test_a_folder_or_a_missing_mapping_is_refused_and_nothing_is_written(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="a folder"):
        crm.import_crm_deals(ws, tmp_path)
    missing = tmp_path / "no-such-mapping.toml"
    with pytest.raises(FileNotFoundError, match="no such stage mapping"):
        crm.import_crm_deals(ws, _file(tmp_path, (HEADER + ROWS).encode()), mapping=missing)
    assert not missing.exists()
