"""The answer log: what was asked, at which journey stage, answered with what, and how fast.

Entries are appended, never edited: the stage is copied from the deal at logging time so a later
move of the deal cannot rewrite what the buyer asked in which stage. A ``no-answer`` entry also
files a gap for the experts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kb.models import AnswerLogEntry, AnswerLogItem, Deal, Gap, utcnow
from kb.services.deals import ROLES
from kb.stages import UNKNOWN

OUTCOMES = ("answered", "partial", "no-answer")


class LogError(ValueError):
    pass


@dataclass(frozen=True)
class LogRecord:
    id: int
    question: str
    deal_id: str | None
    stage: str
    outcome: str
    item_ids: tuple[str, ...]
    role: str | None
    search_text: str
    chosen_rank: int | None
    seconds: float | None
    rep: str
    at: datetime
    gap_id: int | None = None


def _record(e: AnswerLogEntry, gap_id: int | None = None) -> LogRecord:
    return LogRecord(
        e.id, e.question, e.deal_id, e.stage, e.outcome, tuple(i.item_id for i in e.items), e.role,
        e.search_text, e.chosen_rank, e.seconds, e.rep, e.at, gap_id,
    )  # fmt: skip


def add_entry(
    session: Session,
    question: str,
    *,
    deal_id: str | None = None,
    item_ids: Sequence[str] = (),
    outcome: str | None = None,
    role: str | None = None,
    search_text: str = "",
    chosen_rank: int | None = None,
    seconds: float | None = None,
    rep: str = "",
    at: datetime | None = None,
) -> LogRecord:
    question = question.strip()
    if not question:
        raise LogError("the question is empty")
    outcome = outcome or ("answered" if item_ids else "no-answer")
    if outcome not in OUTCOMES:
        raise LogError(f"unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
    if role is not None and role not in ROLES:
        raise LogError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    stage = UNKNOWN
    if deal_id:
        deal = session.get(Deal, deal_id)
        if deal is None:
            raise LogError(f"no deal {deal_id!r}")
        stage = deal.stage
    entry = AnswerLogEntry(
        question=question, deal_id=deal_id, stage=stage, outcome=outcome, role=role,
        search_text=search_text, chosen_rank=chosen_rank, seconds=seconds, rep=rep, at=at or utcnow(),
    )  # fmt: skip
    entry.items = [AnswerLogItem(position=n, item_id=i) for n, i in enumerate(dict.fromkeys(item_ids))]
    session.add(entry)
    session.flush()
    gap_id = None
    if outcome == "no-answer":
        gap = Gap(question=question, log_entry_id=entry.id, deal_id=deal_id, stage=stage, created_at=entry.at,
                  by=entry.rep)
        session.add(gap)
        session.flush()
        gap_id = gap.id
    return _record(entry, gap_id)


def list_entries(
    session: Session, *, deal_id: str | None = None, limit: int | None = None, newest_first: bool = True
) -> list[LogRecord]:
    stmt = select(AnswerLogEntry).options(selectinload(AnswerLogEntry.items))
    if deal_id:
        stmt = stmt.where(AnswerLogEntry.deal_id == deal_id)
    order = (AnswerLogEntry.at.desc(), AnswerLogEntry.id.desc()) if newest_first else (AnswerLogEntry.at, AnswerLogEntry.id)
    stmt = stmt.order_by(*order)
    if limit:
        stmt = stmt.limit(limit)
    return [_record(e) for e in session.scalars(stmt)]


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AnswerLogEntry)) or 0


def asked_next(session: Session, item_id: str, *, limit: int = 5) -> list[tuple[str, int]]:
    """Questions prospects asked right after this item was used, in the same deal, most frequent first.

    One answer leads to the next question; showing it lets a rep prepare before it is asked.
    """
    used = select(AnswerLogEntry.id, AnswerLogEntry.deal_id, AnswerLogEntry.at).join(AnswerLogItem).where(
        AnswerLogItem.item_id == item_id, AnswerLogEntry.deal_id.is_not(None)
    )
    counts: dict[str, int] = {}
    for entry_id, deal_id, at in session.execute(used).all():
        nxt = session.execute(
            select(AnswerLogEntry.question)
            .where(
                AnswerLogEntry.deal_id == deal_id,
                (AnswerLogEntry.at > at) | ((AnswerLogEntry.at == at) & (AnswerLogEntry.id > entry_id)),
            )
            .order_by(AnswerLogEntry.at, AnswerLogEntry.id)
            .limit(1)
        ).scalar()
        if nxt:
            counts[nxt] = counts.get(nxt, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
