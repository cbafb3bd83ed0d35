"""Vectors made without embedding (a copy of a known text) or removed must survive a restart."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.engine.vectors import VectorStore, item_text
from kb.records import ItemRecord


def _record(item_id: str, body: str) -> ItemRecord:
    return ItemRecord(id=item_id, kind="qa", title="Same question?", body=body)


def _fake_encode(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for n, text in enumerate(texts):
        out[n, hash(text) % 384] = 1.0
    return out


def test_copies_and_deletions_are_saved_even_when_nothing_was_embedded(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "vectors")
    store.upsert([_record("a", "Yes.")])
    assert store.embed_pending(_fake_encode) == 1
    store.upsert([_record("copy-1", "Yes."), _record("copy-2", "Yes.")])  # known text: no embedding
    assert not store.pending and store.dirty
    assert store.embed_pending(_fake_encode) == 0
    reopened = VectorStore(tmp_path / "vectors")
    assert sorted(reopened.ids) == ["a", "copy-1", "copy-2"]
    assert np.array_equal(reopened.matrix[reopened.row["copy-2"]], store.matrix[store.row["a"]])

    reopened.delete(["a"])
    reopened.embed_pending(_fake_encode)
    assert sorted(VectorStore(tmp_path / "vectors").ids) == ["copy-1", "copy-2"]


def test_a_long_article_is_found_by_what_its_last_paragraph_says(tmp_path: Path) -> None:
    """Every stretch of a long body gets a vector; search takes the item's best one, and the
    chunks follow the item when it is shortened, deleted or the store is reopened."""
    from indexer.engine.vectors import SEP, item_chunks

    tail = "The archive keeps invoices for ten years. "
    article = ItemRecord(id="long", kind="article", title="Billing guide",
                         body="Plans and prices. " * 200 + tail)  # fmt: skip
    chunks = item_chunks(article)
    assert 3 <= len(chunks) <= 8 and chunks[0] == item_text(article) and tail.strip() in chunks[-1]
    assert all(c.startswith("Billing guide\n") for c in chunks[1:])

    def encode(texts: list[str]) -> np.ndarray:  # a vector that says "mentions the archive" or not
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for n, text in enumerate(texts):
            out[n, 0 if "archive" in text else 2 if text.endswith("Yes.") else 1] = 1.0
        return out

    store = VectorStore(tmp_path / "vectors")
    store.upsert([article, _record("short", "Yes.")])
    store.embed_pending(encode)
    query = np.zeros(384, dtype=np.float32)
    query[0], query[2] = 1.0, 0.5
    assert store.nearest(query, 2) == [("long", 1.0), ("short", 0.5)]  # one entry per item, its best chunk

    reopened = VectorStore(tmp_path / "vectors")
    assert len(reopened.ids) == len(chunks) + 1
    reopened.upsert([ItemRecord(id="long", kind="article", title="Billing guide", body="Now short.")])
    assert [k for k in reopened.ids if k.startswith("long")] == ["long"] and set(reopened.pending) <= {"long"}
    reopened.delete(["long"])
    assert reopened.ids == ["short"] and not any(SEP in k for k in reopened.pending)


def test_identical_texts_waiting_together_are_embedded_once(tmp_path: Path) -> None:
    """A first start after a big import queues copies side by side; each text costs one embedding."""
    seen: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return _fake_encode(texts)

    store = VectorStore(tmp_path / "vectors")
    store.upsert([_record(f"copy-{n}", "Yes.") for n in range(40)] + [_record("other", "No.")])
    assert len(store.pending) == 41
    assert store.embed_pending(encode) == 2 and len(seen) == 2
    assert not store.pending and len(store.ids) == 41
    assert np.array_equal(store.matrix[store.row["copy-39"]], store.matrix[store.row["copy-0"]])
    assert sorted(VectorStore(tmp_path / "vectors").ids) == sorted(store.ids)
