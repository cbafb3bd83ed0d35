"""What a write touched, recorded as it happens rather than written by hand at each call site.

:meth:`Workspace.write <indexer.app.workspace.Workspace.write>` attaches a :class:`Recorder` to the
write's session: SQLAlchemy's ``after_flush`` event sees every row the ORM inserts, updates or
deletes, and ``do_orm_execute`` every ORM-level bulk statement. Each row is mapped to what a screen
shows (an item, a deal, the log, the gaps, the suggestions), so the reindex and the broadcast
follow from one record (STYLE §17, after Anki's backend-computed ``OpChanges``).

Core-level writes bypass the ORM (a sync's bulk inserts on a connection): they name what they
touched with :func:`touch`. A read's session refuses to flush (:func:`guard_read`), so a write
submitted on the reads path fails loudly instead of broadcasting nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from kb.models import AnswerLogEntry, AnswerLogItem, Deal, Gap, Item, ItemVersion, Stakeholder, StageEvent, Suggestion

from indexer.app.changes import Changes

_KEY = "ea_touched"


class ReadOnlyError(RuntimeError):
    """A read tried to change the database: writes go through ``Workspace.write``."""


def _of_row(obj: Any) -> Changes:
    if isinstance(obj, Item):
        return Changes.of(items=[obj.id])
    if isinstance(obj, ItemVersion):
        return Changes.of(items=[obj.item_id])
    if isinstance(obj, Deal):
        return Changes.of(deals=[obj.id])
    if isinstance(obj, (StageEvent, Stakeholder)):
        return Changes.of(deals=[obj.deal_id])
    if isinstance(obj, AnswerLogEntry):
        return Changes.of(deals=[obj.deal_id], log=True)
    if isinstance(obj, AnswerLogItem):
        return Changes.of(log=True)
    if isinstance(obj, Gap):
        return Changes.of(gaps=True)
    if isinstance(obj, Suggestion):
        return Changes.of(suggestions=True)
    return Changes()  # sync state, file-sync records, stages: nothing a screen lists


#: An ORM bulk statement names no rows: tables whose rows screens list by id count as "everything".
_BULK = {"items": Changes(everything=True), "item_versions": Changes(everything=True),
         "deals": Changes(everything=True), "stage_events": Changes(everything=True),
         "stakeholders": Changes(everything=True), "answer_log": Changes(log=True),
         "answer_log_items": Changes(log=True), "gaps": Changes(gaps=True),
         "suggestions": Changes(suggestions=True)}  # fmt: skip


def touch(session: Session, changes: Changes) -> None:
    """Record what a Core-level write (one that bypasses the ORM) touched, on the write's session."""
    session.info[_KEY] = session.info.get(_KEY, Changes()) | changes


def touched(session: Session) -> Changes:
    return session.info.get(_KEY, Changes())


class Recorder:
    """Listens on one write's session for the rows it flushes; :func:`touched` reads the result."""

    def __init__(self, session: Session) -> None:
        self.session = session
        session.info[_KEY] = Changes()
        event.listen(session, "after_flush", self._after_flush)
        event.listen(session, "do_orm_execute", self._bulk)

    def _after_flush(self, session: Session, _context: object) -> None:
        found = Changes()
        rows: Iterable[Any] = (*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o)))
        for obj in rows:
            found = found | _of_row(obj)
        touch(session, found)

    def _bulk(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            touch(state.session, _BULK.get(getattr(table, "name", ""), Changes()))

    def close(self) -> None:
        event.remove(self.session, "after_flush", self._after_flush)
        event.remove(self.session, "do_orm_execute", self._bulk)


def _refuse(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyError("a read changed the database; writes go through Workspace.write")


def _refuse_bulk(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyError("a read ran a bulk write; writes go through Workspace.write")


def guard_read(session: Session) -> None:
    """Make ``session`` refuse any change: a read that flushes one raises :class:`ReadOnlyError`."""
    event.listen(session, "before_flush", _refuse)
    event.listen(session, "do_orm_execute", _refuse_bulk)
