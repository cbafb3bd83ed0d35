"""Backups are consistent, rotate daily, and a restore never costs the data the user has now."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kb import backup as backups
from kb.paths import Home
from kb.services import answer_log, deals
from kb.store import Store


def _store_with_deal(root: Path, name: str) -> Store:
    store = Store(Home(root))
    with store.session() as s:
        d = deals.create_deal(s, name)
        answer_log.add_entry(s, f"Question for {name}?", deal_id=d.id, outcome="partial")
    return store


def _deal_names(store: Store) -> list[str]:
    with store.session() as s:
        return sorted(d.name for d in deals.list_deals(s))


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(tmp_path: Path) -> None:
    home = Home(tmp_path)
    store = _store_with_deal(tmp_path, "Before backup")
    info = backups.backup(home)
    assert backups.verify_backup(info.path)
    with store.session() as s:
        deals.create_deal(s, "After backup")
    store.close()

    safety = backups.restore(home, info.path)

    restored = Store(home)
    assert _deal_names(restored) == ["Before backup"]
    with restored.session() as s:
        assert [e.question for e in answer_log.list_entries(s)] == ["Question for Before backup?"]
    restored.close()
    # The database it replaced is still there, intact.
    assert backups.verify_backup(safety.path)
    assert safety.path.name.startswith("before-restore-")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a database at all", "not a SQLite database"), (b"SQLite format 3\x00" + b"\x00" * 200, "database")],
)
def test_a_bad_backup_file_is_refused_and_nothing_changes(tmp_path: Path, content: bytes, message: str) -> None:
    home = Home(tmp_path / "home")
    _store_with_deal(home.root, "Current").close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    with pytest.raises(backups.BackupError, match=message):
        backups.restore(home, bad)
    assert _deal_names(Store(home)) == ["Current"]


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("create table t (x)")
    with pytest.raises(backups.BackupError, match="not an Expert Answers database"):
        backups.verify_backup(other)


def test_daily_backup_runs_once_a_day_and_keeps_the_newest(tmp_path: Path) -> None:
    home = Home(tmp_path)
    _store_with_deal(tmp_path, "Daily").close()
    start = datetime(2026, 11, 1, 9, 0)
    taken = [backups.daily_backup(home, keep=3, now=start + timedelta(hours=h)) for h in range(0, 24 * 5, 6)]
    assert sum(t is not None for t in taken) == 5  # one per day, not one per call
    kept = backups.list_backups(home)
    assert [b.created.date().isoformat() for b in kept] == ["2026-11-03", "2026-11-04", "2026-11-05"]


def test_kb_backup_and_restore_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from indexer.cli import main

    home = tmp_path / "home"
    assert main(["--home", str(home), "deal", "create", "Kept deal"]) == 0
    assert main(["--home", str(home), "backup", str(tmp_path / "b.sqlite3"), "--json"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "deal", "create", "Lost by restore"]) == 0
    assert main(["--home", str(home), "restore", str(tmp_path / "b.sqlite3"), "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{"):])
    assert report["stats"]["deals"] == 1 and report["stats"]["qa"] >= 250
