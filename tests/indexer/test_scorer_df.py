"""The scorer takes a term's document frequency from its decoded postings instead of asking Whoosh:
the two must agree, deletions (a re-saved or removed item) included, or BM25 weights would drift."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.search_index import SearchIndex
from kb.records import ItemRecord


def _item(n: int, body: str) -> ItemRecord:
    return ItemRecord(id=f"i{n}", kind="qa", title=f"Question {n} about invoices", body=body)


def test_document_frequency_from_postings_matches_whoosh_after_deletions(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    try:
        index.rebuild([_item(n, "Invoices are paid monthly." if n % 2 else "Refunds take a week.") for n in range(30)])
        index.upsert([_item(3, "Refunds are paid monthly.")])  # re-saved: its old document is deleted
        index.delete(["i4", "i5"])
        s = index.searcher()
        assert s is not None
        reader = s.reader()
        assert reader.has_deletions()
        scorer = index.fast_scorer(s)
        checked = 0
        for field in ("title", "body"):
            for term in ("invoic", "refund", "paid", "monthli", "week", "question"):
                df = reader.doc_frequency(field, term)
                if df:
                    assert len(scorer.postings(field, term)[0]) == df, (field, term)
                    checked += 1
        assert checked >= 5
        assert index.search("refunds paid monthly", limit=3).hits[0].id == "i3"
    finally:
        index.close()
