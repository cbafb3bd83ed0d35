"""Use case: sync this home with the team server, then bring the search index in step.

The desktop's Sync command, its status indicator and the ``kb sync`` command call these
functions; only the items whose version changed are reindexed (no full rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
import time

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kb.models import Item, SyncState
from kb.team import sync as team_sync
from kb.team.credentials import connect_args
from indexer.workspace import Workspace

ProgressFn = Callable[[str, int, int], None]
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


def _get(ws: Workspace, key: str) -> str | None:
    with ws.store.session() as s:
        return s.scalar(select(SyncState.value).where(SyncState.key == key))


def _put(ws: Workspace, values: dict[str, str]) -> None:
    with ws.store.session() as s:
        for key, value in values.items():
            s.merge(SyncState(key=key, value=value))


def join(ws: Workspace, url: str, member: str, role: str) -> TeamSettings:
    """Remember the server and member (the URL without password; the password lives in the .pgpass file)."""
    from sqlalchemy.engine import make_url

    safe = make_url(url).set(username=member, password=None).render_as_string(hide_password=False)
    _put(ws, {SERVER_KEY: safe, MEMBER_KEY: member, ROLE_KEY: role})
    return TeamSettings(safe, member, role)


def settings(ws: Workspace) -> TeamSettings:
    url, member, role = (_get(ws, k) for k in (SERVER_KEY, MEMBER_KEY, ROLE_KEY))
    if not (url and member and role):
        raise NotJoinedError("this home has not joined a team: run `kb team join URL --as NAME --role rep|expert`")
    return TeamSettings(url, member, role)


def sync_home(ws: Workspace, progress: ProgressFn = lambda *_: None) -> tuple[team_sync.SyncReport, float]:
    """Push then pull, then reindex only the changed items. Returns the report and index seconds."""
    team = settings(ws)
    server = team_sync.server_engine(team.url, connect_args(ws.home.root))
    # The pending marker makes a crash between the pull's commit and the reindex rebuild on next open.
    with ws._index_follows():
        try:
            report = team_sync.sync(ws.store.engine, server, member=team.member, role=team.role, progress=progress)
        except OperationalError as exc:  # offline or server down: nothing half-written, retry later
            raise ServerUnreachableError(f"team server {team.url} unreachable: {exc.orig}") from exc
        finally:
            server.dispose()
        started = time.perf_counter()
        if report.changed_item_ids:
            ws.reindex_ids(report.changed_item_ids)
    return report, time.perf_counter() - started


def status(ws: Workspace, *, probe: bool = False) -> SyncStatus:
    """Last sync time, records waiting to go up, and (with ``probe``) whether the server answers now."""
    try:
        team = settings(ws)
    except NotJoinedError:
        return SyncStatus(False, None, team_sync.pending(ws.store.engine), None)
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
    return SyncStatus(True, team_sync.last_sync(ws.store.engine), team_sync.pending(ws.store.engine), online)


def follow_other_writers(ws: Workspace, since: datetime | None) -> tuple[list[str], datetime | None]:
    """Direct mode (home pointed at the server DB): reindex items another writer changed after ``since``.

    The caller keeps the returned watermark in memory (the database is shared, so it cannot hold a
    per-laptop mark) and passes it back on the next refresh; ``None`` means "just take the mark".
    """
    with ws.store.session() as s:
        query = select(Item.id, Item.updated_at)
        if since is not None:
            query = query.where(Item.updated_at > since)
        rows = s.execute(query).all()
    if not rows:
        return [], since
    ids = [r[0] for r in rows]
    if since is not None:
        ws.reindex_ids(ids)
    return (ids if since is not None else []), max(r[1] for r in rows)


@contextmanager
def team_session(ws: Workspace) -> Iterator[Session]:
    """A read session on the team server with this member's role: reports over the whole team's data."""
    team = settings(ws)
    engine = team_sync.server_engine(team.url, connect_args(ws.home.root))
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
