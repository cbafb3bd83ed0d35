"""`kb server …`, `kb team join`, `kb sync` and `kb report stages --team` end to end on a real server."""

from __future__ import annotations

from indexer.app.content import open_home
import json
import stat
from pathlib import Path

import pytest

from indexer.cli import main
from kb.team.credentials import pgpass_path
from tests.team.conftest import member_url, unique


def test_cli_server_join_sync_and_team_report(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPERT_ANSWERS_TEAM_PASSWORD", "s3cret")
    rep = unique("jo")
    assert main(["server", "init", pg_url]) == 0
    assert main(["server", "add-member", pg_url, rep, "--role", "rep"]) == 0
    capsys.readouterr()
    assert main(["server", "status", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["members"][rep] == "rep"

    home = tmp_path / "laptop"
    assert main(["--home", str(home), "team", "join", member_url(pg_url, rep), "--as", rep, "--role", "rep"]) == 0
    secret = pgpass_path(home)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and "s3cret" in secret.read_text()
    assert not any("s3cret" in p.read_bytes().decode("latin-1") for p in home.rglob("*") if p.is_file())

    assert main(["--home", str(home), "deal", "create", "Acme", "--stage", "decision"]) == 0
    deal_id = capsys.readouterr().out.strip().split()[-1]
    for question in ("How much per seat?", "Is there a trial?"):
        assert main(["--home", str(home), "log", "add", "--deal", deal_id, "--question", question]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "sync", "--json"]) == 0
    up = json.loads(capsys.readouterr().out)["up"]
    assert main(["--home", str(home), "report", "stages", "--team", "--json"]) == 0
    team = json.loads(capsys.readouterr().out)
    assert up["log entries"] == 2 and up["gaps"] == 2
    assert sum(f["questions"] for f in team.values()) == 2


def test_sync_before_joining_says_how_to_join(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path / "h"), "sync"]) == 2
    assert "kb team join" in capsys.readouterr().err


def test_joining_with_a_wrong_password_is_refused_at_once(pg_url: str, tmp_path: Path) -> None:
    """The server checks the password (scram), so a typo shows when joining, not in the field."""
    from indexer.app import team_sync as app_sync
    from indexer.app.workspace import SEED_NONE, Workspace
    from tests.team.conftest import member_url, unique

    app_sync.init_server(pg_url)
    member = unique("jo")
    app_sync.add_member(pg_url, member, "rep", "right-password")
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    try:
        with pytest.raises(app_sync.ServerUnreachableError, match=f"could not sign in .* as {member}"):
            app_sync.join(ws, member_url(pg_url, member), member, "rep", "wrong-password")
        assert not app_sync.status(ws).joined
        app_sync.join(ws, member_url(pg_url, member), member, "rep", "right-password")
        assert app_sync.status(ws, probe=True).online
    finally:
        ws.close()
