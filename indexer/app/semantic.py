"""Search by meaning: bringing the vectors up to date, and saying how ready they are.

The app runs :func:`prepare` in the background after opening a home (and after imports and
syncs); ``kb embed`` runs it in the foreground with a progress bar. Until it has finished, search
answers by words and its result's ``notice`` says so.
"""

from __future__ import annotations

import time

from kb.paths import BUNDLED_CONTENT
from kb.progress import ProgressFn, no_progress
from kb.services import items

from indexer.app.workspace import Workspace
from indexer.engine import embedding
from indexer.engine.embedding import EmbeddingUnavailable

__all__ = ["EmbeddingUnavailable", "adopt_shipped", "catch_up", "backend", "load_model", "prepare", "ready", "reconcile", "status"]


#: The bundled demo content's vectors, computed once (``python scripts/ship_demo_vectors.py``): a fresh
#: home searches by meaning at once instead of embedding 619 texts for a minute or two first.
SHIPPED_VECTORS = BUNDLED_CONTENT / "vectors"


def reconcile(ws: Workspace) -> int:
    """Compare the vectors with every item in the database, take what the bundled content ships;
    returns how many still wait for embedding."""
    ws.read(lambda s: ws.index.semantic.reconcile(items.iter_records(s)))
    return adopt_shipped(ws)


def adopt_shipped(ws: Workspace) -> int:
    """Fill waiting rows from the bundled content's vectors; returns how many still wait."""
    if ws.index.vectors.pending and ws.index.vectors.adopt(SHIPPED_VECTORS):
        ws.index.vectors.save()
    return len(ws.index.vectors.pending)


def catch_up(ws: Workspace) -> int:
    """What a cold start needs before a search by meaning: reconcile once, adopt what ships."""
    return reconcile(ws) if not ws.index.vectors.reconciled else adopt_shipped(ws)


def prepare(ws: Workspace, progress: ProgressFn = no_progress) -> int:
    """Reconcile, embed what waits, then warm up both halves of search (cancellable through
    ``progress``); returns how many texts were embedded. Raises :class:`EmbeddingUnavailable`
    when the model is not installed (after warming up the word half)."""
    progress(0, 0, "Checking the meaning index")
    catch_up(ws)
    why = ws.index.semantic.unavailable()
    if why:
        ws.index.warm_words(progress)  # search by words only: it should at least be quick at once
        raise EmbeddingUnavailable(why)
    embedded = ws.index.semantic.embed_pending(progress)
    ws.index.warm_meaning()
    ws.index.warm_words(progress)
    return embedded


def status(ws: Workspace) -> str:
    return ws.index.semantic.status()


def ready(ws: Workspace) -> bool:
    """Whether a search now answers by meaning too (every item's vector known, the model installed)."""
    return ws.index.vectors.ready and ws.index.semantic.unavailable() is None


def backend() -> str | None:
    """Which embedder answers by meaning in this process ("onnx", "numpy", …), None if none loaded."""
    return embedding.loaded_backend()


def load_model() -> float | None:
    """Load the embedding model now; returns the seconds it took, or None when it was already
    loaded or is not installed. The CLI reports this apart from the search's own time; the app
    calls it before opening a home, so building the model (~250 MB for a moment) never sits on
    top of a large home's vectors: at 87k items that moment was the app's peak memory."""
    if embedding.loaded() or embedding.available() is not None:
        return None
    started = time.perf_counter()
    try:
        embedding.load_model()
    except EmbeddingUnavailable:  # a damaged install: search answers by words and says why
        return None
    return time.perf_counter() - started
