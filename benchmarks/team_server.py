"""A throwaway team server for the benchmarks: its own database and member logins, all removed after.

A benchmark must never leave a login behind: one with a known password (some of them experts) is
a door into every later database on that server. Both the database and every member role are
dropped in ``finally``, even when the run fails.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.team import server  # noqa: E402


@contextmanager
def throwaway_team(admin: str, roles: dict[str, str], password: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (the database's admin URL, {key: member login}); ``roles`` maps keys to rep/expert."""
    db = f"ea_bench_{uuid.uuid4().hex[:8]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with eng.connect() as c:
        c.execute(text(f"CREATE DATABASE {db}"))
    url = make_url(admin).set(database=db).render_as_string(hide_password=False)
    members: dict[str, str] = {}
    try:
        server.init(url)
        for key, role in roles.items():
            members[key] = f"bench_{key}_{uuid.uuid4().hex[:6]}"
            server.add_member(url, members[key], role, password)
        yield url, members
    finally:
        with eng.connect() as c:
            c.execute(text(f"DROP DATABASE {db} WITH (FORCE)"))
        for member in members.values():
            server.remove_member(admin, member)
        with eng.connect() as c:
            left = c.execute(text("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bench\\_%'")).scalar()
        eng.dispose()
        if left:
            print(f"warning: {left} bench_* roles from earlier runs are still on this server", file=sys.stderr)


def member_url(url: str, member: str) -> str:
    return make_url(url).set(username=member).render_as_string(hide_password=False)
