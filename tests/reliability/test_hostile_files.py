"""Packs and CSVs from colleagues are untrusted: limits are named, nothing escapes, the rest loads."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from kb.importing import import_path
from kb.importers import pack
from kb.paths import Home
from kb.store import Store

GOOD = "---\nid: ok-{n}\nquestion: Fine {n}?\nstages: [awareness]\n---\nYes.\n"


def _store(tmp_path: Path) -> Store:
    return Store(Home(tmp_path / "home"))


def test_symlink_entries_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content/qa/ok.md", GOOD.format(n=1))
        link = zipfile.ZipInfo("content/qa/evil.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    report = import_path(_store(tmp_path), path)
    assert report.loaded == 1 and any("symbolic link" in str(e) for e in report.errors)


def test_zip_bomb_ratio_and_oversized_entries_are_refused_with_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pack, "MAX_ENTRY_BYTES", 200_000)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content/qa/ok.md", GOOD.format(n=1))
        zf.writestr("content/qa/bomb.md", "0" * 150_000)  # compresses ~1000:1
        zf.writestr("content/qa/huge.md", bytes(range(256)) * 1000)  # 256 kB, incompressible-ish
    report = import_path(_store(tmp_path), path)
    messages = [str(e) for e in report.errors]
    assert report.loaded == 1
    assert any("bomb.md" in m and "compression ratio above 200:1" in m for m in messages)
    assert any("huge.md" in m and "the limit is 200,000" in m for m in messages)
    assert not list((tmp_path / "home").rglob("bomb.md"))


def test_malformed_csv_imports_what_it_can_and_reports_rows(tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    huge = "x" * 2_000_000
    path.write_bytes(
        (
            "Question,Answer,Tags\n"
            "Good one?,Fine,a\n"
            f'Huge field?,"{huge}",b\n'
            "Ragged?,Answer,c,d,e\n"
            "Another good?,Also fine,\n"
        ).encode("utf-8")
    )
    report = import_path(_store(tmp_path), path)
    messages = [str(e) for e in report.errors]
    assert report.loaded >= 3  # good rows (and the ragged one, minus its extra cells) are kept
    assert any("row 3" in m for m in messages), messages  # the oversized field names its row
    assert any("row 4" in m and "extra cells" in m for m in messages)
