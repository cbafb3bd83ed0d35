"""Gaps: questions no item answered well, queued for the experts until an item answers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.models import Gap, Item, utcnow

GAP_STATUSES = ("open", "answered", "dismissed")


class GapError(ValueError):
    pass


@dataclass(frozen=True)
class GapRecord:
    id: int
    question: str
    stage: str
    deal_id: str | None
    status: str
    answered_by: str | None
    created_at: datetime
    resolved_at: datetime | None
    log_entry_id: int | None


def _record(g: Gap) -> GapRecord:
    return GapRecord(g.id, g.question, g.stage, g.deal_id, g.status, g.answered_by, g.created_at,
                     g.resolved_at, g.log_entry_id)


def list_gaps(session: Session, *, status: str | None = "open") -> list[GapRecord]:
    stmt = select(Gap).order_by(Gap.created_at.desc(), Gap.id.desc())
    if status:
        stmt = stmt.where(Gap.status == status)
    return [_record(g) for g in session.scalars(stmt)]


def count_gaps(session: Session, *, status: str | None = "open") -> int:
    stmt = select(func.count()).select_from(Gap)
    if status:
        stmt = stmt.where(Gap.status == status)
    return session.scalar(stmt) or 0


def add_gap(session: Session, question: str, *, stage: str, deal_id: str | None = None, by: str = "") -> GapRecord:
    if not question.strip():
        raise GapError("the question is empty")
    gap = Gap(question=question.strip(), stage=stage, deal_id=deal_id, by=by)
    session.add(gap)
    session.flush()
    return _record(gap)


def resolve_gap(
    session: Session, gap_id: int, *, item_id: str | None, status: str = "answered", by: str = ""
) -> GapRecord:
    """Close a gap once: a decided gap is the team's record of that decision (the team server
    refuses a second decision too), so deciding it again is an error, not an overwrite."""
    if status not in GAP_STATUSES[1:]:
        raise GapError(f"a gap is closed as 'answered' or 'dismissed', not {status!r}")
    gap = session.get(Gap, gap_id)
    if gap is None:
        raise GapError(f"no gap {gap_id}")
    if gap.status != "open":
        raise GapError(f"gap {gap_id} was already {gap.status}" + (f" by {gap.decided_by}" if gap.decided_by else ""))
    if status == "answered":
        if not item_id or session.get(Item, item_id) is None:
            raise GapError(f"no item {item_id!r} to answer gap {gap_id} with")
        gap.answered_by = item_id
    gap.status, gap.decided_by = status, by or None
    gap.resolved_at = utcnow()
    session.flush()
    return _record(gap)
