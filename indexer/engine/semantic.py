"""Search by meaning for :class:`~indexer.engine.search_index.SearchIndex`: the query's vector,
whether the vectors can be trusted yet, and bringing them up to date.

The model is loaded on first use (about 0.6 s) and shared by every thread; query vectors of the
last few texts are cached, since a rep's search box sends the same text again after a selection.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord

from . import embedding
from .results import StillWanted, check
from .vectors import VectorStore

QUERY_CACHE = 64
#: Embedding the query and scanning the vectors run on a home's own threads while the caller
#: scores words: ONNX Runtime, numpy and the tokenizer release the GIL, so on two cores the meaning
#: half costs (almost) no extra latency. Two: a search replaced mid-way may still be finishing.
MEANING_THREADS = 2
Neighbours = list[tuple[str, float]]


class Semantic:
    def __init__(self, vectors: VectorStore) -> None:
        self.vectors = vectors
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None  # started by the first search by meaning

    def close(self) -> None:
        """Stop this home's meaning threads (waiting for a search still running on them)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def unavailable(self) -> str | None:
        return embedding.available()

    def status(self) -> str:
        """One line for a status bar: ready, catching up (with how far), or why not at all."""
        why = self.unavailable()
        if why:
            return f"Search by words only: {why}."
        if not self.vectors.reconciled:
            return "Search by words only until the meaning index is checked."
        if self.vectors.pending:
            return (f"Search by words only until the meaning index is ready "
                    f"({self.vectors.coverage():.0%}, {len(self.vectors.pending):,} items to go).")  # fmt: skip
        return "Search by words and meaning."

    def words_only(self, text: str) -> str | None:
        """Why ``text`` cannot be searched by meaning now ("" for an empty text), or None if it can."""
        if not text.strip():
            return ""
        if not self.vectors.ready:
            return self.status()
        why = self.unavailable()
        return f"Search by words only: {why}." if why else None

    def load_model(self) -> None:
        """Load the model now if it is installed (a no-op otherwise: search says why it is words only)."""
        if self.unavailable() is None:
            embedding.load_model()

    def query_vector(self, text: str, wanted: StillWanted | None = None) -> np.ndarray:
        """The query's unit vector (the last few texts' are cached; a superseded one is not)."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = embedding.load_model().encode([text], wanted=wanted)[0]
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector

    def neighbours_async(
        self, text: str, k: int, wanted: StillWanted | None = None
    ) -> tuple["Future[Neighbours] | None", str]:
        """Start finding the ``k`` items nearest ``text`` in meaning; returns the future, or None
        with the reason search answers by words only. The future raises ``Superseded`` once
        ``wanted`` says the search was replaced."""
        notice = self.words_only(text)
        if notice is not None:
            return None, notice

        def find() -> Neighbours:
            check(wanted)  # waited for a thread while the rep typed on
            vector = self.query_vector(text, wanted)
            return self.vectors.nearest(vector, k, wanted)

        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=MEANING_THREADS, thread_name_prefix="ea-meaning")
            return self._pool.submit(find), ""

    def reconcile(self, records: Iterable[ItemRecord]) -> int:
        """Compare the store with every item (after opening a home); returns how many wait."""
        seen: set[str] = set()
        batch: list[ItemRecord] = []
        for record in records:
            if record.status == "archived":
                continue
            seen.add(record.id)
            batch.append(record)
            if len(batch) >= 1000:
                self.vectors.upsert(batch)
                batch = []
        self.vectors.upsert(batch)
        self.vectors.retain(seen)
        self.vectors.reconciled = True
        return len(self.vectors.pending)

    def embed_pending(self, progress: ProgressFn = no_progress) -> int:
        """Embed every waiting item (raises ``EmbeddingUnavailable`` without the model)."""
        if not self.vectors.pending:
            if self.vectors.dirty:  # copies of known texts, deletions: keep them for the next start
                self.vectors.save()
            return 0
        model = embedding.load_model()
        return self.vectors.embed_pending(model.encode, progress)
