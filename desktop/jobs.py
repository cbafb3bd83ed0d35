"""The work the window hands to background threads: plain functions over a ``Workspace``.

Why a separate, Qt-free module: each function is one short transaction or one search, returns
frozen records, and can be tested or reused by another front end without a display. The widgets
only decide *when* to call them; what they do lives in ``kb``/``indexer``.

The ``kb.services``/``indexer`` imports sit inside the functions on purpose: they pull in
SQLAlchemy, Alembic and Whoosh (~0.4 s), and paying that on a worker thread lets the window
appear, focused, before the imports finish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord
from kb.stages import Stage

if TYPE_CHECKING:
    from indexer.engine.results import SearchResult
    from indexer.workspace import Workspace
    from kb.services.answer_log import LogRecord
    from kb.services.deals import DealRecord

#: Longest text sent to the search engine. Reps paste whole emails; the parser can go quadratic.
MAX_QUERY = 2000
SIMILAR_LIMIT = 4


@dataclass(frozen=True)
class Overview:
    """Everything the toolbar and status bar show, read in one transaction."""

    items: int = 0
    deals: list[DealRecord] = field(default_factory=list)
    open_gaps: int = 0
    stages: list[Stage] = field(default_factory=list)


@dataclass(frozen=True)
class LoadedItem:
    record: ItemRecord
    body_html: str


@dataclass(frozen=True)
class Suggestion:
    """A question to search next: from the answer log ("asked next") or a similar item."""

    text: str
    source: str  # "asked-next" | "similar"
    count: int = 0
    item_id: str = ""


def open_workspace(home: Path, seed: str, progress: ProgressFn = no_progress) -> Workspace:
    """First launch imports the bundled content (and demo deals); later launches just open."""
    from indexer.workspace import Workspace

    return Workspace.open(home, seed=seed, progress=progress)


def daily_backup(home: Path) -> object:
    """Once a day, a consistent copy of the database (the newest seven are kept)."""
    from kb.backup import daily_backup as take
    from kb.paths import Home

    return take(Home(home))


def overview(ws: Workspace) -> Overview:
    from kb.services import deals, gaps, items

    with ws.store.session() as s:
        counts = items.count_items(s)
        return Overview(
            items=sum(counts.values()),
            # Won deals are in the results loop and lost ones in win-back: reps still take calls on
            # them, so all are listed, open ones first (stable sort keeps most recent first).
            deals=sorted(deals.list_deals(s), key=lambda d: d.status != "open"),
            open_gaps=gaps.count_gaps(s),
            stages=ws.store.stages(),
        )


def search(ws: Workspace, text: str, stage: str | None, limit: int = 20) -> SearchResult:
    return ws.search(text[:MAX_QUERY], limit=limit, stage=stage)


def load_item(ws: Workspace, item_id: str) -> LoadedItem | None:
    from desktop.render import render_markdown

    record = ws.get_item(item_id)
    if record is None:
        return None
    return LoadedItem(record, render_markdown(record.body))


def suggestions(ws: Workspace, item_id: str, title: str, stage: str | None) -> list[Suggestion]:
    """What prospects asked next after this answer in other deals, then items like it."""
    from kb.services import answer_log

    with ws.store.session() as s:
        nxt = answer_log.asked_next(s, item_id)
    out = [Suggestion(q, "asked-next", n) for q, n in nxt]
    seen = {item_id}
    for hit in ws.search(title[:MAX_QUERY], limit=SIMILAR_LIMIT + 1, stage=stage).hits:
        if hit.id not in seen and len([o for o in out if o.source == "similar"]) < SIMILAR_LIMIT:
            seen.add(hit.id)
            out.append(Suggestion(hit.title, "similar", 0, hit.id))
    return out


def log_answer(
    ws: Workspace,
    question: str,
    *,
    deal_id: str | None,
    item_id: str,
    rank: int,
    seconds: float | None,
    search_text: str | None = None,
    role: str | None = None,
    at: datetime | None = None,
) -> LogRecord:
    """The stage is read from the deal inside the same transaction: the stage at that moment.

    ``search_text`` is the query whose results were on screen (the rank refers to that list),
    which can trail the box by a keystroke when the rep logs mid-debounce.
    """
    from kb.services import answer_log

    with ws.store.session() as s:
        return answer_log.add_entry(
            s, question[:MAX_QUERY], deal_id=deal_id, item_ids=[item_id], outcome="answered",
            search_text=(search_text or question)[:MAX_QUERY], chosen_rank=rank, seconds=seconds, role=role,
            at=at,
        )  # fmt: skip


def log_no_answer(
    ws: Workspace,
    question: str,
    *,
    deal_id: str | None,
    seconds: float | None,
    role: str | None = None,
    at: datetime | None = None,
) -> LogRecord:
    """A ``no-answer`` entry; ``answer_log`` files the gap for the experts with it."""
    from kb.services import answer_log

    with ws.store.session() as s:
        return answer_log.add_entry(
            s, question[:MAX_QUERY], deal_id=deal_id, outcome="no-answer",
            search_text=question[:MAX_QUERY], seconds=seconds, role=role, at=at,
        )  # fmt: skip


def create_deal(ws: Workspace, name: str, account: str) -> DealRecord:
    from kb.services import deals

    with ws.store.session() as s:
        return deals.create_deal(s, name, account=account)
