"""After opening, the longest postings lists are decoded ahead so a rep's first question with a
common word does not pay for reading them; the warm-up keeps to its budget and can be stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.engine.search_index import SearchIndex
from kb.records import ItemRecord


class Stop(Exception):
    pass


def _index(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "index")
    records = [
        ItemRecord(id=f"i{n}", kind="qa", title=f"Invoice question {n}",
                   body="Invoices are paid monthly." + (" Refunds take a week." if n % 3 == 0 else ""))
        for n in range(60)
    ]  # fmt: skip
    records.append(ItemRecord(id="rare", kind="qa", title="Zeppelin", body="Airships only."))
    index.rebuild(records)
    return index


def _cached(index: SearchIndex, field: str, term: str) -> bool:
    s = index.searcher()
    assert s is not None
    segs = [seg for _leaf, _off, seg in index.fast_scorer(s).leaves]
    return any(index._postings.get((seg, field, term)) is not None for seg in segs)


def test_the_most_common_words_are_read_ahead_within_the_budget(tmp_path: Path) -> None:
    index = _index(tmp_path)
    try:
        assert not _cached(index, "body", "invoic")
        index._postings.max_postings = 2 * 61 * 2  # half of it: room for the two longest lists
        warmed = index.warm_words()
        assert 1 <= warmed <= 2
        assert _cached(index, "body", "invoic") or _cached(index, "title", "invoic")
        assert not _cached(index, "body", "airship")  # a rare word waits for its first search
        assert index.search("airships", limit=1).hits[0].id == "rare"
    finally:
        index.close()


def test_a_warm_up_stops_when_asked(tmp_path: Path) -> None:
    index = _index(tmp_path)
    calls: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        calls.append(done)
        raise Stop

    try:
        with pytest.raises(Stop):
            index.warm_words(progress)
        assert calls == [0] and not _cached(index, "body", "invoic")
    finally:
        index.close()
