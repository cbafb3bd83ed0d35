"""Backups of a home's database: on demand, daily with rotation, and a verified restore.

SQLite's online backup API copies a consistent snapshot while the app keeps running (WAL readers
and writers are not blocked). A restore first checks the file is an intact Expert Answers
database, keeps a safety copy of the current one, and only then swaps it in — so a bad backup
file can never cost the data the user has now.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from kb.paths import Home

PREFIX = "expert-answers-"
SUFFIX = ".sqlite3"
DEFAULT_KEEP = 7


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int


def _sqlite_path(home: Home) -> Path:
    url = make_url(home.db_url())
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            f"backups here cover the local SQLite database; {url.get_backend_name()} is backed up by its "
            "server's own tools (for PostgreSQL: pg_dump)"
        )
    return Path(url.database)


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def backup(home: Home, dest: Path | None = None, *, now: datetime | None = None) -> BackupInfo:
    """Copy a consistent snapshot of the database to ``dest`` (a file or folder; default: the home's backups)."""
    src = _sqlite_path(home)
    if not src.exists():
        raise BackupError(f"{src}: no database to back up yet")
    now = now or datetime.now()
    dest = dest or home.backups_dir
    if dest.is_dir() or not dest.suffix:
        dest = dest / f"{PREFIX}{_stamp(now)}{SUFFIX}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    try:
        source, target = sqlite3.connect(f"file:{src}?mode=ro", uri=True), sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        tmp.replace(dest)  # atomic: a crash mid-backup never leaves a truncated file under the real name
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not leave a partial copy taking more room
        raise
    return BackupInfo(dest, now, dest.stat().st_size)


def list_backups(home: Home) -> list[BackupInfo]:
    out = []
    for path in sorted(home.backups_dir.glob(f"{PREFIX}*{SUFFIX}")):
        try:
            created = datetime.strptime(path.name[len(PREFIX) : -len(SUFFIX)], "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        out.append(BackupInfo(path, created, path.stat().st_size))
    return out


def daily_backup(home: Home, *, keep: int = DEFAULT_KEEP, now: datetime | None = None) -> BackupInfo | None:
    """Take today's backup unless one exists from the last 24 hours; keep the newest ``keep``."""
    now = now or datetime.now()
    try:
        existing = list_backups(home)
        if existing and now - existing[-1].created < timedelta(hours=24):
            return None
        info = backup(home, now=now)
    except BackupError:
        return None
    for old in list_backups(home)[:-keep]:
        old.path.unlink(missing_ok=True)
    return info


def verify_backup(path: Path) -> str:
    """Return the schema revision of an intact Expert Answers database, or raise naming the problem."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path}: not a SQLite database")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path}: damaged database ({check})")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", "items", "answer_log"} <= tables:
                raise BackupError(f"{path}: not an Expert Answers database (tables missing)")
            return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: unreadable database ({exc})") from None


def restore(home: Home, path: Path, *, now: datetime | None = None) -> BackupInfo:
    """Replace the home's database with a verified backup; the current one is backed up first.

    The caller must have closed every connection to the home (the CLI does; the app restarts).
    Returns the safety backup of the replaced database.
    """
    verify_backup(path)
    target = _sqlite_path(home)
    safety = backup(home, home.backups_dir / f"before-restore-{_stamp(now or datetime.now())}{SUFFIX}") if target.exists() else None
    tmp = target.with_name(target.name + ".restoring")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source, sqlite3.connect(tmp) as dest:
        source.backup(dest)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return safety or BackupInfo(target, now or datetime.now(), target.stat().st_size)
