"""``kb item|stale|suggestions|suggestion|gap|sync-files`` end to end, as a rep and as an expert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.cli import main


def kb(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_curation_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPERT_ANSWERS_USER", "priya")
    monkeypatch.delenv("EXPERT_ANSWERS_ROLE", raising=False)
    home, item = tmp_path / "home", "sec-sso-saml"

    # No role configured: a rep, as in the app, so the write is refused by the core.
    code, _, err = kb(capsys, home, "item", "verify", item)
    assert code == 2 and "priya is a rep" in err
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")

    code, out, _ = kb(capsys, home, "item", "verify", item, "--on", "2026-11-20", "--json")
    assert code == 0 and json.loads(out)["version"] == 2 and json.loads(out)["verified_on"] == "2026-11-20"
    code, out, _ = kb(capsys, home, "item", "versions", item, "--json")
    assert [(v["version"], v["saved_by"]) for v in json.loads(out)] == [(1, "import"), (2, "priya")]
    code, out, _ = kb(capsys, home, "item", "diff", item, "1", "2")
    assert "-verified_on: 2026-09-14\n+verified_on: 2026-11-20\n" in out

    code, _, err = kb(capsys, home, "item", "archive", item, "--as", "sam", "--role", "rep")
    assert code == 2 and "sam is a rep" in err
    code, out, _ = kb(capsys, home, "item", "show", item)
    edited = tmp_path / "edit.md"
    edited.write_text(out.replace("at no extra cost.", "at no extra cost, confirmed by quokka auditors."))
    code, out, _ = kb(capsys, home, "item", "suggest", str(edited), "--as", "sam", "--role", "rep", "--json")
    n = str(json.loads(out)["id"])
    code, out, _ = kb(capsys, home, "suggestions", "--json")
    assert [(s["id"], s["by"], s["item_id"]) for s in json.loads(out)] == [(int(n), "sam", item)]
    code, _, err = kb(capsys, home, "suggestion", "accept", n, "--role", "rep")
    assert code == 2
    code, out, _ = kb(capsys, home, "suggestion", "accept", n, "--json")
    assert code == 0 and json.loads(out)["item"]["version"] == 3
    code, out, _ = kb(capsys, home, "search", "quokka", "--json")
    assert json.loads(out)[0]["id"] == item

    code, out, _ = kb(capsys, home, "stale", "--owner", "Priya Natarajan", "--json")
    stale = json.loads(out)
    assert code == 0 and item not in [s["id"] for s in stale]
    assert stale == sorted(stale, key=lambda s: s["review_due"] or "")

    content = tmp_path / "content"
    code, out, _ = kb(capsys, home, "export", "--format", "markdown", str(content), "--json")
    assert code == 0 and json.loads(out)["not_overwritten"] == []
    path = content / "qa" / "security" / f"{item}.md"
    path.write_text(path.read_text().replace("quokka auditors", "quokka auditors in 2026"))
    code, out, _ = kb(capsys, home, "sync-files", str(content), "--json")
    report = json.loads(out)
    assert code == 0 and report["counts"]["updated"] == 1 and report["counts"]["conflict"] == 0
    code, out, _ = kb(capsys, home, "item", "restore", item, "3", "--json")
    assert json.loads(out)["version"] == 5
    path.write_text(path.read_text().replace("in 2026", "in late 2026"))
    code, out, err = kb(capsys, home, "sync-files", str(content))
    assert code == 1 and "conflict" in err and "suggestion #" in err
