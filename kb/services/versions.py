"""Item history: every save is a version; list them, diff any two, restore an old one.

History is append-only: restoring version 2 of an item at version 5 saves version 6 with the
content of version 2. Diffs compare the Markdown an expert would write (``to_markdown``), so they
read like a diff of the content file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.content_format import to_markdown
from kb.models import Item, ItemVersion
from kb.records import DEFAULT_REVIEW_DAYS, ItemRecord
from kb.services.items import content_snapshot, get_item, save_one
from kb.services.roles import Actor, require_expert


@dataclass(frozen=True, slots=True)
class VersionInfo:
    item_id: str
    version: int
    saved_by: str
    saved_at: datetime
    title: str
    status: str
    current: bool


def _item(session: Session, item_id: str) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise KeyError(f"no item {item_id!r}")
    return item


def _version_row(session: Session, item_id: str, version: int) -> ItemVersion:
    row = session.scalar(
        select(ItemVersion).where(ItemVersion.item_id == item_id, ItemVersion.version == version)
    )
    if row is None:
        known = ", ".join(str(v.version) for v in list_versions(session, item_id))
        raise KeyError(f"item {item_id!r} has no version {version} (versions: {known})")
    return row


def record_from_snapshot(item_id: str, snapshot: dict[str, object], **meta: object) -> ItemRecord:
    """An ItemRecord holding a snapshot's content (timestamps and source are left empty)."""
    verified = snapshot.get("verified_on")
    return ItemRecord(
        id=item_id,
        kind=str(snapshot.get("kind") or "qa"),
        title=str(snapshot.get("title") or ""),
        body=str(snapshot.get("body") or ""),
        phrasings=tuple(snapshot.get("phrasings") or ()),  # type: ignore[arg-type]
        area=str(snapshot.get("area") or ""),
        tags=tuple(snapshot.get("tags") or ()),  # type: ignore[arg-type]
        stages=tuple(snapshot.get("stages") or ()),  # type: ignore[arg-type]
        owner=str(snapshot.get("owner") or ""),
        status=str(snapshot.get("status") or "published"),
        verified_on=date.fromisoformat(verified) if isinstance(verified, str) and verified else None,
        review_days=int(snapshot.get("review_days") or DEFAULT_REVIEW_DAYS),  # type: ignore[call-overload]
        extra=dict(snapshot.get("extra") or {}),  # type: ignore[call-overload]
        **meta,  # type: ignore[arg-type]
    )


def with_content(base: ItemRecord, content: ItemRecord) -> ItemRecord:
    """``base`` (id, source, timestamps, version) carrying the content fields of ``content``."""
    return replace(base, **{k: getattr(content, k) for k in content_snapshot(content)})


def list_versions(session: Session, item_id: str) -> list[VersionInfo]:
    """Oldest first, with who saved each version and when."""
    item = _item(session, item_id)
    rows = session.scalars(select(ItemVersion).where(ItemVersion.item_id == item_id).order_by(ItemVersion.version))
    return [
        VersionInfo(item_id, v.version, v.saved_by, v.saved_at, str(v.snapshot.get("title", "")),
                    str(v.snapshot.get("status", "")), v.version == item.version)
        for v in rows
    ]  # fmt: skip


def version_record(session: Session, item_id: str, version: int) -> ItemRecord:
    """The item as it was at ``version``."""
    _item(session, item_id)
    row = _version_row(session, item_id, version)
    return record_from_snapshot(item_id, row.snapshot, version=row.version)


def _label(item_id: str, row: ItemVersion) -> str:
    return f"{item_id} v{row.version} ({row.saved_by or 'unknown'}, {row.saved_at:%Y-%m-%d %H:%M})"


def diff_versions(session: Session, item_id: str, a: int, b: int | None = None, *, context: int = 3) -> str:
    """A unified diff of version ``a`` → ``b`` (default: the current version) as Markdown.

    The file headers name who saved each version and when. Empty when the content is the same.
    """
    item = _item(session, item_id)
    row_a = _version_row(session, item_id, a)
    row_b = _version_row(session, item_id, item.version if b is None else b)
    text_a = to_markdown(record_from_snapshot(item_id, row_a.snapshot))
    text_b = to_markdown(record_from_snapshot(item_id, row_b.snapshot))
    lines = difflib.unified_diff(
        text_a.splitlines(keepends=True), text_b.splitlines(keepends=True),
        fromfile=_label(item_id, row_a), tofile=_label(item_id, row_b), n=context,
    )  # fmt: skip
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def restore_version(session: Session, item_id: str, version: int, actor: Actor) -> ItemRecord:
    """Save a new version whose content equals ``version``; no-op when it already is the content."""
    require_expert(actor, f"restore {item_id!r}")
    old = version_record(session, item_id, version)
    current = get_item(session, item_id)
    assert current is not None  # version_record checked the item exists
    return save_one(session, with_content(current, old), saved_by=actor.name)
