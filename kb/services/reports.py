"""Insight reports over the answer log: what buyers ask at each stage, how well it is answered, how
fast, which items carry the load, and what was asked just before a deal looped back.

Every report selects plain rows with portable SQL (filters, ``count``/``max`` with ``GROUP BY``) and
does the rest in Python, so it runs unchanged on SQLite and PostgreSQL. Results are frozen
dataclasses, dicts and tuples that the CLI prints and the desktop app shows; nothing here holds a
session open after it returns. Times are naive UTC, like the stored ones.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.models import AnswerLogEntry, AnswerLogItem
from kb.question_text import normalise_question
from kb.services.deals import StageEventRecord, list_deals
from kb.services.items import all_records
from kb.services.report_common import ReportError, as_datetime, check_stage, in_window, ordered_stages

BUCKETS = ("week", "month")
STALE_IN_USE_DAYS = 90
LOOP_LOOKBACK_DAYS = 7


# -- answered / partial / no-answer and speed per stage --------------------------------------------
@dataclass(frozen=True)
class StageFigures:
    questions: int
    answered: int
    partial: int
    no_answer: int
    median_seconds: float | None  # to the millisecond; None when no entry of the stage has a timing

    def rate(self, outcome: str) -> float | None:
        """Share of the stage's questions with ``outcome`` (answered, partial, no_answer); None if none."""
        return getattr(self, outcome.replace("-", "_")) / self.questions if self.questions else None


def stage_summary(
    session: Session, since: date | datetime | None = None, until: date | datetime | None = None
) -> dict[str, StageFigures]:
    """Per stage key, in the configured order (every configured stage; ``unknown`` last when present)."""
    stmt = in_window(select(AnswerLogEntry.stage, AnswerLogEntry.outcome, AnswerLogEntry.seconds), since, until)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    seconds: dict[str, list[float]] = defaultdict(list)
    for stage, outcome, secs in session.execute(stmt):
        outcomes[stage][outcome] += 1
        if secs is not None:
            seconds[stage].append(secs)
    result: dict[str, StageFigures] = {}
    for stage in ordered_stages(session, outcomes):
        c = outcomes.get(stage, Counter())
        timings = seconds.get(stage)
        result[stage] = StageFigures(
            questions=sum(c.values()), answered=c["answered"], partial=c["partial"], no_answer=c["no-answer"],
            median_seconds=round(statistics.median(timings), 3) if timings else None,
        )  # fmt: skip
    return result


# -- questions per stage over time -------------------------------------------------------------------
def period_start(day: date, bucket: str) -> date:
    """The Monday of ``day``'s ISO week, or the first of its month."""
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    raise ReportError(f"unknown bucket {bucket!r}; expected one of {', '.join(BUCKETS)}")


def _next_period(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def questions_over_time(
    session: Session,
    bucket: str = "week",
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[tuple[date, dict[str, int]]]:
    """``(period start, {stage: questions})`` for every period from the first question to the last.

    Periods with no questions are included, and every dict has the same stage keys (in stage
    order, zeros included), so a chart can stack them directly.
    """
    period_start(date.today(), bucket)  # validates the bucket even on an empty log
    stmt = in_window(select(AnswerLogEntry.stage, AnswerLogEntry.at), since, until)
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for stage, at in session.execute(stmt):
        counts[period_start(at.date(), bucket)][stage] += 1
    if not counts:
        return []
    present = {stage for c in counts.values() for stage in c}
    stages = [s for s in ordered_stages(session, present) if s in present]
    out: list[tuple[date, dict[str, int]]] = []
    start, last = min(counts), max(counts)
    while start <= last:
        c = counts.get(start, Counter())
        out.append((start, {s: c[s] for s in stages}))
        start = _next_period(start, bucket)
    return out


# -- top questions per stage -------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionCount:
    question: str  # the wording reps logged most often (the latest of equally frequent ones)
    key: str  # the normalised text the count is grouped by
    count: int
    answered: int
    partial: int
    no_answer: int
    last_asked: datetime


def top_questions(
    session: Session,
    stage: str | None,
    limit: int | None = 10,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[QuestionCount]:
    """The most asked questions at ``stage`` (all stages when None), grouped by normalised text.

    Most asked first; equally frequent ones by the latest asked.
    """
    stmt = select(AnswerLogEntry.question, AnswerLogEntry.outcome, AnswerLogEntry.at)
    if stage is not None:
        check_stage(session, stage)
        stmt = stmt.where(AnswerLogEntry.stage == stage)
    groups: dict[str, list[tuple[str, str, datetime]]] = defaultdict(list)
    for question, outcome, at in session.execute(in_window(stmt, since, until)):
        groups[normalise_question(question)].append((question, outcome, at))
    rows = []
    for key, asked in groups.items():
        wordings = Counter(q for q, _, _ in asked)
        latest: dict[str, datetime] = {}
        for q, _, at in asked:
            latest[q] = max(at, latest.get(q, at))
        wording = max(wordings, key=lambda q: (wordings[q], latest[q]))
        outcomes = Counter(o for _, o, _ in asked)
        rows.append(QuestionCount(wording, key, len(asked), outcomes["answered"], outcomes["partial"],
                                  outcomes["no-answer"], max(latest.values())))  # fmt: skip
    rows.sort(key=lambda r: r.key)
    rows.sort(key=lambda r: (r.count, r.last_asked), reverse=True)
    return rows[:limit] if limit else rows


def top_questions_by_stage(
    session: Session,
    limit: int | None = 10,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> dict[str, list[QuestionCount]]:
    """``top_questions`` for every stage that has questions, in stage order."""
    present = set(session.scalars(in_window(select(AnswerLogEntry.stage).distinct(), since, until)))
    return {
        s: top_questions(session, s, limit, since=since, until=until)
        for s in ordered_stages(session, present)
        if s in present
    }


# -- item usage ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemUsage:
    item_id: str
    title: str  # "" when the item was deleted after it was used
    kind: str
    status: str  # "deleted" when the log names an item that no longer exists
    uses: int  # log entries that used the item, all time
    recent_uses: int  # ... in the stale-in-use window
    last_used: datetime | None
    stale: bool
    review_due: date | None  # None: never verified


@dataclass(frozen=True)
class ItemUsageReport:
    most_used: tuple[ItemUsage, ...]
    never_used: tuple[ItemUsage, ...]  # published items no log entry ever used
    stale_in_use: tuple[ItemUsage, ...]  # stale items used since ``window_start``, most recent uses first
    window_start: date


def item_usage(
    session: Session, *, limit: int | None = 20, today: date | None = None, window_days: int = STALE_IN_USE_DAYS
) -> ItemUsageReport:
    today = today or date.today()
    window_start = today - timedelta(days=window_days)
    usage = select(AnswerLogItem.item_id, func.count(), func.max(AnswerLogEntry.at)).join(
        AnswerLogEntry, AnswerLogEntry.id == AnswerLogItem.entry_id
    )
    totals = {i: (n, last) for i, n, last in session.execute(usage.group_by(AnswerLogItem.item_id))}
    recent_stmt = usage.where(AnswerLogEntry.at >= as_datetime(window_start)).group_by(AnswerLogItem.item_id)
    recent = {i: n for i, n, _ in session.execute(recent_stmt)}
    records = {r.id: r for r in all_records(session)}

    def row(item_id: str) -> ItemUsage:
        n, last = totals.get(item_id, (0, None))
        r = records.get(item_id)
        if r is None:
            return ItemUsage(item_id, "", "", "deleted", n, recent.get(item_id, 0), last, False, None)
        return ItemUsage(item_id, r.title, r.kind, r.status, n, recent.get(item_id, 0), last,
                         r.is_stale(today), r.review_due())  # fmt: skip

    most = sorted(sorted(totals), key=lambda i: totals[i], reverse=True)  # uses, then last used
    never = sorted(i for i, r in records.items() if r.status == "published" and i not in totals)
    stale = [row(i) for i, r in records.items() if r.status != "archived" and recent.get(i) and r.is_stale(today)]
    stale.sort(key=lambda u: u.item_id)
    stale.sort(key=lambda u: (u.recent_uses, u.last_used or datetime.min), reverse=True)
    return ItemUsageReport(
        tuple(row(i) for i in (most[:limit] if limit else most)), tuple(row(i) for i in never), tuple(stale),
        window_start,
    )  # fmt: skip


# -- loops: backward moves and what was asked before them -------------------------------------------
@dataclass(frozen=True)
class LoopQuestion:
    entry_id: int
    at: datetime
    stage: str
    question: str
    outcome: str


@dataclass(frozen=True)
class BackwardMove:
    from_stage: str
    to_stage: str
    at: datetime
    note: str
    questions: tuple[LoopQuestion, ...]  # asked in the deal in the lookback window before the move, in order


@dataclass(frozen=True)
class DealLoops:
    deal_id: str
    name: str
    account: str
    status: str
    stage: str
    moves: tuple[BackwardMove, ...]


def loops(session: Session, *, lookback_days: int = LOOP_LOOKBACK_DAYS) -> list[DealLoops]:
    """Deals that moved back at least once; most loops first, then the most recent loop."""
    looped = [(d, [e for e in d.history if e.backward]) for d in list_deals(session)]
    looped = [(d, moves) for d, moves in looped if moves]
    if not looped:
        return []
    asked: dict[str, list[LoopQuestion]] = defaultdict(list)
    stmt = (
        select(AnswerLogEntry.deal_id, AnswerLogEntry.id, AnswerLogEntry.at, AnswerLogEntry.stage,
               AnswerLogEntry.question, AnswerLogEntry.outcome)  # fmt: skip
        .where(AnswerLogEntry.deal_id.in_([d.id for d, _ in looped]))
        .order_by(AnswerLogEntry.at, AnswerLogEntry.id)
    )
    for deal_id, *fields in session.execute(stmt):
        asked[deal_id].append(LoopQuestion(*fields))
    lookback = timedelta(days=lookback_days)

    def move(e: StageEventRecord, deal_id: str) -> BackwardMove:
        before = tuple(q for q in asked[deal_id] if e.at - lookback <= q.at < e.at)
        return BackwardMove(e.from_stage or "", e.to_stage, e.at, e.note, before)

    out = [
        DealLoops(d.id, d.name, d.account, d.status, d.stage, tuple(move(e, d.id) for e in moves))
        for d, moves in looped
    ]
    out.sort(key=lambda dl: dl.deal_id)
    out.sort(key=lambda dl: (len(dl.moves), max(m.at for m in dl.moves)), reverse=True)
    return out
