"""How a curation action ended, for the window's banner: a value, or a refusal the expert can act on.

Why derived from the exception: the runner's one ``failed`` channel carries the exception itself,
and the expected refusals are told apart by type — a bad field (shown next to the field), an edit
conflict (offer a reload), a rep's expert-only write, a suggestion that no longer applies. Anything
else is a fault, shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.workers import describe
from indexer.app.errors import ContentError, EditConflict, GapError, PermissionDenied, SuggestionError

#: Form fields the core names differently.
FIELD_NAMES = {"question": "title"}


@dataclass(frozen=True)
class Outcome:
    """``error`` is empty on success; ``field`` names the bad input; ``kind`` says what refused."""

    value: Any = None
    error: str = ""
    field: str | None = None
    kind: str = ""  # "" | "invalid" | "conflict" | "denied" | "refused" | "missing" | "fault"

    @property
    def ok(self) -> bool:
        return not self.error


def refusal(exc: BaseException) -> Outcome:
    if isinstance(exc, ContentError):
        return Outcome(error=str(exc), field=FIELD_NAMES.get(exc.field or "", exc.field), kind="invalid")
    if isinstance(exc, EditConflict):
        return Outcome(error=str(exc), kind="conflict")
    if isinstance(exc, PermissionDenied):
        return Outcome(error=str(exc), kind="denied")
    if isinstance(exc, (SuggestionError, GapError)):
        return Outcome(error=str(exc), kind="refused")
    if isinstance(exc, KeyError):
        return Outcome(error=describe(exc), kind="missing")
    return Outcome(error=describe(exc), kind="fault")
