"""Vectors made without embedding (a copy of a known text) or removed must survive a restart."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.engine.vectors import VectorStore
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
