"""Engine and session set-up, with the schema brought to the newest alembic revision on open.

SQLite gets WAL (a rep's logging never blocks on the app reading) and a busy timeout; those
pragmas are applied only on SQLite, so the same code opens a PostgreSQL URL unchanged.
"""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, connect_args: dict[str, str] | None = None) -> Engine:
    engine = create_engine(url, future=True, connect_args=connect_args or {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Config values go through configparser interpolation: a '%' (URL-escaped socket paths,
    # passwords) must be doubled or opening a PostgreSQL URL fails.
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The schema revision this code expects (the newest migration)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def newest_revision() -> str:
    """The newest migration's revision, read off the file names (``0006_shared_vectors.py`` is
    revision ``0006``; tests/core/test_migrations.py holds this to alembic's own answer)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: a new database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to head; upgrades only ever add, so a user's data survives. Alembic is
    imported only when there is something to do: at every start it cost 16 MB and 0.3 s."""
    if current_revision(engine) == newest_revision():
        return
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)

