"""What the journey windows hand to background threads: plain functions over a ``Workspace``.

Qt-free like ``desktop/jobs.py``: each function is one short transaction returning frozen records,
so it can be tested without a display. Reads go to the window's read runner; every write goes
through the one serial writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.workspace import Workspace
    from kb.services.deals import DealRecord


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # "created" | "move" | "back" | "status" | "question"
    text: str
    stage: str  # stage key the event happened in (to-stage of a move)
    detail: str = ""  # note of a move, outcome of a question


@dataclass(frozen=True)
class DealDetail:
    deal: DealRecord
    timeline: tuple[TimelineEvent, ...]


@dataclass(frozen=True)
class DealsOverview:
    deals: list[DealRecord]
    labels: dict[str, str]  # stage key → label, in stage order


@dataclass(frozen=True)
class Insight:
    labels: dict[str, str]
    summary: dict[str, Any]
    over_time: dict[str, list[Any]]  # bucket → questions_over_time
    top: dict[str, list[Any]]
    items: Any
    loops: list[Any]


@dataclass(frozen=True)
class GapQueue:
    labels: dict[str, str]
    groups: list[Any] = field(default_factory=list)
    deal_names: dict[str, str] = field(default_factory=dict)


def _labels(ws: Workspace) -> dict[str, str]:
    return {s.key: s.label for s in ws.store.stages()}


def label_of(labels: dict[str, str], key: str | None) -> str:
    if not key:
        return "—"
    return labels.get(key, key.replace("-", " ").title())


def deals_overview(ws: Workspace) -> DealsOverview:
    from kb.services import deals

    with ws.store.session() as s:
        rows = deals.list_deals(s)
    return DealsOverview(rows, _labels(ws))


def timeline(deal: DealRecord, entries: list[Any], labels: dict[str, str]) -> tuple[TimelineEvent, ...]:
    """Stage changes and questions, interleaved by time; on a tie the stage change comes first."""
    events: list[tuple[datetime, int, TimelineEvent]] = []
    for n, e in enumerate(deal.history):
        to = label_of(labels, e.to_stage)
        if e.from_stage is None:
            ev = TimelineEvent(e.at, "created", f"● Deal created in {to}", e.to_stage, e.note)
        elif e.status in ("won", "lost"):
            ev = TimelineEvent(e.at, "status", f"★ Marked {e.status} → {to}", e.to_stage, e.note)
        elif e.backward:
            ev = TimelineEvent(e.at, "back", f"↩ back to {to}", e.to_stage, e.note)
        else:
            ev = TimelineEvent(e.at, "move", f"→ on to {to}", e.to_stage, e.note)
        events.append((e.at, n, ev))
    base = len(deal.history)
    for n, q in enumerate(entries):
        events.append((q.at, base + n, TimelineEvent(q.at, "question", f"“{q.question}”", q.stage, q.outcome)))
    events.sort(key=lambda t: (t[0], t[1]))
    return tuple(ev for _, _, ev in events)


def deal_detail(ws: Workspace, deal_id: str) -> DealDetail:
    from kb.services import answer_log, deals

    with ws.store.session() as s:
        deal = deals.get_deal(s, deal_id)
        entries = answer_log.list_entries(s, deal_id=deal_id, newest_first=False)
    return DealDetail(deal, timeline(deal, entries, _labels(ws)))


def move_stage(ws: Workspace, deal_id: str, stage: str, note: str) -> DealRecord:
    from kb.services import deals

    with ws.store.session() as s:
        return deals.move_stage(s, deal_id, stage, note=note)


def set_status(ws: Workspace, deal_id: str, status: str, note: str) -> DealRecord:
    from kb.services import deals

    with ws.store.session() as s:
        return deals.set_status(s, deal_id, status, note=note)


def add_stakeholder(ws: Workspace, deal_id: str, name: str, role: str) -> DealRecord:
    from kb.services import deals

    with ws.store.session() as s:
        return deals.add_stakeholder(s, deal_id, name, role)


def insight(ws: Workspace) -> Insight:
    from kb.services import reports

    with ws.store.session() as s:
        return Insight(
            labels=_labels(ws),
            summary=reports.stage_summary(s),
            over_time={b: reports.questions_over_time(s, b) for b in reports.BUCKETS},
            top=reports.top_questions_by_stage(s, limit=20),
            items=reports.item_usage(s),
            loops=reports.loops(s),
        )


def gap_queue(ws: Workspace) -> GapQueue:
    from kb.services import deals, reports

    with ws.store.session() as s:
        groups = reports.group_gaps(s)
        names = {d.id: d.name for d in deals.list_deals(s)}
    return GapQueue(_labels(ws), groups, names)


def dismiss_gaps(ws: Workspace, gap_ids: tuple[int, ...]) -> int:
    """Dismiss a whole group in one transaction: the experts decided none of it needs an item."""
    from kb.services import gaps

    with ws.store.session() as s:
        for gap_id in gap_ids:
            gaps.resolve_gap(s, gap_id, item_id=None, status="dismissed")
    return len(gap_ids)
