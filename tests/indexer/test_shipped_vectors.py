"""The demo content ships its meaning vectors: a fresh home searches by meaning at once, without
embedding anything on the rep's laptop (issue 22, first part)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexer.app import semantic
from indexer.app.content import SEED_CONTENT, open_home
from indexer.engine.embedding import model_stamp
from indexer.engine.vectors import item_chunks, text_hash
from kb.loader import load_folder
from kb.paths import BUNDLED_CONTENT
from kb.stages import DEFAULT_STAGES

SHIPPED = semantic.SHIPPED_VECTORS


def _bundled_hashes() -> set[str]:
    records = load_folder(BUNDLED_CONTENT, [s.key for s in DEFAULT_STAGES]).records
    return {text_hash(t) for r in records if r.status != "archived" for t in item_chunks(r)}


def test_every_bundled_text_has_a_shipped_vector_of_this_model() -> None:
    meta = json.loads((SHIPPED / "meta.json").read_text(encoding="utf-8"))
    missing = _bundled_hashes() - set(meta["hashes"])
    assert meta["model"] == model_stamp() and not missing, (
        f"{len(missing)} bundled texts have no shipped vector: run `python scripts/ship_demo_vectors.py`")
    matrix = np.load(SHIPPED / "vectors.npy")
    assert matrix.shape == (len(meta["hashes"]), 384) and matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-3)


def test_a_fresh_home_is_ready_for_meaning_search_without_embedding(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ws = open_home(tmp_path / "home", seed=SEED_CONTENT)
    try:
        def no_embedding(*_a: object, **_k: object) -> None:
            raise AssertionError("nothing should be embedded on a fresh demo home")

        monkeypatch.setattr(ws.index.semantic, "embed_pending", no_embedding)
        assert semantic.catch_up(ws) == 0
        assert ws.index.vectors.ready and len(ws.index.vectors.ids) >= 308
    finally:
        ws.close()


def test_the_shipped_vectors_are_the_models_own(tmp_path: Path) -> None:
    """One text embedded now gives the shipped vector (not stale numbers from another model)."""
    from indexer.engine.embedding import EmbeddingUnavailable, load_model

    try:
        model = load_model()
    except EmbeddingUnavailable:
        pytest.skip("the embedding model package is not installed")
    records = load_folder(BUNDLED_CONTENT, [s.key for s in DEFAULT_STAGES]).records
    text = item_chunks(records[0])[0]
    meta = json.loads((SHIPPED / "meta.json").read_text(encoding="utf-8"))
    shipped = np.load(SHIPPED / "vectors.npy")[meta["hashes"].index(text_hash(text))]
    assert float(model.encode([text])[0] @ shipped) >= 0.999
