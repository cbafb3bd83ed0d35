"""Plain, immutable search results handed to the CLI and the desktop app.

Why plain frozen dataclasses: results cross threads (a worker searches, the GUI paints) and must
not hold Whoosh searchers or readers open; everything a view needs is copied out here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

#: Asked between the steps of a search: False once nobody will look at its result any more.
StillWanted = Callable[[], bool]


class Superseded(Exception):
    """A search stopped early because a newer one replaced it (the rep typed on).

    Why stop rather than finish and drop: the window runs one search at a time, so the search for
    the words the rep has just typed waits for the one before; at 87k items that wait was the
    larger part of the slowest keystroke-to-results times (docs/measurements.md).
    """


def check(wanted: StillWanted | None) -> None:
    """Raise :class:`Superseded` if the caller no longer wants the result."""
    if wanted is not None and not wanted():
        raise Superseded


@dataclass(frozen=True)
class SearchFilters:
    """Restrict results; values within one category are OR-ed, categories are AND-ed."""

    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.kinds or self.tags or self.areas or self.stages)


@dataclass(frozen=True)
class Hit:
    """One result row. ``snippet`` is safe HTML: escaped text with matched words in ``<mark>``."""

    id: str
    kind: str
    title: str
    snippet: str
    score: float
    rank: int
    stages: tuple[str, ...] = ()
    area: str = ""
    tags: tuple[str, ...] = ()
    owner: str = ""
    stale: bool = False
    verified_on: date | None = None
    #: ids of near-duplicate answers collapsed into this hit, best first.
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """Hits best first, the query as given, an optional "did you mean" and the time taken."""

    hits: list[Hit] = field(default_factory=list)
    query: str = ""
    suggestion: str | None = None
    elapsed_ms: float = 0.0
    #: How the hits were found: "hybrid" (words and meaning fused), "lexical" or "semantic".
    mode: str = "lexical"
    #: Why a search by meaning was asked for but answered by words only, for the status bar.
    notice: str = ""
    #: Why the index could not answer at all (then ``hits`` is empty for that reason, not because
    #: nothing matched: a front end must not offer to log it as a gap).
    index_problem: str = ""

    def ids(self) -> list[str]:
        return [h.id for h in self.hits]
