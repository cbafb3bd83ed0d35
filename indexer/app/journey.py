"""The buyer journey: deals, their looping stage history, the deal timeline and the gap queue.

``kb deal …``/``kb gaps`` and the Deals and Gap windows call these, so a deal's timeline, a
dismissed gap or a move back reads the same from either front end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kb.services import answer_log, deals, gap_groups, gaps
from kb.services.deals import DEAL_STATUSES, ROLES, DealRecord
from kb.services.gap_groups import GapGroup
from kb.services.roles import require_expert

from indexer.app.actors import Actor, current_actor
from indexer.app.changes import Done
from indexer.app.workspace import Workspace

__all__ = ["DEAL_STATUSES", "ROLES", "DealRecord"]


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
class GapQueue:
    labels: dict[str, str]
    groups: list[GapGroup] = field(default_factory=list)
    deal_names: dict[str, str] = field(default_factory=dict)


def stage_labels(ws: Workspace) -> dict[str, str]:
    return {s.key: s.label for s in ws.store.stages()}


def label_of(labels: dict[str, str], key: str | None) -> str:
    if not key:
        return "—"
    return labels.get(key, key.replace("-", " ").title())


# -- deals ------------------------------------------------------------------------------------------
def _deal_write(ws: Workspace, fn) -> Done[DealRecord]:  # type: ignore[no-untyped-def]
    return ws.write(fn)


def create_deal(
    ws: Workspace, name: str, *, account: str = "", owner: str = "", stage: str | None = None
) -> Done[DealRecord]:
    return _deal_write(ws, lambda s: deals.create_deal(s, name, account=account, owner=owner, stage=stage))


def move_stage(ws: Workspace, deal_id: str, stage: str, note: str = "") -> Done[DealRecord]:
    """Forward or back: buyers loop, so a move back is recorded, never refused."""
    return _deal_write(ws, lambda s: deals.move_stage(s, deal_id, stage, note=note))


def set_status(ws: Workspace, deal_id: str, status: str, note: str = "") -> Done[DealRecord]:
    """Won enters the results loop, lost enters win-back."""
    return _deal_write(ws, lambda s: deals.set_status(s, deal_id, status, note=note))


def add_stakeholder(ws: Workspace, deal_id: str, name: str, role: str) -> Done[DealRecord]:
    return _deal_write(ws, lambda s: deals.add_stakeholder(s, deal_id, name, role))


def get_deal(ws: Workspace, deal_id: str) -> DealRecord:
    return ws.read(lambda s: deals.get_deal(s, deal_id))


def list_deals(ws: Workspace, status: str | None = None) -> list[DealRecord]:
    return ws.read(lambda s: deals.list_deals(s, status=status))


def deals_overview(ws: Workspace) -> DealsOverview:
    return DealsOverview(list_deals(ws), stage_labels(ws))


def timeline(deal: DealRecord, entries: list[answer_log.LogRecord], labels: dict[str, str]) -> tuple[TimelineEvent, ...]:
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
    """The deal with its timeline: what was asked in which stage, and every loop back."""

    def read(s):  # type: ignore[no-untyped-def]
        return deals.get_deal(s, deal_id), answer_log.list_entries(s, deal_id=deal_id, newest_first=False)

    deal, entries = ws.read(read)
    return DealDetail(deal, timeline(deal, entries, stage_labels(ws)))


# -- gaps -------------------------------------------------------------------------------------------
def gap_queue(ws: Workspace, status: str | None = "open") -> GapQueue:
    """Open gaps grouped by similar question, with the deals' names."""

    def read(s):  # type: ignore[no-untyped-def]
        return gap_groups.group_gaps(s, status), {d.id: d.name for d in deals.list_deals(s)}

    groups, names = ws.read(read)
    return GapQueue(stage_labels(ws), groups, names)


def dismiss_gaps(ws: Workspace, gap_ids: tuple[int, ...] | list[int], actor: Actor | None = None) -> Done[int]:
    """Dismiss a whole group in one transaction: the experts decided none of it needs an item.

    Experts only (the team server refuses a rep's decision too); recorded in the expert's name."""
    actor = actor or current_actor(ws=ws)
    require_expert(actor, "dismiss gaps")

    def dismiss(s):  # type: ignore[no-untyped-def]
        for gap_id in gap_ids:
            gaps.resolve_gap(s, gap_id, item_id=None, status="dismissed", by=actor.name)
        return len(gap_ids)

    return ws.write(dismiss)
