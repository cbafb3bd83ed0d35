"""The ``kb`` command end to end on a fresh home: the interface later work and acceptance use."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.cli import main

ROOT = Path(__file__).resolve().parents[2]


def kb(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One first-run import shared by the read-only tests (it is the slow part)."""
    home = tmp_path_factory.mktemp("home")
    assert main(["--home", str(home), "stats"]) == 0
    return home


def test_first_use_imports_bundled_content(seeded_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kb(capsys, seeded_home, "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert stats["articles"] >= 40 and stats["qa"] >= 250
    assert stats["stages"] == ["awareness", "consideration", "decision", "results", "win-back"]
    assert {"deals", "log_entries", "gaps"} <= stats.keys()
    assert stats["indexed"] == stats["articles"] + stats["qa"]


def test_search_json_shape(seeded_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kb(capsys, seeded_home, "search", "single sign-on with okta", "--limit", "5", "--json")
    hits = json.loads(out)
    assert code == 0 and 0 < len(hits) <= 5
    assert set(hits[0]) >= {"id", "kind", "title", "snippet", "score"}
    assert hits[0]["id"] == "sec-sso-saml"


def test_deal_lifecycle_and_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "h"
    code, out, _ = kb(capsys, home, "deal", "create", "Acme 400 seats", "--account", "Acme")
    deal_id = out.strip()
    assert code == 0 and re.fullmatch(r"acme-400-seats-[a-z2-7]{12}", deal_id)
    assert kb(capsys, home, "deal", "stage", deal_id, "decision", "--note", "board")[0] == 0
    assert kb(capsys, home, "deal", "stage", deal_id, "consideration", "--note", "new CFO")[0] == 0
    code, out, _ = kb(capsys, home, "deal", "show", deal_id, "--json")
    deal = json.loads(out)
    assert deal["stage"] == "consideration"
    assert [(h["from"], h["to"], h["backward"]) for h in deal["history"]] == [
        (None, "awareness", False), ("awareness", "decision", False), ("decision", "consideration", True),
    ]  # fmt: skip

    code, out, _ = kb(capsys, home, "log", "add", "--deal", deal_id, "--question", "Okta?", "--item", "sec-sso-saml",
                      "--json")  # fmt: skip
    entry = json.loads(out)
    assert code == 0 and entry["stage"] == "consideration" and entry["item_ids"] == ["sec-sso-saml"]
    code, out, _ = kb(capsys, home, "log", "add", "--question", "Swiss region?", "--outcome", "no-answer", "--json")
    assert json.loads(out)["stage"] == "unknown"
    code, out, _ = kb(capsys, home, "gaps", "--json")
    assert [g["question"] for g in json.loads(out)] == ["Swiss region?"]
    code, out, _ = kb(capsys, home, "log", "list", "--json")
    assert [e["question"] for e in json.loads(out)] == ["Swiss region?", "Okta?"]


def test_import_reports_bad_files_and_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.md").write_text("---\nid: ok-1\nquestion: Works?\nstages: [awareness]\n---\nYes.\n")
    (src / "bad.md").write_text("---\nid: bad-1\nquestion: Stage?\nstages: [closing]\n---\nNo.\n")
    code, out, _ = kb(capsys, tmp_path / "h", "import", str(src), "--json")
    report = json.loads(out)
    assert code == 1
    assert report["loaded"] == 1 and report["skipped"] == 1
    assert "bad.md:4 [stages]" in report["errors"][0]


def test_unknown_deal_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kb(capsys, tmp_path / "h", "deal", "stage", "nope", "decision")
    assert code == 2 and "no deal 'nope'" in err


def test_export_pack_then_import_elsewhere(seeded_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "kb.zip"
    assert kb(capsys, seeded_home, "export", "--format", "pack", str(pack))[0] == 0
    other = tmp_path / "other"
    assert main(["--home", str(other), "deal", "create", "First"]) == 0  # first use seeds the same content
    capsys.readouterr()
    code, out, _ = kb(capsys, other, "import", str(pack), "--json")
    report = json.loads(out)
    assert code == 0 and report["created"] == 0 and report["skipped"] == 0


def test_console_script_runs_as_module(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "--home", str(tmp_path), "deal", "list", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
