"""Search by meaning: bringing the vectors up to date, and saying how ready they are.

The app runs :func:`prepare` in the background after opening a home (and after imports and
syncs); ``kb embed`` runs it in the foreground with a progress bar. Until it has finished, search
answers by words and its result's ``notice`` says so.
"""

from __future__ import annotations

from kb.progress import ProgressFn, no_progress
from kb.services import items

from indexer.app.workspace import Workspace
from indexer.engine.embedding import EmbeddingUnavailable

__all__ = ["EmbeddingUnavailable", "prepare", "status"]


def reconcile(ws: Workspace) -> int:
    """Compare the vectors with every item in the database; returns how many wait for embedding."""
    return ws.run(lambda s: ws.index.semantic.reconcile(items.iter_records(s)))


def prepare(ws: Workspace, progress: ProgressFn = no_progress) -> int:
    """Reconcile, embed what waits, then warm up both halves of search (cancellable through
    ``progress``); returns how many texts were embedded. Raises :class:`EmbeddingUnavailable`
    when the model is not installed (after warming up the word half)."""
    progress(0, 0, "Checking the meaning index")
    if not ws.index.vectors.reconciled:
        reconcile(ws)
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
