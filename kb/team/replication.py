"""Every table declares how it travels between a laptop and the team server.

A table that is not declared here fails ``tests/team/test_replication_registry.py``: a new kind of
record cannot be forgotten by sync (as stakeholders and decisions once were). Each declaration
says what identifies a row on every laptop (``key``), which rows go up and which come down; the
push and pull in :mod:`kb.team.sync` are driven by these declarations, and row-level security on
the server (:mod:`kb.team.policies`) decides what each member may actually write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kb.models import (AnswerLogEntry, AnswerLogItem, Deal, FileSync, Gap, Item, ItemVersion, JourneyStage,
                       SharedFile, SharedVector, StageEvent, Stakeholder, Suggestion, SyncState)

CHUNK = 1000


@dataclass(frozen=True)
class Channel:
    """How one table travels.

    ``up``: ``records`` (new rows, by key, once), ``owned`` (the member's own mutable rows),
    ``expert`` (experts' content), ``child`` (with its parent's rows), ``local`` (never).
    ``down``: ``all``, ``own`` (rows the member wrote or owns), ``visible`` (what the server's
    policies let the member read), ``child``, ``none``.
    ``decisions``: columns an expert's later decision changes on a record that already travelled.
    ``pending``: the label under which new rows count as waiting to go up (by local id mark).
    """

    table: Table
    key: str
    up: str
    down: str
    why: str
    decisions: tuple[str, ...] = ()
    pending: str | None = None


def _t(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


CHANNELS: dict[str, Channel] = {c.table.name: c for c in (
    Channel(_t(Deal), "id", "owned", "own", "a rep's deals: only the owner changes one (RLS)"),
    Channel(_t(StageEvent), "uid", "records", "own", "append-only history of the member's deals",
            pending="stage events"),
    Channel(_t(Stakeholder), "uid", "records", "own", "who is on the buyer's side of the member's deals",
            pending="stakeholders"),
    Channel(_t(AnswerLogEntry), "uid", "records", "none", "every answered question; reports read the server",
            pending="log entries"),
    Channel(_t(AnswerLogItem), "entry_id", "child", "none", "the items an answer used, with their entry"),
    Channel(_t(Gap), "uid", "records", "own", "reps' gaps; experts work all of them",
            decisions=("status", "answered_by", "resolved_at", "decided_by"), pending="gaps"),
    Channel(_t(Suggestion), "uid", "records", "own", "reps' suggested edits and conflicts; experts decide",
            decisions=("status", "decided_by", "decided_at", "decision_note", "applied_version"),
            pending="suggestions"),
    Channel(_t(Item), "id", "expert", "visible", "content: experts publish, every laptop pulls what it may see"),
    Channel(_t(ItemVersion), "uid", "child", "child", "each item's history, with its item"),
    Channel(_t(JourneyStage), "key", "expert", "all", "the team's journey stages"),
    Channel(_t(SharedFile), "name", "expert", "all", "team-wide files (the synonyms list)"),
    Channel(_t(SharedVector), "hash", "expert", "all", "meaning vectors, computed once for the team "
            "(indexer.app.team_sync moves them between the server and the laptop's vector store)"),
    Channel(_t(FileSync), "root", "local", "none", "this laptop's content folders"),
    Channel(_t(SyncState), "key", "local", "none", "this laptop's sync bookkeeping"),
)}

#: Tables whose new rows count as waiting to go up, by label.
PENDING: dict[str, Table] = {c.pending: c.table for c in CHANNELS.values() if c.pending}


def row(obj_row: Any, table: Table, skip: Iterable[str] = ()) -> dict[str, Any]:
    skipped = set(skip)
    return {c.name: getattr(obj_row, c.name) for c in table.columns if c.name not in skipped}


def chunks(rows: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def insert_new(server: Connection, table: Table, rows: list[dict[str, Any]], key: str) -> list[Any]:
    """Insert the rows the server lacks (by ``key``); the keys that were new (none on a retried sync)."""
    done: list[Any] = []
    for chunk in chunks(rows):
        res = server.execute(pg_insert(table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key]),
                             chunk)
        done.extend(res.scalars())
    return done


def pull_missing(local: Connection, server: Connection, table: Table, key: str, where: Any = None,
                 translate: Any = None) -> int:
    """Copy the server's rows this laptop lacks (by ``key``); integer ids stay local."""
    query = select(table) if where is None else select(table).where(where)
    have = set(local.execute(select(table.c[key])).scalars())
    skip = ("id",) if "id" in table.c and key != "id" else ()
    rows = [row(r, table, skip) for r in server.execute(query) if getattr(r, key) not in have]
    if translate is not None:
        rows = [translate(r) for r in rows]
    for chunk in chunks(rows):
        local.execute(table.insert(), chunk)
    return len(rows)
