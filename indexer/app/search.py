"""Finding answers: the search a rep runs while typing, the item they open, and what to ask next.

One function per use case, shared by ``kb search`` and the search window, so the question cap,
the stage of the deal and the expert-only drafts are decided in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb.question_text import MAX_QUESTION_CHARS, valid_text
from kb.records import ItemRecord
from kb.services import answer_log, deals, items

from indexer.app.workspace import Workspace
from indexer.engine.results import Hit, SearchFilters, SearchResult, StillWanted, Superseded

__all__ = [
    "MAX_QUESTION_CHARS", "Hit", "NextQuestion", "SearchFilters", "SearchResult", "StillWanted", "Superseded",
    "get_item", "next_questions", "search",
]  # fmt: skip

MODES = ("hybrid", "lexical", "semantic")
#: "Similar" suggestions under an answer, after the questions prospects asked next.
SIMILAR_LIMIT = 4


@dataclass(frozen=True)
class NextQuestion:
    """A question to search next: from the answer log ("asked next") or a similar item."""

    text: str
    source: str  # "asked-next" | "similar"
    count: int = 0
    item_id: str = ""


def clip(text: str) -> str:
    """The one cap on a question, for search and log alike (reps paste whole emails), on text made
    valid once (:func:`kb.question_text.valid_text`: terminal bytes, lone surrogates, NUL)."""
    return valid_text(text or "")[:MAX_QUESTION_CHARS]


def search(
    ws: Workspace,
    text: str,
    *,
    limit: int = 10,
    deal_id: str | None = None,
    stage: str | None = None,
    filters: SearchFilters | None = None,
    expert: bool = False,
    mode: str = "hybrid",
    wanted: StillWanted | None = None,
) -> SearchResult:
    """Items for ``text``; ``deal_id`` (or ``stage``) ranks what suits the buyer's stage higher.

    ``mode``: "hybrid" (default) fuses words and meaning, "lexical" or "semantic" use one.
    ``wanted``: asked between steps; once it returns False the search raises ``Superseded``
    (the window's one-search-at-a-time queue uses it to stop a search the rep typed past).
    """
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
    stage = stage or (ws.read(lambda s: deals.get_deal(s, deal_id).stage) if deal_id else None)
    result = ws.index.search(
        clip(text), limit=limit, filters=filters, include_drafts=expert, stage_boost=(stage,) if stage else (),
        mode=mode, wanted=wanted,
    )  # fmt: skip
    if any(not h.title for h in result.hits):
        hits = [h if h.title else replace(h, title=_title_from(h.snippet)) for h in result.hits]
        result = replace(result, hits=hits)
    return result


def _title_from(snippet: str, words: int = 12) -> str:
    """Items imported without a title (BEIR answers) are shown by their first words."""
    plain = re.sub(r"<[^>]+>", "", snippet)
    parts = plain.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def get_item(ws: Workspace, item_id: str) -> ItemRecord | None:
    return ws.read(lambda s: items.get_item(s, item_id))


def next_questions(
    ws: Workspace, item_id: str, title: str, stage: str | None, wanted: StillWanted | None = None
) -> list[NextQuestion]:
    """What prospects asked next after this answer in other deals, then items like it.

    Expertise is a chain: one answer leads to the next question, so the answer pane shows both.
    ``wanted`` as for :func:`search` (the rep's next question comes first).
    """
    asked = ws.read(lambda s: answer_log.asked_next(s, item_id))
    out = [NextQuestion(q, "asked-next", n) for q, n in asked]
    found = search(ws, title, limit=SIMILAR_LIMIT + 1, stage=stage, wanted=wanted)
    similar = [h for h in found.hits if h.id != item_id]
    out += [NextQuestion(h.title, "similar", 0, h.id) for h in similar[:SIMILAR_LIMIT]]
    return out
