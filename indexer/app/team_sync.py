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
from typing import Any, TypeVar

import numpy as np
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from kb.demo import demo_footprint, discard_demo, home_counts
from kb.progress import ProgressFn, no_progress
from kb.services import items
from kb.team import server
from kb.team import sync as team_sync
from kb.team.credentials import connect_args, store_password
from kb.team.server import ROLES, AdminPasswordNeeded, ServerStatus, TeamServerError
from kb.team import vectors as team_vectors
from kb.team.sync import MEMBER_KEY, ROLE_KEY, SERVER_KEY, SyncReport

from indexer.app.changes import Changes, Done
from indexer.app.unit_of_work import touch
from indexer.app import semantic
from indexer.app.workspace import Workspace
from indexer.engine.vectors import DIM, item_of

__all__ = [
    "ROLES", "AdminPasswordNeeded", "JoinNeedsChoice", "NotJoinedError", "RoleMismatch", "ServerStatus",
    "ServerUnreachableError", "SyncReport", "SyncStatus", "TeamServerError", "TeamSettings", "add_member",
    "follow_other_writers", "init_server", "join", "read_team", "remove_member", "safe_url", "url_password", "server_status", "settings",
    "status", "sync_home",
]  # fmt: skip

T = TypeVar("T")


class NotJoinedError(ValueError):
    """This home has not joined a team (``kb team join URL --as NAME --role …``)."""


class ServerUnreachableError(ValueError):
    """The server could not be reached or went away mid-sync; rerunning sync later is safe."""


class RoleMismatch(ValueError):
    """The member asked to join with a role the server does not give them."""


class JoinNeedsChoice(ValueError):
    """The home holds demo or local content that joining would otherwise send to the team."""


@dataclass(frozen=True)
class TeamSettings:
    url: str
    member: str
    role: str
    note: str = ""  # what joining did with the home's own content


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


def _connect(ws: Workspace, url: str, timeout_s: int = CONNECT_TIMEOUT_S) -> dict[str, str]:
    return {**connect_args(ws.home.root, url), "connect_timeout": str(timeout_s)}


# -- the server (team admin) ------------------------------------------------------------------------
def init_server(url: str, admin_password: str | None = None) -> ServerStatus:
    """Migrate the schema, create the group roles, apply GRANTs, row-level security and stamping
    (idempotent)."""
    return server.init(url, admin_password)


def server_status(url: str, admin_password: str | None = None) -> ServerStatus:
    return server.status(url, admin_password)


def add_member(url: str, name: str, role: str, password: str, admin_password: str | None = None) -> None:
    server.add_member(url, name, role, password, admin_password=admin_password)


def remove_member(url: str, name: str, admin_password: str | None = None) -> None:
    server.remove_member(url, name, admin_password=admin_password)


# -- this laptop's membership -----------------------------------------------------------------------
def _get(ws: Workspace, key: str) -> str | None:
    return ws.read(lambda s: team_sync.state(s.connection(), key, "")) or None


def _put(ws: Workspace, values: dict[str, str]) -> None:
    def write(s: Session) -> None:
        for key, value in values.items():
            team_sync.set_state(s.connection(), key, value)

    ws.write(write)


def safe_url(url: str) -> str:
    """The URL as it may be shown or stored: never with a password."""
    return _without_password(make_url(url))


def _without_password(url: URL) -> str:
    """``URL.set(password=None)`` keeps the password (None means "unchanged"): build it anew."""
    return URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                      url.query).render_as_string(hide_password=False)


def url_password(url: str) -> str | None:
    """A password typed into the URL (moved to the password file by :func:`join`, never kept there)."""
    try:
        return make_url(url).password
    except ArgumentError:
        return None


def _parse(url: str) -> Any:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"server URL {safe_url(url) if '@' in url else url!r} is not a database URL") from exc
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"server URL {safe_url(url)!r}: a team server is PostgreSQL (postgresql+psycopg://host/db)")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _server_role(ws: Workspace, url: str, member: str) -> str:
    """Sign in as the member and ask the server which role it really gives them."""
    engine = team_sync.server_engine(url, _connect(ws, url, 5))
    try:
        with engine.connect() as conn:
            role = server.member_role(conn, member)
    except OperationalError as exc:
        raise ServerUnreachableError(f"could not sign in to {safe_url(url)} as {member}: "
                                     f"{' '.join(str(exc.orig).split())}") from exc
    finally:
        engine.dispose()
    if role is None:
        raise RoleMismatch(f"{member} signed in to {safe_url(url)} but is not a team member there "
                           "(the team admin runs `kb server add-member`)")
    return role


def _settle_local_content(ws: Workspace, discard: bool, keep: bool) -> str:
    """Before a first join: the demo is removed or kept to this laptop, and so is anything else
    the home holds; nothing a laptop had before joining is published by joining."""
    demo, counts = ws.read(lambda s: (demo_footprint(s), home_counts(s)))
    if not any(counts.values()):
        return ""
    rest = {**counts, "items": counts["items"] - (len(demo.item_ids) if discard else 0),
            "deals": counts["deals"] - (len(demo.deal_ids) if discard else 0)}
    if discard:
        rest["log entries"] = ws.read(lambda s: home_counts(s, besides_deals=demo.deal_ids)["log entries"])
    if any(rest.values()) and not keep:
        if discard:
            held = ", ".join(f"{n} {what}" for what, n in rest.items() if n)
            raise JoinNeedsChoice(f"besides the bundled demo, this home holds {held}; joining does not publish "
                                  "them: rerun with --keep-local to keep them on this laptop only")
        held = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        demo_note = f" ({len(demo.item_ids)} items and {len(demo.deal_ids)} deals from the bundled demo)" if demo else ""
        raise JoinNeedsChoice(
            f"this home holds {held}{demo_note}; joining does not publish them: rerun with "
            + ("--discard-demo to remove the demo, and/or " if demo else "")
            + "--keep-local to keep them on this laptop only")
    notes = []
    if discard and demo:
        ws.write(lambda s: discard_demo(s, demo))
        notes.append(f"removed the demo ({len(demo.item_ids)} items, {len(demo.deal_ids)} deals)")
    if keep and any(rest.values()):
        kept = ws.write(lambda s: team_sync.keep_local(s.connection())).value
        notes.append(f"kept {len(kept.items)} items and {len(kept.deals)} deals on this laptop only")
    return "; ".join(notes)


def join(ws: Workspace, url: str, member: str, role: str | None = None, password: str | None = None, *,
         check: bool = True, discard_demo: bool = False, keep_local: bool = False) -> TeamSettings:
    """Remember the server and member, after signing in once (``check``) and asking the server for
    the member's real role (``role`` given and different: refused). The stored URL carries no
    password: that lives in a 0600 ``.pgpass``-style file beside the home
    (:mod:`kb.team.credentials`); a password typed into the URL is moved there, never printed.

    A home's first join settles what it already holds: ``discard_demo`` removes the bundled demo,
    ``keep_local`` keeps the rest on this laptop only; with neither, a home holding anything is
    refused with :class:`JoinNeedsChoice`, so joining never publishes the demo to a team."""
    if role is not None and role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    parsed = _parse(url)
    safe = _without_password(parsed.set(username=member))
    password = password or parsed.password
    if password:
        store_password(ws.home.root, safe, password)
    if check:  # a typo in the URL or the password shows now, not at the first sync in the field
        actual = _server_role(ws, safe, member)
        if role is not None and role != actual:
            raise RoleMismatch(f"{member} is {'an' if actual == 'expert' else 'a'} {actual} on {safe_url(safe)}, "
                               f"not {'an' if role == 'expert' else 'a'} {role}: join with --role {actual}")
        role = actual
    if role is None:
        raise ValueError("without signing in (check=False) the role must be given")
    first = _get(ws, SERVER_KEY) is None
    note = _settle_local_content(ws, discard_demo, keep_local) if first else ""
    _put(ws, {SERVER_KEY: safe, MEMBER_KEY: member, ROLE_KEY: role})
    return TeamSettings(safe, member, role, note)


def settings(ws: Workspace) -> TeamSettings:
    url, member, role = (_get(ws, k) for k in (SERVER_KEY, MEMBER_KEY, ROLE_KEY))
    if not (url and member and role):
        raise NotJoinedError("this home has not joined a team: run `kb team join URL --as NAME`")
    # A home that joined with an older version may hold a URL with a password: never use or show
    # it (it would override the member's current password in the .pgpass file).
    return TeamSettings(_without_password(make_url(url)), member, role)


# -- sync -------------------------------------------------------------------------------------------
def sync_home(ws: Workspace, progress: ProgressFn = no_progress) -> Done[tuple[SyncReport, float]]:
    """Push then pull, then reindex only the changed items (and re-read the synonyms if they came
    down). Returns the report and the seconds the index update took, with what changed."""
    team = settings(ws)
    remote = team_sync.server_engine(team.url, _connect(ws, team.url))

    def exchange(s: Session) -> SyncReport:
        # Core-level and committed in its own transactions (a bulk write): what it touched is named
        # here. The pending marker spans it, so a crash between the pull's commit and the reindex
        # rebuilds the index on the next open; an unreachable server changes nothing locally.
        report = team_sync.sync(s.get_bind(), remote, member=team.member, role=team.role, progress=progress,
                                synonyms_path=ws.home.synonyms_path)  # fmt: skip
        touch(s, Changes.of(items=report.changed_item_ids, log=True, gaps=True,
                            suggestions=bool(report.conflicts), everything=bool(report.down.get("deals")
                            or report.down.get("stage events") or report.down.get("suggestions"))))  # fmt: skip
        pulled_at.append(time.perf_counter())  # what follows, until the write returns, is the reindex
        return report

    pulled_at: list[float] = []
    try:
        done = ws.write(exchange, bulk=True, unchanged_on=(OperationalError,))
        report = done.value
        if report.synonyms_changed:
            ws.index.reload_synonyms()
        index_seconds = time.perf_counter() - pulled_at[0]
        report.down["vectors"], report.up["vectors"] = _exchange_vectors(ws, remote, team)
    except OperationalError as exc:
        raise ServerUnreachableError(f"team server {team.url} unreachable: {exc.orig}") from exc
    finally:
        remote.dispose()
    return Done((report, index_seconds), done.changes)


def _exchange_vectors(ws: Workspace, remote: Any, team: TeamSettings) -> tuple[int, int]:
    """Texts waiting here take the team's vectors (computed once, on whichever laptop embedded
    first); an expert's laptop sends the vectors the server lacks. Returns (taken, sent).

    Why after the pull: the texts it brought are then waiting here, so their vectors come in the
    same sync — a laptop joining a large team searches by meaning as soon as its first sync ends."""
    store = ws.index.vectors
    semantic.catch_up(ws)
    size = DIM * 4
    with remote.begin() as conn:
        waiting = store.waiting_hashes()
        got = team_vectors.fetch(conn, store.model, waiting) if waiting else {}
        found = {h: np.frombuffer(b, dtype=np.float32) for h, b in got.items() if len(b) == size}
        taken = store.adopt_vectors(found) if found else 0
        sent = 0
        if team.role == "expert":
            kept = ws.read(lambda s: team_sync.local_only(s.connection())).items
            mine = {h for key, h in zip(list(store.ids), list(store.hashes)) if item_of(key) not in kept}
            new = team_vectors.missing(conn, store.model, mine)
            if new:
                rows = {h: v.astype(np.float32).tobytes() for h, v in store.vectors_of(new).items()}
                sent = team_vectors.send(conn, store.model, rows, team.member)
    if taken:
        store.save()
    return taken, sent


def status(ws: Workspace, *, probe: bool = False) -> SyncStatus:
    """Last sync time, records waiting to go up, and (with ``probe``) whether the server answers now."""
    try:
        team = settings(ws)
    except NotJoinedError:
        return SyncStatus(False, None, {}, None)  # joining publishes nothing held before: nothing waits
    pending = ws.read(lambda s: team_sync.pending(s.connection(), team.role))
    online = None
    if probe:
        engine = team_sync.server_engine(team.url, _connect(ws, team.url, 3))
        try:
            with engine.connect():
                online = True
        except OperationalError:
            online = False
        finally:
            engine.dispose()
    return SyncStatus(True, ws.read(lambda s: team_sync.last_sync(s.connection())), pending, online, team.member, team.role,
                      make_url(team.url).render_as_string(hide_password=True))


def follow_other_writers(ws: Workspace, since: datetime | None) -> tuple[list[str], datetime | None]:
    """Direct mode (the home's database is the shared server): reindex what another writer changed.

    The caller keeps the returned watermark in memory (the database is shared, so it cannot hold a
    per-laptop mark) and passes it back on the next refresh; ``None`` means "just take the mark".
    """
    rows = ws.read(lambda s: items.updated_since(s, since))
    if not rows:
        return [], since
    ids = [r[0] for r in rows]
    if since is not None:
        ws.reindex_ids(ids)
    return (ids if since is not None else []), max(r[1] for r in rows)


def is_direct(ws: Workspace) -> bool:
    """The home works on a shared database itself (``EXPERT_ANSWERS_DB_URL`` on PostgreSQL)."""
    return ws.read(lambda s: s.get_bind().dialect.name != "sqlite")


@contextmanager
def _team_session(ws: Workspace) -> Iterator[Session]:
    team = settings(ws)
    engine = team_sync.server_engine(team.url, _connect(ws, team.url))
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
