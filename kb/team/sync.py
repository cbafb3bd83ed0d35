"""Push then pull between a laptop's SQLite home and the team's PostgreSQL server.

Why it is safe to retry at any point: every record a laptop creates carries a ``uid`` and is
pushed with ``INSERT … ON CONFLICT (uid) DO NOTHING`` inside ONE server transaction, so a crash
before the commit leaves the server untouched and a crash after it makes the rerun a no-op; the
pull is one local transaction. Concurrent edits of one item are never overwritten: an expert's
edit is applied only if the server still holds the version the laptop last pulled (row locked
``FOR UPDATE``); otherwise it goes to the server's suggestions queue as a conflict, and the
laptop takes the server's published version, so every laptop converges on the same one.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kb.db import head_revision
from kb.models import (AnswerLogEntry, AnswerLogItem, Deal, Gap, Item, ItemVersion, JourneyStage, SharedFile,
                       StageEvent, Suggestion, SyncState, utcnow)

ProgressFn = Callable[[str, int, int], None]
FAULT_ENV = "EXPERT_ANSWERS_SYNC_FAULT"  # test hook: SIGKILL ourselves at the named point
BASES_KEY, LAST_SYNC_KEY, PUSHED_KEY = "base_versions", "last_sync", "pushed_upto"
SYNONYMS, SYNONYMS_KEY = "synonyms.txt", "synonyms_sha"
_CHUNK = 1000
#: Append-only tables whose new rows count as "pending up" until a sync succeeds (by local id).
_PENDING = {"log entries": AnswerLogEntry.__table__, "gaps": Gap.__table__,
            "stage events": StageEvent.__table__, "suggestions": Suggestion.__table__}


class SchemaMismatch(ValueError):
    """The server's schema is older (or newer) than this app's: syncing could lose fields."""


@dataclass
class SyncReport:
    up: dict[str, int] = field(default_factory=dict)
    down: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    changed_item_ids: list[str] = field(default_factory=list)
    finished_at: datetime | None = None
    synonyms_changed: bool = False


def _fault(point: str) -> None:
    """Kill (or pause) this process at ``point`` when the test hook names it: a real crash, not an exception."""
    hook = os.environ.get(FAULT_ENV)
    if hook == point:
        os.kill(os.getpid(), signal.SIGKILL)
    elif hook == f"pause:{point}":  # the test stops the server meanwhile, then sends SIGCONT
        os.kill(os.getpid(), signal.SIGSTOP)


def _row(obj_row: Any, table: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    return {c.name: getattr(obj_row, c.name) for c in table.columns if c.name not in set(skip)}


def _chunks(rows: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _state(local: Connection, key: str, default: str) -> str:
    return local.execute(select(SyncState.value).where(SyncState.key == key)).scalar() or default


def _set_state(local: Connection, key: str, value: str) -> None:
    local.execute(delete(SyncState).where(SyncState.key == key))
    local.execute(SyncState.__table__.insert().values(key=key, value=value))


def _marks(local: Connection) -> dict[str, int]:
    """Per table, the highest local id known to be on the server: rows above it still go up.

    Kept with the uid of that row: if the row is gone or another (a home restored from an older
    backup reuses ids), the mark cannot be trusted and the whole table goes up again (the server
    skips what it has, by uid)."""
    marks = json.loads(_state(local, PUSHED_KEY, "{}"))
    out: dict[str, int] = {}
    for name, t in _PENDING.items():
        mark = marks.get(name, 0)
        row_id, uid = (mark, None) if isinstance(mark, int) else (mark[0], mark[1])
        if row_id and uid is not None:
            found = local.execute(select(t.c.uid).where(t.c.id == row_id)).scalar()
            row_id = row_id if found == uid else 0
        out[name] = row_id
    return out


def _snapshot(local: Connection) -> dict[str, list[Any]]:
    """The newest row of each table now, as [id, uid]."""
    out: dict[str, list[Any]] = {}
    for name, t in _PENDING.items():
        row = local.execute(select(t.c.id, t.c.uid).order_by(t.c.id.desc()).limit(1)).first()
        out[name] = [row.id, row.uid] if row else [0, None]
    return out


def server_engine(url: str, connect_args: dict[str, str] | None = None) -> Engine:
    """The member's own connection (own role): no migrations, PostgreSQL's GRANTs decide what it may do."""
    return create_engine(url, connect_args=connect_args or {}, pool_pre_ping=True)


# ---------------------------------------------------------------- up
def _push_insert(server: Connection, table: Any, rows: list[dict[str, Any]], key: str) -> int:
    """Insert rows the server lacks; returns how many were new (0 on a retried sync)."""
    done = 0
    for chunk in _chunks(rows):
        res = server.execute(pg_insert(table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key]),
                             chunk)
        done += len(res.all())
    return done


def _push_log(local: Connection, server: Connection, after: int) -> int:
    t, ti = AnswerLogEntry.__table__, AnswerLogItem.__table__
    entries = local.execute(select(t).where(t.c.id > after)).all()
    items: dict[int, list[Any]] = {}
    for r in local.execute(select(ti).where(ti.c.entry_id > after)):
        items.setdefault(r.entry_id, []).append(r)
    new = 0
    for chunk in _chunks(entries):
        res = server.execute(
            pg_insert(t).on_conflict_do_nothing(index_elements=["uid"]).returning(t.c.uid, t.c.id),
            [_row(e, t, skip=("id",)) for e in chunk])
        server_ids = dict(res.all())
        new += len(server_ids)
        links = [{"entry_id": server_ids[e.uid], "position": li.position, "item_id": li.item_id}
                 for e in chunk if e.uid in server_ids for li in items.get(e.id, [])]
        if links:
            server.execute(ti.insert(), links)
    return new


def _push_gaps(local: Connection, server: Connection, after: int) -> int:
    t, log = Gap.__table__, AnswerLogEntry.__table__
    rows = local.execute(select(t, log.c.uid.label("log_uid")).outerjoin(log, log.c.id == t.c.log_entry_id)
                         .where(t.c.id > after)).all()
    log_uids = [r.log_uid for r in rows if r.log_uid]
    server_ids: dict[str, int] = {}
    for chunk in _chunks(log_uids):
        server_ids.update(server.execute(select(log.c.uid, log.c.id).where(log.c.uid.in_(chunk))).all())
    payload = [{**_row(r, t, skip=("id",)), "log_entry_id": server_ids.get(r.log_uid)} for r in rows]
    return _push_insert(server, t, payload, "uid")


def _push_deals(local: Connection, server: Connection, after: int) -> int:
    t = Deal.__table__
    rows = [_row(r, t) for r in local.execute(select(t))]
    new = _push_insert(server, t, rows, "id")
    for r in rows:  # a later stage move made on this laptop wins over an older one
        server.execute(update(t).where(t.c.id == r["id"], t.c.updated_at < r["updated_at"])
                       .values(stage=r["stage"], status=r["status"], updated_at=r["updated_at"]))
    ev = StageEvent.__table__
    new += _push_insert(server, ev, [_row(r, ev, skip=("id",)) for r in local.execute(
        select(ev).where(ev.c.id > after))], "uid")
    return new


def _push_content(local: Connection, server: Connection, member: str, report: SyncReport) -> int:
    """An expert's edits: applied if the server is still at the pulled version, else queued as a conflict."""
    bases: dict[str, int] = json.loads(_state(local, BASES_KEY, "{}"))
    it, iv, sg = Item.__table__, ItemVersion.__table__, Suggestion.__table__
    applied = 0
    for item in local.execute(select(it)).all():
        base = bases.get(item.id, 0)
        if item.version <= base:
            continue
        current = server.execute(select(it.c.version).where(it.c.id == item.id).with_for_update()).scalar()
        if (current or 0) == base:
            values = _row(item, it)
            if current is None:
                server.execute(it.insert().values(**values))
            else:
                server.execute(update(it).where(it.c.id == item.id).values(**values))
            versions = local.execute(select(iv).where(iv.c.item_id == item.id, iv.c.version > base)).all()
            _push_insert(server, iv, [_row(v, iv, skip=("id",)) for v in versions], "uid")
            applied += 1
        else:
            snap = local.execute(select(iv.c.snapshot).where(iv.c.item_id == item.id)
                                 .order_by(iv.c.version.desc()).limit(1)).scalar() or {}
            server.execute(pg_insert(sg).on_conflict_do_nothing(index_elements=["uid"]).values(
                uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"conflict:{member}:{item.id}:{item.version}:{base}")),
                item_id=item.id, base_version=base, snapshot=snap, by=member, at=utcnow(), status="open",
                note=f"Conflict: edited on {member}'s laptop from v{base} while the server moved to v{current}.",
                decision_note=""))
            report.conflicts.append(item.id)
    return applied


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _push_synonyms(local: Connection, server: Connection, member: str, path: Path, report: SyncReport) -> int:
    """An expert's edited synonyms list goes up if the server still holds the one this laptop last
    pulled; if another expert published meanwhile, the server's wins and this laptop's edit is kept
    beside the home's file (``synonyms.txt.mine-…``) and reported as a conflict."""
    body = _read(path)
    mine, base = _sha(body), _state(local, SYNONYMS_KEY, "")
    row = server.execute(select(SharedFile.sha).where(SharedFile.name == SYNONYMS).with_for_update()).first()
    current = row.sha if row else ""
    if mine == current or not body.strip():
        return 0
    if base == "" and current:  # never synced: the server's list is the team's; take it
        return 0
    if mine == base:  # not edited here since the last pull
        return 0
    if current != base:
        aside = path.with_name(f"{path.name}.mine-{utcnow():%Y%m%d-%H%M%S}")
        aside.write_text(body, encoding="utf-8")
        report.conflicts.append(f"{SYNONYMS} (your edit kept in {aside.name})")
        return 0
    values = {"body": body, "sha": mine, "updated_at": utcnow(), "updated_by": member}
    server.execute(pg_insert(SharedFile).values(name=SYNONYMS, **values)
                   .on_conflict_do_update(index_elements=["name"], set_=values))
    return 1


def _pull_synonyms(local: Connection, server: Connection, path: Path, report: SyncReport) -> None:
    row = server.execute(select(SharedFile.body, SharedFile.sha).where(SharedFile.name == SYNONYMS)).first()
    if row is None:
        return
    if row.sha != _sha(_read(path)):
        # Written before the local commit records its sha: a crash in between leaves a file that
        # matches the server, which the next sync recognises (never one it would push back up).
        tmp = path.with_name(path.name + ".sync-tmp")
        tmp.write_text(row.body, encoding="utf-8")
        os.replace(tmp, path)
        report.synonyms_changed = True
        report.down["synonyms"] = 1
    _set_state(local, SYNONYMS_KEY, row.sha)


def push(local: Connection, server: Connection, member: str, role: str, report: SyncReport,
         synonyms_path: Path | None = None) -> None:
    marks = _marks(local)
    report.up["deals+stage events"] = _push_deals(local, server, marks["stage events"])
    report.up["log entries"] = _push_log(local, server, marks["log entries"])
    report.up["gaps"] = _push_gaps(local, server, marks["gaps"])
    sg = Suggestion.__table__
    report.up["suggestions"] = _push_insert(server, sg, [_row(r, sg, skip=("id",)) for r in local.execute(
        select(sg).where(sg.c.status == "open"))], "uid")
    if role == "expert":
        st = JourneyStage.__table__
        for r in local.execute(select(st)):
            server.execute(pg_insert(st).values(**_row(r, st)).on_conflict_do_update(
                index_elements=["key"], set_={"label": r.label, "description": r.description, "position": r.position}))
        report.up["content edits"] = _push_content(local, server, member, report)
        if synonyms_path is not None:
            report.up["synonyms"] = _push_synonyms(local, server, member, synonyms_path, report)


# ---------------------------------------------------------------- down
def _pull_items(local: Connection, server: Connection, role: str) -> list[str]:
    it, iv = Item.__table__, ItemVersion.__table__
    query = select(it.c.id, it.c.version, it.c.updated_at)
    if role != "expert":
        query = query.where(it.c.status.in_(("published", "archived")))
    # Version AND save time: two laptops that each saved v2 of an item hold different v2s.
    remote = {r.id: (r.version, r.updated_at) for r in server.execute(query)}
    mine = {r.id: (r.version, r.updated_at) for r in local.execute(select(it.c.id, it.c.version, it.c.updated_at))}
    changed = sorted(i for i, v in remote.items() if mine.get(i) != v)
    for chunk in _chunks(changed):
        rows = server.execute(select(it).where(it.c.id.in_(chunk))).all()
        versions = server.execute(select(iv).where(iv.c.item_id.in_(chunk))).all()
        local.execute(delete(iv).where(iv.c.item_id.in_(chunk)))  # local-only versions were pushed or queued
        for r in rows:  # update in place: a delete would cascade to this home's file-sync state
            values = _row(r, it)
            if r.id in mine:
                local.execute(update(it).where(it.c.id == r.id).values(**values))
            else:
                local.execute(it.insert().values(**values))
        if versions:
            local.execute(iv.insert(), [_row(v, iv, skip=("id",)) for v in versions])
    _set_state(local, BASES_KEY, json.dumps({i: v[0] for i, v in remote.items()}))
    return changed


def _pull_missing(local: Connection, server: Connection, table: Any, key: str, where: Any = None) -> int:
    query = select(table) if where is None else select(table).where(where)
    have = set(local.execute(select(table.c[key])).scalars())
    rows = [_row(r, table, skip=("id",) if key == "uid" else ()) for r in server.execute(query)
            if getattr(r, key) not in have]
    for chunk in _chunks(rows):
        local.execute(table.insert(), chunk)
    return len(rows)


def pull(local: Connection, server: Connection, role: str, report: SyncReport,
         synonyms_path: Path | None = None) -> None:
    st = JourneyStage.__table__
    for r in server.execute(select(st)):
        local.execute(delete(st).where(st.c.key == r.key))
        local.execute(st.insert().values(**_row(r, st)))
    report.changed_item_ids = _pull_items(local, server, role)
    report.down["items"] = len(report.changed_item_ids)
    dt = Deal.__table__
    report.down["deals"] = _pull_missing(local, server, dt, "id")
    for r in server.execute(select(dt)):
        local.execute(update(dt).where(dt.c.id == r.id, dt.c.updated_at < r.updated_at)
                      .values(stage=r.stage, status=r.status, updated_at=r.updated_at))
    report.down["stage events"] = _pull_missing(local, server, StageEvent.__table__, "uid")
    if role == "expert":
        sg = Suggestion.__table__
        report.down["suggestions"] = _pull_missing(local, server, sg, "uid", sg.c.status == "open")
    if synonyms_path is not None:
        _pull_synonyms(local, server, synonyms_path, report)


def sync(local_engine: Engine, server: Engine, *, member: str, role: str,
         progress: ProgressFn = lambda *_: None, synonyms_path: Path | None = None) -> SyncReport:
    """Push (one server transaction) then pull (one local transaction); safe to rerun after any failure."""
    report = SyncReport()
    with server.connect() as remote:
        revision = remote.execute(text("SELECT version_num FROM alembic_version")).scalar() or "none"
    if revision != head_revision():
        raise SchemaMismatch(f"the team server's schema is at revision {revision}, this app needs "
                             f"{head_revision()}: the team admin runs `kb server init URL` to upgrade it")
    with local_engine.connect() as local:  # what exists now is what this push covers
        pushed = _snapshot(local)
    _fault("before_push")
    progress("up", 0, 2)
    with local_engine.connect() as local, server.begin() as remote:
        push(local, remote, member, role, report, synonyms_path)
        _fault("before_commit")
    _fault("after_commit")
    progress("down", 1, 2)
    with local_engine.begin() as local, server.connect() as remote:
        # A write first: SQLite then holds the write lock, so no log entry can slip in between
        # the check below and the rows the pull adds.
        _set_state(local, "sync_started", utcnow().isoformat())
        quiet = _snapshot(local) == pushed  # nothing created here since the push's snapshot
        pull(local, remote, role, report, synonyms_path)
        _fault("during_pull")
        report.finished_at = utcnow()
        _set_state(local, LAST_SYNC_KEY, report.finished_at.isoformat())
        # Rows the pull brought (a colleague's stage moves) are on the server already: when
        # nothing local came between, they are covered by the mark and never count as "to send".
        _set_state(local, PUSHED_KEY, json.dumps(_snapshot(local) if quiet else pushed))
    progress("done", 2, 2)
    return report


def pending(local_engine: Engine) -> dict[str, int]:
    """Records created on this laptop since the last successful sync (what a status indicator shows)."""
    with local_engine.connect() as local:
        upto = _marks(local)
        return {name: local.execute(select(func.count()).select_from(t).where(t.c.id > upto[name])).scalar() or 0
                for name, t in _PENDING.items()}


def last_sync(local_engine: Engine) -> datetime | None:
    with local_engine.connect() as local:
        value = _state(local, LAST_SYNC_KEY, "")
    return datetime.fromisoformat(value) if value else None
