"""The experts' review queue: proposed edits (from reps, or from conflicting content files).

Anyone may suggest. Only an expert accepts (the proposal is applied as a normal, versioned save)
or rejects. A suggestion records the item version it was made against; accepting it after the
item has moved on would undo the newer edit, so that needs ``force=True`` after a look at
:func:`suggestion_diff`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kb.content_format import to_markdown
from kb.models import Item, Suggestion, utcnow
from kb.records import ItemRecord
from kb.services.curation import stage_keys, validate_record
from kb.services.items import content_snapshot, save_one, to_record
from kb.services.roles import Actor, require_expert
from kb.services.versions import record_from_snapshot, with_content

SUGGESTION_STATUSES = ("open", "accepted", "rejected")


class SuggestionError(ValueError):
    pass


class SuggestionOutdated(SuggestionError):
    """The item changed after the suggestion was made."""


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    id: int
    item_id: str | None  # None: a proposed new item (``proposed.id`` is its id)
    proposed: ItemRecord
    note: str
    by: str
    at: datetime
    status: str
    base_version: int | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    applied_version: int | None

    @property
    def is_new_item(self) -> bool:
        return self.item_id is None


def _record(s: Suggestion) -> SuggestionRecord:
    item_id = s.item_id or str(s.snapshot.get("id", ""))
    return SuggestionRecord(
        s.id, s.item_id, record_from_snapshot(item_id, s.snapshot), s.note, s.by, s.at, s.status, s.base_version,
        s.decided_by, s.decided_at, s.decision_note, s.applied_version,
    )  # fmt: skip


def _row(session: Session, suggestion_id: int) -> Suggestion:
    row = session.get(Suggestion, suggestion_id)
    if row is None:
        raise SuggestionError(f"no suggestion {suggestion_id}")
    return row


def _open_row(session: Session, suggestion_id: int) -> Suggestion:
    row = _row(session, suggestion_id)
    if row.status != "open":
        raise SuggestionError(f"suggestion {suggestion_id} was already {row.status} by {row.decided_by}")
    return row


def _proposal_snapshot(record: ItemRecord) -> dict[str, object]:
    return {"id": record.id, **content_snapshot(record)}


def suggest_edit(session: Session, record: ItemRecord, actor: Actor, note: str = "") -> SuggestionRecord:
    """Queue ``record`` (an edited item, or a new one) for the experts. Any role may suggest."""
    validate_record(record, stage_keys(session))
    item = session.get(Item, record.id)
    if item is not None and content_snapshot(to_record(item)) == content_snapshot(record):
        raise SuggestionError(f"nothing to suggest: {record.id!r} already reads exactly like this")
    row = Suggestion(
        item_id=item.id if item else None, base_version=item.version if item else None,
        snapshot=_proposal_snapshot(record), note=note.strip(), by=actor.name, at=utcnow(), status="open",
        decision_note="",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _record(row)


def find_same(
    session: Session, record: ItemRecord, statuses: tuple[str, ...] = ("open", "rejected")
) -> SuggestionRecord | None:
    """An earlier suggestion proposing exactly this content for this item (to avoid re-queuing it)."""
    wanted = _proposal_snapshot(record)
    rows = session.scalars(
        select(Suggestion)
        .where(Suggestion.status.in_(statuses), or_(Suggestion.item_id == record.id, Suggestion.item_id.is_(None)))
        .order_by(Suggestion.id.desc())
    )
    for row in rows:
        if (row.item_id or row.snapshot.get("id")) == record.id and row.snapshot == wanted:
            return _record(row)
    return None


def list_suggestions(
    session: Session, *, status: str | None = "open", item_id: str | None = None
) -> list[SuggestionRecord]:
    """Oldest first (a queue); ``status=None`` lists every suggestion."""
    stmt = select(Suggestion).order_by(Suggestion.at, Suggestion.id)
    if status:
        stmt = stmt.where(Suggestion.status == status)
    rows = [_record(r) for r in session.scalars(stmt)]
    return [r for r in rows if item_id is None or r.proposed.id == item_id]


def get_suggestion(session: Session, suggestion_id: int) -> SuggestionRecord:
    return _record(_row(session, suggestion_id))


def suggestion_diff(session: Session, suggestion_id: int, *, context: int = 3) -> str:
    """The current item → the proposal, as a unified diff of the Markdown."""
    sug = get_suggestion(session, suggestion_id)
    item = session.get(Item, sug.proposed.id)
    current = to_markdown(record_from_snapshot(item.id, content_snapshot(to_record(item)))) if item else ""
    label = f"{sug.proposed.id} v{item.version} (current)" if item else f"{sug.proposed.id} (new)"
    lines = difflib.unified_diff(
        current.splitlines(keepends=True), to_markdown(sug.proposed).splitlines(keepends=True),
        fromfile=label, tofile=f"suggestion #{sug.id} ({sug.by}, {sug.at:%Y-%m-%d %H:%M})", n=context,
    )  # fmt: skip
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def accept_suggestion(
    session: Session, suggestion_id: int, actor: Actor, *, note: str = "", force: bool = False
) -> tuple[SuggestionRecord, ItemRecord]:
    """Apply the proposal as a versioned save by ``actor`` and close the suggestion."""
    require_expert(actor, f"accept suggestion {suggestion_id}")
    row = _open_row(session, suggestion_id)
    proposed = _record(row).proposed
    item = session.get(Item, proposed.id)
    if not force:
        if item is not None and row.item_id is None:
            raise SuggestionOutdated(
                f"suggestion {suggestion_id} proposes a new item {proposed.id!r}, but that item exists now; "
                "review the diff and accept with force to replace its content"
            )
        if item is not None and row.base_version is not None and item.version != row.base_version:
            raise SuggestionOutdated(
                f"{proposed.id!r} changed after suggestion {suggestion_id} was made (v{row.base_version} → "
                f"v{item.version}); accepting would undo that edit. Review the diff and accept with force"
            )
    validate_record(proposed, stage_keys(session))
    target = with_content(to_record(item), proposed) if item is not None else proposed
    by = f"{actor.name} (suggestion #{row.id} by {row.by})"[:120]
    saved = save_one(session, target, saved_by=by)
    row.status, row.decided_by, row.decided_at = "accepted", actor.name, utcnow()
    row.decision_note, row.applied_version = note.strip(), saved.version
    session.flush()
    return _record(row), saved


def reject_suggestion(session: Session, suggestion_id: int, actor: Actor, *, note: str = "") -> SuggestionRecord:
    require_expert(actor, f"reject suggestion {suggestion_id}")
    row = _open_row(session, suggestion_id)
    row.status, row.decided_by, row.decided_at, row.decision_note = "rejected", actor.name, utcnow(), note.strip()
    session.flush()
    return _record(row)
