"""Curated synonyms and acronyms (``content/synonyms.txt``), applied at query time.

Why query time: experts edit the file while the index exists; expanding queries means an edit
takes effect on the next search without a rebuild, and the index stays the plain text of the items.

Format: one group of equivalent terms per line, comma-separated; ``#`` starts a comment.
Example: ``sso, single sign-on, single sign on``. Each entry is analysed exactly like indexed
text (so "Single Sign-On" and "single sign on" are the same stem sequence). A missing or
unreadable file simply means no synonyms.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import analyze

log = logging.getLogger(__name__)

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class SynonymMatch:
    """A run of query terms ``[start, end)`` that equals one member of a synonym group."""

    start: int
    end: int
    alternatives: tuple[Phrase, ...]


@dataclass
class Synonyms:
    """Groups of equivalent stem sequences, indexed by their first stem for fast matching."""

    groups: list[tuple[Phrase, ...]] = field(default_factory=list)
    _by_first: dict[str, list[tuple[Phrase, int]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Synonyms:
        syn = cls()
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            members: list[Phrase] = []
            for entry in line.split(","):
                stems = tuple(analyze(entry))
                if stems and stems not in members:
                    members.append(stems)
            if len(members) >= 2:
                syn._add(tuple(members))
        return syn

    @classmethod
    def load(cls, path: Path | None) -> Synonyms:
        """Read the file; absence or a read error yields an empty set (logged, never raised)."""
        if path is None:
            return cls()
        try:
            return cls.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            log.warning("cannot read synonyms file %s: %s", path, exc)
            return cls()

    def _add(self, members: tuple[Phrase, ...]) -> None:
        gi = len(self.groups)
        self.groups.append(members)
        for m in members:
            self._by_first.setdefault(m[0], []).append((m, gi))

    def __len__(self) -> int:
        return len(self.groups)

    def matches(self, terms: list[str]) -> list[SynonymMatch]:
        """Longest non-overlapping group members found in ``terms`` (a stemmed query)."""
        out: list[SynonymMatch] = []
        i = 0
        while i < len(terms):
            best: tuple[Phrase, int] | None = None
            for member, gi in self._by_first.get(terms[i], ()):
                n = len(member)
                if tuple(terms[i : i + n]) == member and (best is None or n > len(best[0])):
                    best = (member, gi)
            if best is None:
                i += 1
                continue
            member, gi = best
            alts = tuple(m for m in self.groups[gi] if m != member)
            out.append(SynonymMatch(i, i + len(member), alts))
            i += len(member)
        return out
