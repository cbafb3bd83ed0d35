"""Push then pull between a laptop's SQLite home and the team's PostgreSQL server.

What travels is declared per table in :mod:`kb.team.replication`; who may write what is decided by
the server (:mod:`kb.team.policies`), so this module never claims an identity the server would not
stamp anyway, and never sends a row the server would refuse (one refusal would abort the whole push).

Why it is safe to retry at any point: every record a laptop creates carries a global id and is
pushed with ``INSERT … ON CONFLICT DO NOTHING`` inside ONE server transaction, so a crash before
the commit leaves the server untouched and a crash after it makes the rerun a no-op; the pull is
one local transaction. Decisions (a gap answered or dismissed, a suggestion accepted or rejected)
are applied on the server only to a row still open, so the first expert's decision stands and
every laptop converges on it. Concurrent edits of one item are never overwritten: an expert's
edit is applied only if the server still holds the version the laptop last pulled (row locked
``FOR UPDATE``); otherwise it goes to the server's suggestions queue as a conflict, and the
laptop takes the server's published version.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kb.db import head_revision
from kb.paths import BUNDLED_CONTENT
from kb.progress import ProgressFn, no_progress
from kb.models import (AnswerLogEntry, AnswerLogItem, Deal, Gap, Item, ItemVersion, JourneyStage, SharedFile,
                       StageEvent, Stakeholder, Suggestion, SyncState, utcnow)
from kb.team.replication import CHANNELS, PENDING, chunks, insert_new, pull_missing, row

FAULT_ENV = "EXPERT_ANSWERS_SYNC_FAULT"  # test hook: SIGKILL ourselves at the named point
BASES_KEY, LAST_SYNC_KEY, PUSHED_KEY = "base_versions", "last_sync", "pushed_upto"
SERVER_KEY, MEMBER_KEY, ROLE_KEY, LOCAL_ONLY_KEY = "server_url", "member", "role", "local_only"
SYNONYMS, SYNONYMS_KEY = "synonyms.txt", "synonyms_sha"
BUNDLED_SYNONYMS = BUNDLED_CONTENT / SYNONYMS


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
    kept_local: list[str] = field(default_factory=list)  # what the server would not take, and why


@dataclass(frozen=True)
class LocalOnly:
    """What this laptop had before it joined and chose to keep to itself: never pushed."""

    items: frozenset[str] = frozenset()
    deals: frozenset[str] = frozenset()


def _fault(point: str) -> None:
    """Kill (or pause) this process at ``point`` when the test hook names it: a real crash, not an exception."""
    hook = os.environ.get(FAULT_ENV)
    if hook == point:
        os.kill(os.getpid(), signal.SIGKILL)
    elif hook == f"pause:{point}":  # the test stops the server meanwhile, then sends SIGCONT
        os.kill(os.getpid(), signal.SIGSTOP)


def state(local: Connection, key: str, default: str) -> str:
    return local.execute(select(SyncState.value).where(SyncState.key == key)).scalar() or default


def set_state(local: Connection, key: str, value: str) -> None:
    local.execute(delete(SyncState).where(SyncState.key == key))
    local.execute(SyncState.__table__.insert().values(key=key, value=value))


def local_only(local: Connection) -> LocalOnly:
    data = json.loads(state(local, LOCAL_ONLY_KEY, "{}"))
    return LocalOnly(frozenset(data.get("items", ())), frozenset(data.get("deals", ())))


def keep_local(local: Connection) -> LocalOnly:
    """Mark everything in the home now as this laptop's own: its items and deals never go up, and
    the push marks move past its log entries, gaps and suggestions (joining a team publishes
    nothing a laptop had before)."""
    kept = LocalOnly(frozenset(local.execute(select(Item.id)).scalars()),
                     frozenset(local.execute(select(Deal.id)).scalars()))
    set_state(local, LOCAL_ONLY_KEY, json.dumps({"items": sorted(kept.items), "deals": sorted(kept.deals)}))
    set_state(local, PUSHED_KEY, json.dumps(_snapshot(local)))
    return kept


def _marks(local: Connection) -> dict[str, int]:
    """Per table, the highest local id known to be on the server: rows above it still go up.

    Kept with the uid of that row: if the row is gone or another (a home restored from an older
    backup reuses ids), the mark cannot be trusted and the whole table goes up again (the server
    skips what it has, by uid)."""
    marks = json.loads(state(local, PUSHED_KEY, "{}"))
    out: dict[str, int] = {}
    for name, t in PENDING.items():
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
    for name, t in PENDING.items():
        r = local.execute(select(t.c.id, t.c.uid).order_by(t.c.id.desc()).limit(1)).first()
        out[name] = [r.id, r.uid] if r else [0, None]
    return out


def server_engine(url: str, connect_args: dict[str, str] | None = None) -> Engine:
    """The member's own connection (own role): no migrations, PostgreSQL's rules decide what it may do."""
    return create_engine(url, connect_args=connect_args or {}, pool_pre_ping=True)


# ---------------------------------------------------------------- up
def _push_deals(local: Connection, server: Connection, member: str, kept: LocalOnly, report: SyncReport) -> set[str]:
    """The member's deals go up; returns the ids the server says this member owns.

    A deal id the server holds under another owner (two homes' ids that met before ids were made
    unique) stays on this laptop with its history: sending it would be refused."""
    t = Deal.__table__
    rows = [row(r, t) for r in local.execute(select(t)) if r.id not in kept.deals]
    on_server: dict[str, Any] = {}
    for chunk in chunks([r["id"] for r in rows]):
        on_server.update({r.id: r for r in server.execute(select(t.c.id, t.c.owner, t.c.updated_at)
                                                           .where(t.c.id.in_(chunk)))})
    new = [{**r, "owner": member} for r in rows if r["id"] not in on_server]
    owned = set(insert_new(server, t, new, "id"))
    report.up["deals"] = len(owned)
    for r in rows:
        there = on_server.get(r["id"])
        if there is None:
            continue
        if there.owner != member:
            report.kept_local.append(f"deal {r['id']}: {there.owner}'s on the team server")
            continue
        owned.add(r["id"])
        if there.updated_at < r["updated_at"]:  # a later change made on this laptop
            server.execute(update(t).where(t.c.id == r["id"]).values(
                {k: r[k] for k in ("name", "account", "stage", "status", "updated_at")}))
            report.up["deals"] += 1
    return owned


def _push_records(local: Connection, server: Connection, table: Table, after: int,
                  keep: Callable[[Any], bool], **stamp: Any) -> int:
    rows = [{**row(r, table, skip=("id",)), **stamp}
            for r in local.execute(select(table).where(table.c.id > after)) if keep(r)]
    return len(insert_new(server, table, rows, "uid"))


def _push_log(local: Connection, server: Connection, after: int, mine: Callable[[str | None], bool],
              member: str) -> int:
    t, ti = AnswerLogEntry.__table__, AnswerLogItem.__table__
    entries = [e for e in local.execute(select(t).where(t.c.id > after)) if mine(e.deal_id)]
    items: dict[int, list[Any]] = {}
    for r in local.execute(select(ti).where(ti.c.entry_id > after)):
        items.setdefault(r.entry_id, []).append(r)
    new = 0
    for chunk in chunks(entries):
        res = server.execute(
            pg_insert(t).on_conflict_do_nothing(index_elements=["uid"]).returning(t.c.uid, t.c.id),
            [{**row(e, t, skip=("id",)), "rep": member} for e in chunk])
        server_ids = dict(res.all())
        new += len(server_ids)
        links = [{"entry_id": server_ids[e.uid], "position": li.position, "item_id": li.item_id}
                 for e in chunk if e.uid in server_ids for li in items.get(e.id, [])]
        if links:
            server.execute(ti.insert(), links)
    return new


def _uid_map(conn: Connection, table: Table, key: str, values: list[Any], value: str) -> dict[Any, Any]:
    """``key`` → ``value`` for the rows of ``table`` whose ``key`` is among ``values``."""
    out: dict[Any, Any] = {}
    for chunk in chunks([v for v in values if v is not None]):
        out.update(conn.execute(select(table.c[key], table.c[value]).where(table.c[key].in_(chunk))).all())
    return out


def _push_gaps(local: Connection, server: Connection, after: int, mine: Callable[[str | None], bool],
               member: str) -> int:
    """New gaps go up open, in the member's name; an expert's decision follows as a decision."""
    t, log = Gap.__table__, AnswerLogEntry.__table__
    rows = [r for r in local.execute(select(t, log.c.uid.label("log_uid")).outerjoin(log, log.c.id == t.c.log_entry_id)
                                     .where(t.c.id > after)) if mine(r.deal_id)]
    server_ids = _uid_map(server, log, "uid", [r.log_uid for r in rows], "id")
    payload = [{**row(r, t, skip=("id",)), "log_entry_id": server_ids.get(r.log_uid), "by": member,
                "status": "open", "answered_by": None, "resolved_at": None, "decided_by": None} for r in rows]
    return len(insert_new(server, t, payload, "uid"))


def _push_suggestions(local: Connection, server: Connection, after: int, member: str) -> int:
    t = Suggestion.__table__
    rows = [{**row(r, t, skip=("id",)), "by": member, "status": "open", "decided_by": None, "decided_at": None,
             "decision_note": "", "applied_version": None}
            for r in local.execute(select(t).where(t.c.id > after)) if r.status == "open" or r.by == member]
    return len(insert_new(server, t, rows, "uid"))


def _push_decisions(local: Connection, server: Connection, member: str) -> int:
    """An expert's decisions on gaps and suggestions, on rows still open on the server (the first
    decision stands; the pull then brings it to every laptop, this one included)."""
    done = 0
    for name in ("gaps", "suggestions"):
        channel = CHANNELS[name]
        t = channel.table
        decided = {r.uid: r for r in local.execute(select(t).where(t.c.status != "open"))}
        still_open = [u for u, s in _uid_map(server, t, "uid", list(decided), "status").items() if s == "open"]
        for uid in still_open:
            values = {c: getattr(decided[uid], c) for c in channel.decisions}
            res = server.execute(update(t).where(t.c.uid == uid, t.c.status == "open")
                                 .values({**values, "decided_by": member}))
            done += res.rowcount or 0
    return done


def _push_content(local: Connection, server: Connection, member: str, kept: LocalOnly, report: SyncReport) -> int:
    """An expert's edits: applied if the server is still at the pulled version, else queued as a conflict."""
    bases: dict[str, int] = json.loads(state(local, BASES_KEY, "{}"))
    it, iv, sg = Item.__table__, ItemVersion.__table__, Suggestion.__table__
    applied = 0
    for item in local.execute(select(it)).all():
        base = bases.get(item.id, 0)
        if item.version <= base or item.id in kept.items:
            continue
        current = server.execute(select(it.c.version).where(it.c.id == item.id).with_for_update()).scalar()
        if (current or 0) == base:
            values = row(item, it)
            if current is None:
                server.execute(it.insert().values(**values))
            else:
                server.execute(update(it).where(it.c.id == item.id).values(**values))
            versions = local.execute(select(iv).where(iv.c.item_id == item.id, iv.c.version > base)).all()
            insert_new(server, iv, [row(v, iv, skip=("id",)) for v in versions], "uid")
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


def content_edits_waiting(local: Connection) -> int:
    """Items edited on this (expert's) laptop since it last pulled them: what the next push sends."""
    bases: dict[str, int] = json.loads(state(local, BASES_KEY, "{}"))
    kept = local_only(local)
    return sum(1 for i, v in local.execute(select(Item.id, Item.version))
               if v > bases.get(i, 0) and i not in kept.items)


def _sha(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _push_synonyms(local: Connection, server: Connection, member: str, path: Path, report: SyncReport) -> int:
    """An expert's edited synonyms list goes up if the server still holds the one this laptop last
    pulled; if another expert published meanwhile, the server's wins and this laptop's edit is kept
    beside the home's file (``synonyms.txt.mine-…``) and reported as a conflict."""
    body = _read(path)
    mine, base = _sha(body), state(local, SYNONYMS_KEY, "")
    current_row = server.execute(select(SharedFile.sha).where(SharedFile.name == SYNONYMS).with_for_update()).first()
    current = current_row.sha if current_row else ""
    if mine == current or not body.strip() or body == _read(BUNDLED_SYNONYMS):  # the demo's list stays home
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
    found = server.execute(select(SharedFile.body, SharedFile.sha).where(SharedFile.name == SYNONYMS)).first()
    if found is None:
        return
    if found.sha != _sha(_read(path)):
        # Written before the local commit records its sha: a crash in between leaves a file that
        # matches the server, which the next sync recognises (never one it would push back up).
        tmp = path.with_name(path.name + ".sync-tmp")
        tmp.write_text(found.body, encoding="utf-8")
        os.replace(tmp, path)
        report.synonyms_changed = True
        report.down["synonyms"] = 1
    set_state(local, SYNONYMS_KEY, found.sha)


def push(local: Connection, server: Connection, member: str, role: str, report: SyncReport,
         synonyms_path: Path | None = None) -> None:
    marks, kept = _marks(local), local_only(local)
    owned = _push_deals(local, server, member, kept, report)

    def mine(deal_id: str | None) -> bool:
        return deal_id is None or deal_id in owned

    for name in ("stage events", "stakeholders"):
        report.up[name] = _push_records(local, server, PENDING[name], marks[name], lambda r: r.deal_id in owned)
    report.up["log entries"] = _push_log(local, server, marks["log entries"], mine, member)
    report.up["gaps"] = _push_gaps(local, server, marks["gaps"], mine, member)
    report.up["suggestions"] = _push_suggestions(local, server, marks["suggestions"], member)
    if role == "expert":
        report.up["decisions"] = _push_decisions(local, server, member)
        st = JourneyStage.__table__
        for r in local.execute(select(st)):
            server.execute(pg_insert(st).values(**row(r, st)).on_conflict_do_update(
                index_elements=["key"], set_={"label": r.label, "description": r.description, "position": r.position}))
        report.up["content edits"] = _push_content(local, server, member, kept, report)
        if synonyms_path is not None:
            report.up["synonyms"] = _push_synonyms(local, server, member, synonyms_path, report)


# ---------------------------------------------------------------- down
def _pull_items(local: Connection, server: Connection) -> list[str]:
    """What changed on the server, and what this member may no longer see (an item unpublished or
    taken back to draft leaves a rep's laptop, and so its search, on this sync)."""
    it, iv = Item.__table__, ItemVersion.__table__
    # The server's policies decide what is visible: drafts only to experts.
    # Version AND save time: two laptops that each saved v2 of an item hold different v2s.
    remote = {r.id: (r.version, r.updated_at) for r in server.execute(select(it.c.id, it.c.version, it.c.updated_at))}
    mine = {r.id: (r.version, r.updated_at) for r in local.execute(select(it.c.id, it.c.version, it.c.updated_at))}
    known: dict[str, int] = json.loads(state(local, BASES_KEY, "{}"))
    withdrawn = sorted(i for i in known if i not in remote and i in mine)
    for chunk in chunks(withdrawn):
        local.execute(delete(iv).where(iv.c.item_id.in_(chunk)))
        local.execute(delete(it).where(it.c.id.in_(chunk)))
    changed = sorted(i for i, v in remote.items() if mine.get(i) != v)
    for chunk in chunks(changed):
        rows = server.execute(select(it).where(it.c.id.in_(chunk))).all()
        versions = server.execute(select(iv).where(iv.c.item_id.in_(chunk))).all()
        local.execute(delete(iv).where(iv.c.item_id.in_(chunk)))  # local-only versions were pushed or queued
        for r in rows:  # update in place: a delete would cascade to this home's file-sync state
            values = row(r, it)
            if r.id in mine:
                local.execute(update(it).where(it.c.id == r.id).values(**values))
            else:
                local.execute(it.insert().values(**values))
        if versions:
            local.execute(iv.insert(), [row(v, iv, skip=("id",)) for v in versions])
    set_state(local, BASES_KEY, json.dumps({i: v[0] for i, v in remote.items()}))
    return changed + withdrawn


def _pull_deals(local: Connection, server: Connection, member: str, report: SyncReport) -> None:
    """The member's own deals (from their other laptops too), their stage moves and stakeholders."""
    dt = Deal.__table__
    theirs = dt.c.owner == member
    report.down["deals"] = pull_missing(local, server, dt, "id", theirs)
    mine = {r.id: r for r in local.execute(select(dt.c.id, dt.c.owner, dt.c.updated_at))}
    for r in server.execute(select(dt).where(theirs)):
        here = mine.get(r.id)
        if here is not None and (here.updated_at < r.updated_at or here.owner != r.owner):
            local.execute(update(dt).where(dt.c.id == r.id).values(
                {k: getattr(r, k) for k in ("name", "account", "owner", "stage", "status", "updated_at")}))
    owned_ids = select(dt.c.id).where(theirs).scalar_subquery()
    for name in ("stage events", "stakeholders"):
        t = PENDING[name]
        report.down[name] = pull_missing(local, server, t, "uid", t.c.deal_id.in_(owned_ids))


def _pull_decided(local: Connection, server: Connection, name: str, where: Any) -> int:
    """Records and their decisions: missing rows come down; a decision made on the server (by any
    expert) replaces this laptop's open, or differently decided, copy."""
    channel = CHANNELS[name]
    t = channel.table
    translate = None
    if name == "gaps":  # the log entry is this laptop's own row, if it has it
        log = AnswerLogEntry.__table__
        server_log = dict(server.execute(select(log.c.id, log.c.uid).where(
            log.c.id.in_(select(t.c.log_entry_id).where(where)))).all())
        local_log = _uid_map(local, log, "uid", list(server_log.values()), "id")

        def translate(r: dict[str, Any]) -> dict[str, Any]:
            return {**r, "log_entry_id": local_log.get(server_log.get(r["log_entry_id"]))}

    new = pull_missing(local, server, t, "uid", where, translate)
    here = {r.uid: r for r in local.execute(select(t.c.uid, *(t.c[c] for c in channel.decisions)))}
    decided = 0
    for chunk in chunks(list(here)):
        for r in server.execute(select(t.c.uid, *(t.c[c] for c in channel.decisions))
                                .where(t.c.uid.in_(chunk), t.c.status != "open")):
            if tuple(r[1:]) != tuple(here[r.uid][1:]):
                local.execute(update(t).where(t.c.uid == r.uid).values(dict(zip(channel.decisions, r[1:]))))
                decided += 1
    return new + decided


def pull(local: Connection, server: Connection, member: str, role: str, report: SyncReport,
         synonyms_path: Path | None = None) -> None:
    st = JourneyStage.__table__
    for r in server.execute(select(st)):
        local.execute(delete(st).where(st.c.key == r.key))
        local.execute(st.insert().values(**row(r, st)))
    report.changed_item_ids = _pull_items(local, server)
    report.down["items"] = len(report.changed_item_ids)
    _pull_deals(local, server, member, report)
    expert = role == "expert"
    gt, sg = Gap.__table__, Suggestion.__table__
    # Experts work the whole team's queues; a rep gets their own gaps and suggestions back, decided.
    report.down["gaps"] = _pull_decided(local, server, "gaps", gt.c.status.is_not(None) if expert else gt.c.by == member)
    report.down["suggestions"] = _pull_decided(
        local, server, "suggestions", or_(sg.c.status == "open", sg.c.by == member) if expert else sg.c.by == member)
    if synonyms_path is not None:
        _pull_synonyms(local, server, synonyms_path, report)


def sync(local_engine: Engine, server: Engine, *, member: str, role: str,
         progress: ProgressFn = no_progress, synonyms_path: Path | None = None) -> SyncReport:
    """Push (one server transaction) then pull (one local transaction); safe to rerun after any failure,
    a :class:`~kb.progress.Cancelled` raised by ``progress`` included (the one cancel, as for imports)."""
    report = SyncReport()
    with server.connect() as remote:
        revision = remote.execute(text("SELECT version_num FROM alembic_version")).scalar() or "none"
    if revision != head_revision():
        raise SchemaMismatch(f"the team server's schema is at revision {revision}, this app needs "
                             f"{head_revision()}: the team admin runs `kb server init URL` to upgrade it")
    with local_engine.connect() as local:  # what exists now is what this push covers
        pushed = _snapshot(local)
    _fault("before_push")
    progress(0, 2, "up")
    with local_engine.connect() as local, server.begin() as remote:
        push(local, remote, member, role, report, synonyms_path)
        _fault("before_commit")
    _fault("after_commit")
    progress(1, 2, "down")
    with local_engine.begin() as local, server.connect() as remote:
        # A write first: SQLite then holds the write lock, so no log entry can slip in between
        # the check below and the rows the pull adds.
        set_state(local, "sync_started", utcnow().isoformat())
        quiet = _snapshot(local) == pushed  # nothing created here since the push's snapshot
        pull(local, remote, member, role, report, synonyms_path)
        _fault("during_pull")
        report.finished_at = utcnow()
        set_state(local, LAST_SYNC_KEY, report.finished_at.isoformat())
        # Rows the pull brought (a colleague's gaps) are on the server already: when nothing
        # local came between, they are covered by the mark and never count as "to send".
        set_state(local, PUSHED_KEY, json.dumps(_snapshot(local) if quiet else pushed))
    progress(2, 2, "done")
    return report


def pending(local: Connection, role: str = "rep") -> dict[str, int]:
    """What the next sync sends (what a status indicator shows): records created here since the last
    sync, deals changed since, and on an expert's laptop content edits and decisions."""
    upto = _marks(local)
    out = {name: local.execute(select(func.count()).select_from(t).where(t.c.id > upto[name])).scalar() or 0
           for name, t in PENDING.items()}
    since = state(local, LAST_SYNC_KEY, "")
    kept = local_only(local)
    deals = local.execute(select(Deal.id, Deal.updated_at)).all()
    out["deal changes"] = sum(1 for d in deals if d.id not in kept.deals
                              and (not since or d.updated_at > datetime.fromisoformat(since)))
    if role == "expert":
        out["content edits"] = content_edits_waiting(local)
        if since:
            cutoff = datetime.fromisoformat(since)
            out["decisions"] = (
                (local.execute(select(func.count()).select_from(Gap).where(Gap.resolved_at > cutoff)).scalar() or 0)
                + (local.execute(select(func.count()).select_from(Suggestion)
                                 .where(Suggestion.decided_at > cutoff)).scalar() or 0))
    return out


def last_sync(local: Connection) -> datetime | None:
    value = state(local, LAST_SYNC_KEY, "")
    return datetime.fromisoformat(value) if value else None
