"""Per-searcher memos: what a search reads from Whoosh that the next keystroke's search reads again.

Why: as a rep types, each search is for a longer prefix of the same question, so consecutive
searches look up the same term frequencies (to complete the word being typed) and the same
candidates' stored fields and word sets (to group duplicates). Whoosh reads each from its files
every time: at 87k items that was ~7 ms of term lookups and ~7 ms of stored fields per search.

A memo lives as long as its searcher (a searcher is per thread and replaced when the index
changes, so a memo never serves stale data and is never shared between threads) and is emptied
when it grows past ``MAX_ENTRIES`` (stored fields hold whole bodies: 5,000 keep a typing
session's candidates and cost a few MB per read thread; 50,000 added ~50 MB to the 87k bench).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

MAX_ENTRIES = 5_000

_memos: dict[str, WeakKeyDictionary[Any, dict[Any, Any]]] = {}


def memo(owner: Any, name: str) -> dict[Any, Any]:
    """The ``name`` memo of ``owner`` (a Whoosh searcher or reader), created empty on first use."""
    table = _memos.setdefault(name, WeakKeyDictionary())
    found = table.get(owner)
    if found is None or len(found) > MAX_ENTRIES:
        found = table[owner] = {}
    return found
