"""Expert writes on content: save, publish/archive, verify, the stale list, answering a gap.

Every function that changes content takes an :class:`~kb.services.roles.Actor` and refuses a
rep with :class:`~kb.services.roles.PermissionDenied` before anything is written (reps use
``kb.services.suggestions.suggest_edit``). Each write is a normal versioned save, recorded with
the actor's name. The search index is not touched here: callers that hold one (the Workspace's
``indexer.app.curation.Curation``) reindex the returned records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.content_format import ID_RE, front_matter, record_from_fields, slugify
from kb.errors import ContentError
from kb.models import Gap, Item, ItemVersion, JourneyStage
from kb.records import STATUSES, ItemRecord
from kb.services.gaps import GapError, resolve_gap
from kb.services.items import all_records, get_item, save_one
from kb.services.roles import Actor, require_expert


class EditConflict(ValueError):
    """The item changed since the editor loaded it; saving would silently drop someone's edit."""


@dataclass(frozen=True, slots=True)
class StaleItem:
    record: ItemRecord
    due: date | None  # None: never verified
    days_overdue: int | None

    @property
    def id(self) -> str:
        return self.record.id


def stage_keys(session: Session) -> list[str]:
    return list(session.scalars(select(JourneyStage.key).order_by(JourneyStage.position)))


def validate_record(record: ItemRecord, stages: Iterable[str]) -> None:
    """Raise ContentError (naming the field) when ``record`` would not load from a content file."""
    if not ID_RE.match(record.id):
        raise ContentError(f"invalid id {record.id!r} (letters, digits, '.', '_' and '-')", field="id")
    record_from_fields(front_matter(record), record.body, stage_keys=stages, default_id=record.id,
                       source=record.source)  # fmt: skip


def item_exists(session: Session, item_id: str) -> bool:
    return get_item(session, item_id) is not None


def _current(session: Session, item_id: str) -> ItemRecord:
    record = get_item(session, item_id)
    if record is None:
        raise KeyError(f"no item {item_id!r}")
    return record


def _save(session: Session, record: ItemRecord, actor: Actor) -> ItemRecord:
    return save_one(session, record, saved_by=actor.name)


def save_item(session: Session, record: ItemRecord, actor: Actor, *, base_version: int | None = None) -> ItemRecord:
    """Create or update an item as ``actor`` (experts only); returns the stored record.

    ``base_version`` is the version the editor started from: when the item has moved on since,
    :class:`EditConflict` is raised instead of overwriting the newer edit. Saving identical
    content creates no version.
    """
    require_expert(actor, f"save {record.id!r}")
    validate_record(record, stage_keys(session))
    item = session.get(Item, record.id)
    if item is not None and base_version is not None and item.version != base_version:
        last = session.scalar(
            select(ItemVersion).where(ItemVersion.item_id == item.id, ItemVersion.version == item.version)
        )
        who = f" by {last.saved_by or 'unknown'} at {last.saved_at:%Y-%m-%d %H:%M}" if last else ""
        raise EditConflict(
            f"{record.id!r} was saved{who} after you opened it (you edited v{base_version}, it is now "
            f"v{item.version}); reload it and apply your change again"
        )
    return _save(session, record, actor)


def set_item_status(session: Session, item_id: str, status: str, actor: Actor) -> ItemRecord:
    """Publish, archive or return an item to draft (a versioned save)."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    verb = {"published": "publish", "archived": "archive"}.get(status, "unpublish")
    require_expert(actor, f"{verb} {item_id!r}")
    return _save(session, replace(_current(session, item_id), status=status), actor)


def archive(session: Session, item_id: str, actor: Actor) -> ItemRecord:
    return set_item_status(session, item_id, "archived", actor)


def verify(session: Session, item_id: str, actor: Actor, on: date | None = None) -> ItemRecord:
    """Stamp ``verified_on`` (default today): an expert vouches the content is still true."""
    require_expert(actor, f"verify {item_id!r}")
    return _save(session, replace(_current(session, item_id), verified_on=on or date.today()), actor)


def stale_list(session: Session, owner: str | None = None, *, today: date | None = None) -> list[StaleItem]:
    """Items overdue for review, oldest first: never-verified ones, then by due date.

    Archived items are left out; ``owner`` matches case-insensitively.
    """
    today = today or date.today()
    wanted = owner.strip().casefold() if owner else None
    out = []
    for record in all_records(session, include_archived=False):
        if not record.is_stale(today) or (wanted is not None and record.owner.casefold() != wanted):
            continue
        due = record.review_due()
        out.append(StaleItem(record, due, (today - due).days if due else None))
    return sorted(out, key=lambda s: (s.due or date.min, s.record.id))


# -- from gap to answer ----------------------------------------------------------------------------
def _open_gap(session: Session, gap_id: int) -> Gap:
    gap = session.get(Gap, gap_id)
    if gap is None:
        raise GapError(f"no gap {gap_id}")
    if gap.status != "open":
        by = f" by {gap.answered_by!r}" if gap.answered_by else ""
        raise GapError(f"gap {gap_id} is already {gap.status}{by}")
    return gap


def _free_id(session: Session, base: str) -> str:
    taken = set(session.scalars(select(Item.id).where(Item.id.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def answer_gap_draft(session: Session, gap_id: int) -> ItemRecord:
    """A new Q&A pre-filled from the gap: its question as the question and as a phrasing.

    The id is a free slug of the question; the stage is the gap's (when it is a configured
    stage, not "unknown"). It is marked verified today, as the expert is writing it now; the
    body is left for the expert to write. Nothing is stored.
    """
    gap = _open_gap(session, gap_id)
    question = " ".join(gap.question.split())
    stages = (gap.stage,) if gap.stage in stage_keys(session) else ()
    return ItemRecord(
        id=_free_id(session, slugify(question)), kind="qa", title=question, body="",
        phrasings=(question,), stages=stages, status="published", verified_on=date.today(),
    )  # fmt: skip


def answer_gap(session: Session, gap_id: int, record: ItemRecord, actor: Actor) -> ItemRecord:
    """Save the answer to a gap and close the gap, linked to the item (one transaction).

    The prospect's own wording is kept as a phrasing even if the expert reworded the question,
    so the next rep who searches it finds the answer.
    """
    require_expert(actor, f"answer gap {gap_id}")
    gap = _open_gap(session, gap_id)
    if not record.body.strip():
        raise ContentError("write the answer before saving", field="body")
    wording = " ".join(gap.question.split())
    if wording.casefold() not in {p.casefold() for p in (record.title, *record.phrasings)}:
        record = replace(record, phrasings=(*record.phrasings, wording))
    if not record.owner:
        record = replace(record, owner=actor.name)
    saved = save_item(session, record, actor)
    resolve_gap(session, gap_id, item_id=saved.id, by=actor.name)
    return saved
