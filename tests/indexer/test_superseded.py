"""A search the rep typed past stops at its next step (``wanted``), leaves nothing half-done
behind (no cached half vector, no scan still writing) and, while wanted, answers exactly as
a search without ``wanted`` does."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from indexer.app import search, semantic
from indexer.app.actors import current_actor
from indexer.app.content import SEED_NONE, open_home
from indexer.app.curation import Curation
from indexer.engine import embedding
from indexer.engine.results import Superseded
from indexer.engine.vectors import SPLIT_ROWS, _scan
from tests.indexer.test_semantic import OTHERS, SSO

needs_model = pytest.mark.skipif(embedding.available() is not None, reason="embedding model not installed")
QUESTION = "can employees authenticate through their corporate Microsoft accounts"


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    workspace = open_home(tmp_path / "home", seed=SEED_NONE)
    cur = Curation(workspace, current_actor("Ada", "expert"))
    for record in (SSO, *OTHERS):
        cur.save(record)
    yield workspace
    workspace.close()


class Flip:
    """Wanted for the first ``n`` asks, then not; counts the asks."""

    def __init__(self, n: int) -> None:
        self.n, self.asks = n, 0

    def __call__(self) -> bool:
        self.asks += 1
        return self.asks <= self.n


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_a_search_no_longer_wanted_raises_superseded(ws, mode: str) -> None:
    with pytest.raises(Superseded):
        search.search(ws, "how often are backups taken", mode=mode, wanted=lambda: False)


@needs_model
def test_a_hybrid_search_is_asked_at_every_step_and_stops_at_the_first_no(ws) -> None:
    semantic.prepare(ws)
    always = Flip(10_000)
    expected = search.search(ws, QUESTION)
    assert search.search(ws, QUESTION + " ", wanted=always).ids() == expected.ids()  # wanted: same answer
    # Asked around the model's pass, the vector scan's blocks, the word clauses and the snippets.
    assert always.asks >= 2 + 1 + len(expected.hits)
    for n in (0, 3, always.asks // 2, always.asks - 1):
        flip = Flip(n)
        with pytest.raises(Superseded):
            search.search(ws, QUESTION + "  ", wanted=flip)
        assert flip.asks <= n + 2  # stopped at the first step after the "no" (both halves may ask once)


@needs_model
def test_a_superseded_query_vector_is_not_cached(ws) -> None:
    semantic.prepare(ws)
    meaning = ws.index.semantic
    with pytest.raises(Superseded):
        meaning.query_vector("single sign on with azure", Flip(1))  # wanted when it started, not at its end
    assert "single sign on with azure" not in meaning._cache
    v = meaning.query_vector("single sign on with azure")
    assert np.isclose(np.linalg.norm(v), 1.0, atol=1e-4)


def test_a_stopped_split_scan_leaves_no_helper_running() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((SPLIT_ROWS + 5_000, embedding.DIM)).astype(np.float32)
    query = rng.standard_normal(embedding.DIM).astype(np.float32)
    with ThreadPoolExecutor(max_workers=1) as helper:
        with pytest.raises(Superseded):
            _scan(matrix, query, Flip(1), helper)
        np.testing.assert_allclose(_scan(matrix, query, helper=helper), matrix @ query, rtol=1e-5, atol=1e-4)  # helper free again


@needs_model
def test_a_closed_home_leaves_no_search_threads(tmp_path: Path) -> None:
    import threading

    home = open_home(tmp_path / "other", seed=SEED_NONE)
    Curation(home, current_actor("Ada", "expert")).save(SSO)
    semantic.prepare(home)
    assert search.search(home, QUESTION).mode == "hybrid"  # the meaning half ran on the home's threads
    assert any(t.name.startswith("ea-meaning") for t in threading.enumerate())
    home.close()
    assert not [t.name for t in threading.enumerate() if t.name.startswith(("ea-meaning", "ea-scan"))]
