"""The answer log: logging a question as answered (with the item used) or as a gap, and reading it.

``kb log add`` and the search window's Ctrl+Enter / Ctrl+G both call :func:`log_question`, so the
question cap, the checks (known deal, known items, known stakeholder role) and the stage copied
from the deal at that moment are the same whichever front end logged it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kb.services import answer_log, gaps, items
from kb.services.answer_log import OUTCOMES, LogError, LogRecord
from kb.services.gaps import GAP_STATUSES, GapRecord
from kb.services.roles import Actor

from indexer.app.changes import Done
from indexer.app.search import clip
from indexer.app.workspace import Workspace

__all__ = ["GAP_STATUSES", "OUTCOMES", "LogRecord", "list_gaps", "list_log", "log_question"]


def log_question(
    ws: Workspace,
    actor: Actor,
    question: str,
    *,
    deal_id: str | None = None,
    item_ids: Sequence[str] = (),
    outcome: str | None = None,
    rank: int | None = None,
    seconds: float | None = None,
    search_text: str | None = None,
    role: str | None = None,
    at: datetime | None = None,
) -> Done[LogRecord]:
    """Append one entry; a ``no-answer`` one also files a gap for the experts.

    ``search_text`` is the query whose results were on screen (``rank`` refers to that list); it
    can trail the question by a keystroke when the rep logs mid-debounce.
    """

    def add(s: Session) -> LogRecord:
        known = items.get_items(s, list(item_ids))
        missing = [i for i in item_ids if i not in known]
        if missing:
            raise LogError(f"no item {missing[0]!r}: the answer used must be an item of the knowledge base")
        return answer_log.add_entry(
            s, clip(question), deal_id=deal_id or None, item_ids=item_ids, outcome=outcome, role=role or None,
            search_text=clip(search_text or question), chosen_rank=rank, seconds=seconds, rep=actor.name, at=at,
        )  # fmt: skip

    return ws.write(add)


def list_log(ws: Workspace, *, deal_id: str | None = None, limit: int | None = 50) -> list[LogRecord]:
    return ws.read(lambda s: answer_log.list_entries(s, deal_id=deal_id, limit=limit))


def list_gaps(ws: Workspace, status: str | None = "open") -> list[GapRecord]:
    """``status=None`` lists every gap."""
    return ws.read(lambda s: gaps.list_gaps(s, status=status))
