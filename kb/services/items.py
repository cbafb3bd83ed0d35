"""Saving content items: upsert by stable id, a version snapshot for every real change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.progress import ProgressFn, no_progress
from kb.models import Item, ItemVersion, utcnow
from kb.records import ItemRecord

CONTENT_FIELDS = (
    "kind", "title", "body", "phrasings", "area", "tags", "stages", "owner", "status",
    "verified_on", "review_days", "extra",
)  # fmt: skip


@dataclass
class SaveSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: list[ItemRecord] = field(default_factory=list)


def _values(record: ItemRecord) -> dict[str, object]:
    return {
        "kind": record.kind,
        "title": record.title,
        "body": record.body,
        "phrasings": list(record.phrasings),
        "area": record.area,
        "tags": list(record.tags),
        "stages": list(record.stages),
        "owner": record.owner,
        "status": record.status,
        "verified_on": record.verified_on,
        "review_days": record.review_days,
        "extra": dict(record.extra),
    }


def _snapshot(values: dict[str, object]) -> dict[str, object]:
    out = dict(values)
    if isinstance(out.get("verified_on"), date):
        out["verified_on"] = out["verified_on"].isoformat()  # type: ignore[union-attr]
    return out


def content_snapshot(record: ItemRecord) -> dict[str, object]:
    """The content fields of ``record`` as stored in a version snapshot (JSON-ready, comparable)."""
    return _snapshot(_values(record))


def to_record(item: Item) -> ItemRecord:
    return ItemRecord(
        id=item.id,
        kind=item.kind,
        title=item.title,
        body=item.body,
        phrasings=tuple(item.phrasings or ()),
        area=item.area,
        tags=tuple(item.tags or ()),
        stages=tuple(item.stages or ()),
        owner=item.owner,
        status=item.status,
        verified_on=item.verified_on,
        review_days=item.review_days,
        extra=dict(item.extra or {}),
        source=item.source,
        version=item.version,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def save_records(
    session: Session,
    records: Iterable[ItemRecord],
    *,
    saved_by: str = "",
    batch: int = 500,
    progress: ProgressFn = no_progress,
) -> SaveSummary:
    """Insert new items and update changed ones in place; identical re-imports change nothing."""
    summary = SaveSummary()
    pending: list[ItemRecord] = []

    def flush(chunk: list[ItemRecord]) -> None:
        existing = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_([r.id for r in chunk])))}
        now = utcnow()
        for record in chunk:
            values = _values(record)
            item = existing.get(record.id)
            if item is None:
                item = Item(
                    id=record.id, source=record.source, version=1,
                    created_at=record.created_at or now, updated_at=record.updated_at or now, **values,
                )  # fmt: skip
                session.add(item)
                existing[record.id] = item
                summary.created += 1
            elif all(getattr(item, k) == v for k, v in values.items()):
                summary.unchanged += 1
                continue
            else:
                for k, v in values.items():
                    setattr(item, k, v)
                item.version += 1
                item.updated_at = now
                item.source = record.source or item.source
                summary.updated += 1
            session.add(ItemVersion(item_id=item.id, version=item.version, snapshot=_snapshot(values),
                                    saved_by=saved_by, saved_at=now))
            summary.changed.append(to_record(item))
        session.flush()

    records = list(records)
    for n, record in enumerate(records):
        pending.append(record)
        if len(pending) >= batch:
            progress(n, len(records), "Saving items")
            flush(pending)
            pending = []
    if pending:
        flush(pending)
    return summary


def save_one(session: Session, record: ItemRecord, *, saved_by: str = "") -> ItemRecord:
    """Save one record and return it as stored (unchanged content: the stored record, no new version)."""
    summary = save_records(session, [record], saved_by=saved_by)
    if summary.changed:
        return summary.changed[0]
    return to_record(session.get(Item, record.id))  # type: ignore[arg-type]  # unchanged, so it exists


def get_item(session: Session, item_id: str) -> ItemRecord | None:
    item = session.get(Item, item_id)
    return to_record(item) if item else None


def get_items(session: Session, ids: Sequence[str]) -> dict[str, ItemRecord]:
    return {i.id: to_record(i) for i in session.scalars(select(Item).where(Item.id.in_(list(ids))))}


def updated_since(session: Session, since: datetime | None) -> list[tuple[str, datetime]]:
    """Ids and update times of the items changed after ``since`` (every item when None)."""
    query = select(Item.id, Item.updated_at)
    if since is not None:
        query = query.where(Item.updated_at > since)
    return [(r[0], r[1]) for r in session.execute(query).all()]


def all_records(session: Session, *, include_archived: bool = True) -> list[ItemRecord]:
    stmt = select(Item).order_by(Item.kind, Item.area, Item.id)
    if not include_archived:
        stmt = stmt.where(Item.status != "archived")
    return [to_record(i) for i in session.scalars(stmt)]


def iter_records(session: Session, batch: int = 1000):  # type: ignore[no-untyped-def]
    """Stream every item for an index rebuild without holding all ORM objects at once."""
    for item in session.scalars(select(Item).order_by(Item.id).execution_options(yield_per=batch)):
        yield to_record(item)


def count_items(session: Session) -> dict[str, int]:
    rows = session.execute(select(Item.kind, func.count()).where(Item.status != "archived").group_by(Item.kind))
    counts = {"qa": 0, "article": 0}
    counts.update({kind: n for kind, n in rows})
    return counts


def set_status(session: Session, item_id: str, status: str, *, saved_by: str = "") -> ItemRecord:
    record = get_item(session, item_id)
    if record is None:
        raise KeyError(f"no item {item_id!r}")
    if record.status == status:
        return record
    return save_records(session, [replace(record, status=status)], saved_by=saved_by).changed[0]


def stale_records(session: Session, today: date | None = None) -> list[ItemRecord]:
    today = today or date.today()
    stale = [r for r in all_records(session, include_archived=False) if r.is_stale(today)]
    return sorted(stale, key=lambda r: r.review_due() or date.min)
