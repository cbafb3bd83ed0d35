"""Use cases of the team path: prepare the server, join a team, sync, and read the team's data.

The ``kb server|team|sync`` commands and the app's Team menu, status indicator and automatic sync
call these; only the items whose version changed are reindexed after a sync (no full rebuild).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from kb.models import Item, SyncState
from kb.team import server
from kb.team import sync as team_sync
from kb.team.credentials import connect_args, store_password
from kb.team.server import ROLES, ServerStatus, TeamServerError
from kb.team.sync import SyncReport

from indexer.app.changes import Changes, Done
from indexer.app.workspace import Workspace

__all__ = [
    "ROLES", "NotJoinedError", "ServerStatus", "ServerUnreachableError", "SyncReport", "SyncStatus",
    "TeamServerError", "TeamSettings", "add_member", "follow_other_writers", "init_server", "join",
    "read_team", "server_status", "settings", "status", "sync_home",
]  # fmt: skip

ProgressFn = Callable[[str, int, int], None]
T = TypeVar("T")
SERVER_KEY, MEMBER_KEY, ROLE_KEY = "server_url", "member", "role"


class NotJoinedError(ValueError):
    """This home has not joined a team (``kb team join URL --as NAME --role …``)."""


class ServerUnreachableError(ValueError):
    """The server could not be reached or went away mid-sync; rerunning sync later is safe."""


@dataclass(frozen=True)
class TeamSettings:
    url: str
    member: str
    role: str


@dataclass(frozen=True)
class SyncStatus:
    """What a status indicator shows."""

    joined: bool
    last_sync: datetime | None
    pending_up: dict[str, int]
    online: bool | None  # None: not checked (``status(ws, probe=False)``)
    member: str = ""
    role: str = ""
    url: str = ""


#: Seconds to reach the server before a sync counts as offline: on a train's Wi-Fi a connect can
#: otherwise hang for minutes, and closing the app waits for a sync in progress.
CONNECT_TIMEOUT_S = 10


def _connect(ws: Workspace) -> dict[str, str]:
    return {**connect_args(ws.home.root), "connect_timeout": str(CONNECT_TIMEOUT_S)}


# -- the server (team admin) ------------------------------------------------------------------------
def init_server(url: str) -> ServerStatus:
    """Migrate the schema, create the group roles and apply the GRANTs (idempotent)."""
    return server.init(url)


def server_status(url: str) -> ServerStatus:
    return server.status(url)


def add_member(url: str, name: str, role: str, password: str) -> None:
    server.add_member(url, name, role, password)


# -- this laptop's membership -----------------------------------------------------------------------
def _get(ws: Workspace, key: str) -> str | None:
    return ws.run(lambda s: s.scalar(select(SyncState.value).where(SyncState.key == key)))


def _put(ws: Workspace, values: dict[str, str]) -> None:
    def write(s: Session) -> None:
        for key, value in values.items():
            s.merge(SyncState(key=key, value=value))

    ws.run(write)


def join(ws: Workspace, url: str, member: str, role: str, password: str | None = None, *,
         check: bool = True) -> TeamSettings:
    """Remember the server and member, after signing in once (``check``). The stored URL carries no
    password: that lives in a 0600 ``.pgpass``-style file beside the home (:mod:`kb.team.credentials`)."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"server URL {url!r} is not a database URL ({exc})") from exc
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"server URL {url!r}: a team server is PostgreSQL (postgresql+psycopg://host/db)")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    safe = parsed.set(username=member, password=None).render_as_string(hide_password=False)
    if password is None:
        password = parsed.password
    if password:
        store_password(ws.home.root, safe, password)
    if check:  # a typo in the URL or the password shows now, not at the first sync in the field
        engine = team_sync.server_engine(safe, {**connect_args(ws.home.root), "connect_timeout": "5"})
        try:
            with engine.connect():
                pass
        except OperationalError as exc:
            raise ServerUnreachableError(f"could not sign in to {make_url(safe).render_as_string()} as "
                                         f"{member}: {str(exc.orig).strip()}") from exc
        finally:
            engine.dispose()
    _put(ws, {SERVER_KEY: safe, MEMBER_KEY: member, ROLE_KEY: role})
    return TeamSettings(safe, member, role)


def settings(ws: Workspace) -> TeamSettings:
    url, member, role = (_get(ws, k) for k in (SERVER_KEY, MEMBER_KEY, ROLE_KEY))
    if not (url and member and role):
        raise NotJoinedError("this home has not joined a team: run `kb team join URL --as NAME --role rep|expert`")
    return TeamSettings(url, member, role)


# -- sync -------------------------------------------------------------------------------------------
def sync_home(ws: Workspace, progress: ProgressFn = lambda *_: None) -> Done[tuple[SyncReport, float]]:
    """Push then pull, then reindex only the changed items (and re-read the synonyms if they came
    down). Returns the report and the seconds the index update took, with what changed."""
    team = settings(ws)
    remote = team_sync.server_engine(team.url, _connect(ws))
    try:
        # The pending marker makes a crash between the pull's commit and the reindex rebuild the
        # index on the next open; an unreachable server changes nothing locally, so no marker stays.
        with ws._index_follows(unchanged_on=(OperationalError,)):
            report = team_sync.sync(
                ws.store.engine, remote, member=team.member, role=team.role, progress=progress,
                synonyms_path=ws.home.synonyms_path,
            )
            started = time.perf_counter()
            ws.reindex_ids(report.changed_item_ids)
            if report.synonyms_changed:
                ws.index.reload_synonyms()
            index_seconds = time.perf_counter() - started
    except OperationalError as exc:
        raise ServerUnreachableError(f"team server {team.url} unreachable: {exc.orig}") from exc
    finally:
        remote.dispose()
    changes = Changes.of(items=report.changed_item_ids, everything=bool(report.down.get("deals")
                         or report.down.get("stage events") or report.down.get("suggestions")))
    changes = changes | Changes.of(log=True, gaps=True, suggestions=bool(report.conflicts))
    return Done((report, index_seconds), changes)


def status(ws: Workspace, *, probe: bool = False) -> SyncStatus:
    """Last sync time, records waiting to go up, and (with ``probe``) whether the server answers now."""
    pending = team_sync.pending(ws.store.engine)
    try:
        team = settings(ws)
    except NotJoinedError:
        return SyncStatus(False, None, pending, None)
    online = None
    if probe:
        engine = team_sync.server_engine(team.url, {**connect_args(ws.home.root), "connect_timeout": "3"})
        try:
            with engine.connect():
                online = True
        except OperationalError:
            online = False
        finally:
            engine.dispose()
    return SyncStatus(True, team_sync.last_sync(ws.store.engine), pending, online, team.member, team.role,
                      make_url(team.url).render_as_string(hide_password=True))


def follow_other_writers(ws: Workspace, since: datetime | None) -> tuple[list[str], datetime | None]:
    """Direct mode (the home's database is the shared server): reindex what another writer changed.

    The caller keeps the returned watermark in memory (the database is shared, so it cannot hold a
    per-laptop mark) and passes it back on the next refresh; ``None`` means "just take the mark".
    """
    query = select(Item.id, Item.updated_at)
    if since is not None:
        query = query.where(Item.updated_at > since)
    rows = ws.run(lambda s: s.execute(query).all())
    if not rows:
        return [], since
    ids = [r[0] for r in rows]
    if since is not None:
        ws.reindex_ids(ids)
    return (ids if since is not None else []), max(r[1] for r in rows)


def is_direct(ws: Workspace) -> bool:
    """The home works on a shared database itself (``EXPERT_ANSWERS_DB_URL`` on PostgreSQL)."""
    return ws.store.engine.dialect.name != "sqlite"


@contextmanager
def _team_session(ws: Workspace) -> Iterator[Session]:
    team = settings(ws)
    engine = team_sync.server_engine(team.url, _connect(ws))
    try:
        with Session(engine) as session:
            yield session
    except OperationalError as exc:
        raise ServerUnreachableError(f"team server {team.url} unreachable: {exc.orig}") from exc
    finally:
        engine.dispose()


def read_team(ws: Workspace, fn: Callable[[Session], T]) -> T:
    """Run a read on the team server with this member's own role: reports over the whole team."""
    with _team_session(ws) as s:
        return fn(s)
