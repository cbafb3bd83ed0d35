"""What a write changed, so every open screen can refresh what it shows (STYLE §12).

Why a value returned by each write rather than screens re-reading on a timer: the writer knows
exactly what it touched; handing that to one ``changed`` signal in the app lets a window decide in
one event-loop turn whether it shows any of it (the answer pane its item, the deal picker its
deals, the counts the log and gaps), with no polling and no window knowing about another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """Ids of the items and deals a write touched, and flags for the append-only tables."""

    items: frozenset[str] = frozenset()
    deals: frozenset[str] = frozenset()
    log: bool = False
    gaps: bool = False
    suggestions: bool = False
    #: Too much changed to list (an import, a restore, a sync): every screen reloads.
    everything: bool = False
    #: Who asked for the write (the window that saved), so it can skip refreshing what it just showed;
    #: not part of what changed (equality and truth ignore it).
    initiator: object = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        *,
        items: Iterable[str] = (),
        deals: Iterable[str | None] = (),
        log: bool = False,
        gaps: bool = False,
        suggestions: bool = False,
        everything: bool = False,
    ) -> "Changes":
        return cls(frozenset(items), frozenset(d for d in deals if d), log, gaps, suggestions, everything)

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(
            self.items | other.items, self.deals | other.deals, self.log or other.log, self.gaps or other.gaps,
            self.suggestions or other.suggestions, self.everything or other.everything,
            self.initiator if self.initiator is not None else other.initiator,
        )  # fmt: skip

    def by(self, initiator: object) -> "Changes":
        """The same changes, made on behalf of ``initiator``."""
        return replace(self, initiator=initiator)

    def from_elsewhere(self, window: object) -> bool:
        """True unless ``window`` made these changes itself (it already shows them)."""
        return self.initiator is None or self.initiator is not window

    def __bool__(self) -> bool:
        return bool(self.items or self.deals or self.log or self.gaps or self.suggestions or self.everything)

    def touches_item(self, item_id: str | None) -> bool:
        return self.everything or (item_id is not None and item_id in self.items)

    @property
    def any_items(self) -> bool:
        return self.everything or bool(self.items)

    @property
    def any_deals(self) -> bool:
        return self.everything or bool(self.deals)


NOTHING = Changes()
EVERYTHING = Changes(everything=True)


@dataclass(frozen=True)
class Done(Generic[T]):
    """A write's result and what it changed. Front ends use ``value``; the app broadcasts ``changes``."""

    value: T
    changes: Changes
