"""At scale a search scans a reduced copy of the vectors first, then scores its best rows exactly:
it must find the same nearest items as the exact scan, and follow every change to the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.engine import vectors as vectors_mod
from indexer.engine.vectors import VectorStore
from kb.records import ItemRecord

ROWS = 3000


def _structured(n: int, seed: int) -> np.ndarray:
    """Unit vectors that live near a 48-dimension subspace, as sentence embeddings do (their
    variance sits in a few dozen directions); pure noise would have no main directions to keep."""
    rng = np.random.default_rng(seed)
    mix = np.random.default_rng(99).standard_normal((48, 384)).astype(np.float32)
    v = rng.standard_normal((n, 48)).astype(np.float32) @ mix + 0.3 * rng.standard_normal((n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _store(tmp_path: Path, matrix: np.ndarray) -> VectorStore:
    store = VectorStore(tmp_path / "vectors")
    ids = [f"item-{n}" for n in range(len(matrix))]
    store._put_many(ids, [f"h{n}" for n in range(len(matrix))], matrix)
    store.reconciled = True
    return store


def _exact(store: VectorStore, query: np.ndarray, k: int) -> list[str]:
    sims = store.matrix @ query
    return [store.ids[n] for n in np.argsort(-sims, kind="stable")[:k]]


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_mod, "COARSE_ROWS", 1000)
    monkeypatch.setattr(vectors_mod, "COARSE_POOL", 1)  # pool = max(2k, 2000) of 3,000 rows
    monkeypatch.setattr(vectors_mod, "_BASIS_SAMPLE", 1500)


def test_the_reduced_scan_finds_the_exact_nearest_items(tmp_path: Path, small_threshold: None) -> None:
    store = _store(tmp_path, _structured(ROWS, seed=1))
    queries = _structured(40, seed=2)
    exact = [_exact(store, q, 10) for q in queries]
    assert store.prepare_coarse()
    for q, want in zip(queries, exact, strict=True):
        got = store.nearest(q, 10)
        assert [i for i, _s in got] == want
        # the similarities are the exact ones, not the reduced copy's estimates
        assert got[0][1] == pytest.approx(float(store.matrix[store.row[want[0]]] @ q), abs=1e-6)


def test_small_stores_are_scanned_exactly(tmp_path: Path) -> None:
    store = _store(tmp_path, _structured(500, seed=3))
    assert not store.prepare_coarse()
    q = _structured(1, seed=4)[0]
    assert [i for i, _s in store.nearest(q, 5)] == _exact(store, q, 5)


def test_the_reduced_copy_follows_saves_edits_and_deletions(tmp_path: Path, small_threshold: None) -> None:
    store = _store(tmp_path, _structured(ROWS, seed=5))
    assert store.prepare_coarse()
    fresh = _structured(3, seed=6)

    # A new item (appended rows) is its own nearest neighbour.
    store._put_many(["new"], ["hn"], fresh[:1])
    assert store.nearest(fresh[0], 1)[0][0] == "new"

    # An edited item (a row rewritten in place) is found by its new vector, not its old one.
    old = store.matrix[store.row["item-7"]].copy()
    store._put_many(["item-7"], ["h7b"], fresh[1:2])
    assert store.nearest(fresh[1], 1)[0][0] == "item-7"
    assert "item-7" not in [i for i, _s in store.nearest(old, 3)]

    # A deleted item is gone, and the rows after it still map to the right ids.
    store.delete(["new"])
    assert "new" not in [i for i, _s in store.nearest(fresh[0], 5)]
    probe = store.matrix[store.row[f"item-{ROWS - 1}"]].copy()
    assert store.nearest(probe, 1)[0][0] == f"item-{ROWS - 1}"
    assert store._coarse is not None  # kept in step, not dropped for a rebuild


def test_growing_past_the_threshold_during_embedding_builds_it_once_warm(tmp_path: Path, small_threshold: None) -> None:
    """Embedding appends batch after batch; the reduced copy is built when search is warmed up."""
    matrix = _structured(1200, seed=7)
    texts = {f"t{n}": matrix[n] for n in range(len(matrix))}
    store = VectorStore(tmp_path / "vectors")
    store.upsert([ItemRecord(id=f"i{n}", kind="qa", title=f"t{n}", body="") for n in range(len(matrix))])

    def encode(batch: list[str]) -> np.ndarray:
        return np.stack([texts[t] for t in batch])

    store.embed_pending(encode)
    store.reconciled = True
    assert store._coarse is None  # never built inside a search or an embedding batch
    assert store.prepare_coarse()
    q = matrix[42]
    assert store.nearest(q, 1)[0][0] == "i42"
    reopened = VectorStore(tmp_path / "vectors")  # a restart: exact until warmed up again
    assert reopened._coarse is None and reopened.nearest(q, 1)[0][0] == "i42"
