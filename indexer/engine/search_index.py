"""The search index: build, update and query a Whoosh index of ``ItemRecord``s.

Design choices and why:
- **Generations on disk.** ``index_dir/CURRENT`` names the live ``gen-NNNNNN`` directory. A rebuild
  writes a new generation and then switches ``CURRENT`` atomically, so searches keep answering
  from the old index while a rebuild runs, and a crash mid-rebuild leaves the old one intact.
- **Stamped schema version** (``meta.json``): a missing, outdated or corrupt index is reported by
  :meth:`SearchIndex.needs_rebuild`; the database is the source of truth and rebuilds it.
- **Threads.** One shared ``Index``; each thread keeps its own long-lived ``Searcher`` and only
  refreshes it when this process committed (a generation counter) or, at most once a second,
  when another process may have. One writer at a time (a lock plus Whoosh's own file lock).
- **search() never raises**: any input is a query (see :mod:`indexer.engine.query`); an unexpected
  error from a damaged index is recorded as ``corrupt: ...`` and an empty result is returned.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Self

import numpy as np
from whoosh import index as windex
from whoosh.searching import Searcher

from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord

from .ranking import BM25_B, BM25_K1, SHORT_FIELD_B, Ranker, make_weighting, semantic_depth
from .results import SearchFilters, SearchResult, StillWanted, Superseded
from .schema import FIELD_WEIGHTS, SCHEMA_VERSION, build_schema, to_document
from .scorer import FastScorer, PostingsCache
from .storage import is_storage_error, merge_small_segments, verify_index
from .synonyms import Synonyms
from .semantic import Semantic
from .vectors import VectorStore

log = logging.getLogger(__name__)

_CURRENT = "CURRENT"
#: A save touches a handful of items: a small write pool keeps peak memory low on large indexes.
SAVE_LIMIT_MB = 16
#: How long a save waits for another process's index writer before giving up with a message.
WRITER_WAIT_S = 30.0
# Segments are written as separate files, not Whoosh's "compound" single file: whoosh-reloaded's
# StructFile has no fileno(), so a compound segment is never memory-mapped and every sub-file
# is copied into RAM when a reader opens it (116 MB at 87k items, again on each reopen after a
# save). Separate files are read on demand instead: peak RSS at 87k fell from 525 to 150 MB.
_META = "meta.json"
#: Memory for Whoosh's posting pool during a rebuild, and documents per segment: a segment's
#: postings must fit the pool, or Whoosh spills sorted runs to disk and merges them in Python,
#: which costs both time and memory (see indexer_results.md, M6).
WRITER_LIMIT_MB = 128
SEGMENT_DOCS = 8_000
#: Seconds between checks for commits made by another process.
_EXTERNAL_CHECK_S = 1.0


class IndexCorruptError(RuntimeError):
    """A write found the index damaged; it is marked for rebuild (see ``needs_rebuild``)."""


class IndexBusyError(RuntimeError):
    """Another process (the app, or a ``kb`` command) held the index writer for too long."""


class _ThreadState(threading.local):
    searcher: Searcher | None = None
    gen: int = -1
    checked: float = 0.0
    cache: dict | None = None
    scorer: FastScorer | None = None


class SearchIndex:
    """A Whoosh index under ``index_dir`` with safe, fast, forgiving search."""

    def __init__(
        self,
        index_dir: Path,
        synonyms_path: Path | None = None,
        *,
        on_corrupt: Callable[[str], None] | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms_path = Path(synonyms_path) if synonyms_path else None
        self.synonyms = Synonyms.load(self.synonyms_path)
        self._on_corrupt = on_corrupt
        self._weighting = make_weighting()
        self._ranker = Ranker(self)
        self._postings = PostingsCache()
        self._write_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._gen = 0  # bumped on every commit/rebuild by this process
        self._local = _ThreadState()
        self._all_searchers: list[Searcher] = []
        self._corrupt: str | None = None
        self._ix: windex.Index | None = None
        self._problem: str | None = self._open()
        self.vectors = VectorStore(self.index_dir / "vectors")
        self.semantic = Semantic(self.vectors)

    # ----------------------------------------------------------------- opening
    def _current_dir(self) -> Path | None:
        try:
            name = (self.index_dir / _CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        d = self.index_dir / name
        return d if name and d.is_dir() else None

    def _open(self) -> str | None:
        """Open the live generation; return why it cannot be used, or ``None``."""
        gen_dir = self._current_dir()
        try:
            exists = gen_dir is not None and windex.exists_in(str(gen_dir))
        except Exception as exc:  # noqa: BLE001 - e.g. a pickled schema naming a class we renamed
            self._ix = None
            return f"unreadable schema: {type(exc).__name__}: {exc}"
        if not exists:
            self._ix = None
            return "missing"
        try:
            meta = json.loads((gen_dir / _META).read_text(encoding="utf-8"))
            version = int(meta.get("schema_version", 0))
        except (OSError, ValueError, TypeError, AttributeError):
            version = 0
        if version != SCHEMA_VERSION:
            self._ix = None
            return f"schema version {version} != {SCHEMA_VERSION}"
        try:
            ix = windex.open_dir(str(gen_dir))
            verify_index(ix)
        except Exception as exc:  # noqa: BLE001 - any failure to read means corrupt
            # (Whoosh may leave the damaged file open here; it is closed when collected.)
            self._ix = None
            return f"corrupt: {type(exc).__name__}: {exc}"
        self._ix = ix
        self._cleanup_generations(keep={gen_dir.name})
        return None

    def needs_rebuild(self) -> str | None:
        """Why the index must be rebuilt ("missing", "schema version 1 != 2", "corrupt: ...")."""
        return self._corrupt or self._problem

    def ensure(
        self,
        records: Callable[[], Iterable[ItemRecord]],
        total: int = 0,
        progress: ProgressFn | None = None,
    ) -> str | None:
        """Rebuild from ``records()`` if needed; returns the reason it rebuilt, else ``None``."""
        reason = self.needs_rebuild()
        if reason:
            log.info("rebuilding search index: %s", reason)
            self.rebuild(records(), total=total, progress=progress)
        return reason

    # ----------------------------------------------------------------- writing
    def rebuild(
        self,
        records: Iterable[ItemRecord],
        total: int = 0,
        progress: ProgressFn | None = None,
    ) -> int:
        """Index every non-archived record into a fresh generation, then switch to it."""
        progress = progress or no_progress
        with self._write_lock:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            gen_dir = self._new_generation_dir()
            ix = windex.create_in(str(gen_dir), build_schema())
            count = done = 0
            seen: set[str] = set()
            batch: list[ItemRecord] = []
            try:
                writer = None
                for rec in records:
                    done += 1
                    if rec.status == "archived":
                        continue
                    seen.add(rec.id)
                    batch.append(rec)
                    if len(batch) >= 500:  # meaning vectors: queue changed texts (embedded later)
                        self.vectors.upsert(batch)
                        batch = []
                    if writer is None:
                        writer = ix.writer(limitmb=WRITER_LIMIT_MB, compound=False)
                    writer.add_document(**to_document(rec))
                    count += 1
                    if count % SEGMENT_DOCS == 0:  # one in-memory run per segment: no spill/merge
                        progress(done, total, "Saving index segment")
                        writer.commit(merge=False)
                        writer = None
                    elif done % 500 == 0:
                        progress(done, total, "Indexing")
                progress(done, total, "Saving index")
                if writer is not None:
                    writer.commit(merge=False)
                self.vectors.upsert(batch)
                self.vectors.retain(seen)
                self.vectors.reconciled = True
            except BaseException:
                if writer is not None:
                    writer.cancel()
                ix.close()
                shutil.rmtree(gen_dir, ignore_errors=True)
                raise
            (gen_dir / _META).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "docs": count}), encoding="utf-8"
            )
            tmp = self.index_dir / (_CURRENT + ".tmp")
            tmp.write_text(gen_dir.name, encoding="utf-8")
            os.replace(tmp, self.index_dir / _CURRENT)
            old = self._ix
            self._ix = ix
            self._problem = None
            self._corrupt = None
            self._gen += 1
            if old is not None:
                old.close()
            self._cleanup_generations(keep={gen_dir.name}, keep_previous=True)
            progress(done, total or done, "Index ready")
            return count

    def _new_generation_dir(self) -> Path:
        nums = [int(p.name[4:]) for p in self.index_dir.glob("gen-*") if p.name[4:].isdigit()]
        d = self.index_dir / f"gen-{max(nums, default=0) + 1:06d}"
        d.mkdir()
        return d

    def _cleanup_generations(self, keep: set[str], keep_previous: bool = False) -> None:
        """Delete unused generations; the previous one may still be read by other threads."""
        gens = sorted(p for p in self.index_dir.glob("gen-*") if p.name not in keep)
        if keep_previous and gens:
            gens = gens[:-1]
        for p in gens:
            shutil.rmtree(p, ignore_errors=True)  # Windows: still open → retried next time

    def _require_index(self) -> windex.Index:
        if self._ix is None:
            raise RuntimeError(f"search index needs a rebuild: {self.needs_rebuild()}")
        return self._ix

    def upsert(self, records: Iterable[ItemRecord]) -> None:
        """Add or replace records; archived ones are removed. Visible to the next search.

        Raises :class:`IndexCorruptError` (after marking the index for rebuild) when the index
        turns out to be damaged; the database is unaffected.
        """

        records = list(records)

        def apply(writer) -> None:  # type: ignore[no-untyped-def]
            for rec in records:
                if rec.status == "archived":
                    writer.delete_by_term("id", rec.id)
                else:
                    writer.update_document(**to_document(rec))

        self._write(apply)
        self.vectors.upsert([r for r in records if r.status != "archived"])
        self.vectors.delete([r.id for r in records if r.status == "archived"])

    def delete(self, ids: Iterable[str]) -> None:
        """Remove items by id (unknown ids are ignored)."""
        ids = list(ids)

        def apply(writer) -> None:  # type: ignore[no-untyped-def]
            for item_id in ids:
                writer.delete_by_term("id", item_id)

        self._write(apply)
        self.vectors.delete(ids)

    def _write(self, apply: Callable[..., None]) -> None:
        with self._write_lock:
            ix = self._require_index()
            failure: str | None = None
            try:
                try:
                    writer = ix.writer(timeout=WRITER_WAIT_S, limitmb=SAVE_LIMIT_MB, compound=False)
                except windex.LockError:  # busy, not damaged: never mark it for rebuild
                    raise IndexBusyError(
                        f"the search index is being written by another program (the app or another kb "
                        f"command) and stayed locked for {WRITER_WAIT_S:.0f} s; try again when it has finished"
                    ) from None
                try:
                    apply(writer)
                    writer.commit(mergetype=merge_small_segments)
                except BaseException:
                    writer.cancel()
                    raise
            except Exception as exc:
                if isinstance(exc, IndexBusyError) or not is_storage_error(exc):
                    raise
                self._mark_corrupt(exc)
                failure = self._corrupt
            finally:
                self._gen += 1
            if failure:  # raised outside the except block: no traceback keeps files open
                raise IndexCorruptError(failure)

    # ----------------------------------------------------------------- reading
    def searcher(self) -> Searcher | None:
        """This thread's searcher, refreshed only when the index changed."""
        st = self._local
        ix = self._ix
        if ix is None:
            return None
        now = time.monotonic()
        if st.searcher is not None and st.gen == self._gen and st.searcher._ix is ix:
            if now - st.checked < _EXTERNAL_CHECK_S:
                return st.searcher
            st.checked = now
            if st.searcher.up_to_date():
                return st.searcher
        old = st.searcher
        st.searcher = ix.searcher(weighting=self._weighting)
        st.gen, st.checked, st.cache, st.scorer = self._gen, now, {}, None
        with self._open_lock:
            self._all_searchers.append(st.searcher)
            if old is not None:
                try:
                    self._all_searchers.remove(old)
                except ValueError:
                    pass
        if old is not None:
            old.close()
        return st.searcher

    def fast_scorer(self, s: Searcher) -> FastScorer:
        """This thread's scoring state for searcher ``s`` (built once per searcher)."""
        st = self._local
        if st.scorer is None or st.scorer.searcher is not s:
            b = {f: (BM25_B if f == "body" else SHORT_FIELD_B) for f in FIELD_WEIGHTS}
            st.scorer = FastScorer(s, self._postings, FIELD_WEIGHTS, BM25_K1, b)
        return st.scorer

    def warm_meaning(self) -> None:
        """Read the id maps the meaning side of a search needs (0.4 s at 87k items), build the
        vectors' reduced copy (0.2 s) and load the model (0.4 s), so the rep's first search by
        meaning after opening does not pay for them (it took 0.4 s in the window bench)."""
        s = self.searcher()
        if s is not None:
            self.fast_scorer(s).docs_of_ids([], np.zeros(0, dtype=bool))
        self.vectors.prepare_coarse()
        self.semantic.load_model()

    def warm_words(self, progress: ProgressFn = no_progress) -> int:
        """Decode the longest postings lists ahead, up to half the postings cache, so a rep's
        first question with a common word does not pay for reading it; returns how many terms.
        ``progress`` may raise to stop (the app's background worker cancels on close)."""
        s = self.searcher()
        if s is None:
            return 0
        budget = self._postings.max_postings // 2
        return self.fast_scorer(s).warm(budget, lambda done, total: progress(done, total, "Reading the index ahead"))

    def thread_cache(self) -> dict:
        """Per-thread, per-searcher cache (filter doc sets); cleared when the searcher changes."""
        if self._local.cache is None:
            self._local.cache = {}
        return self._local.cache

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        filters: SearchFilters | None = None,
        include_drafts: bool = False,
        stage_boost: Sequence[str] = (),
        mode: str = "hybrid",
        wanted: StillWanted | None = None,
    ) -> SearchResult:
        """Best ``limit`` items for ``text``. Raises only ``Superseded`` (once ``wanted`` returns
        False, checked between steps); an unusable index returns no hits.

        ``mode``: "hybrid" fuses words and meaning, "lexical" matches words only, "semantic" ranks
        by meaning only. Meaning needs the model and every item embedded; until then the search
        answers by words and ``notice`` says why.
        """
        t0 = time.perf_counter()
        text = text if isinstance(text, str) else str(text or "")
        if self._corrupt is not None:  # damaged: answer empty until rebuilt
            return SearchResult([], text, None, _ms(t0))
        try:
            s = self.searcher()
            if s is None:
                return SearchResult([], text, None, _ms(t0))
            limit = max(1, int(limit))
            neighbours, notice = (None, "") if mode == "lexical" else \
                self.semantic.neighbours_async(text, semantic_depth(limit), wanted)
            used = mode if neighbours is not None else "lexical"
            hits, suggestion = self._ranker.run(
                s, text, limit, filters or SearchFilters(), include_drafts,
                tuple(stage_boost), neighbours, semantic_only=used == "semantic", wanted=wanted,
            )
            return SearchResult(hits, text, suggestion, _ms(t0), used, notice)
        except Superseded:
            raise
        except Exception as exc:
            if is_storage_error(exc):
                self._mark_corrupt(exc)
            else:  # a bug in our code, not a damaged index: log it, never rebuild-loop
                log.exception("search failed for %r", text[:200])
        return SearchResult([], text, None, _ms(t0))

    def _mark_corrupt(self, exc: Exception) -> None:
        # Format now: a LogRecord holding exc_info would keep Whoosh's open files alive.
        log.warning("search failed on a damaged index; marking it for rebuild:\n%s",
                    "".join(traceback.format_exception(exc)))
        reason = f"corrupt: {type(exc).__name__}: {exc}"
        if self._corrupt is None:
            self._corrupt = reason
            if self._on_corrupt is not None:
                try:
                    self._on_corrupt(reason)
                except Exception:
                    log.exception("on_corrupt callback failed")

    def doc_count(self) -> int:
        """Number of searchable items (0 when the index is missing)."""
        s = self.searcher()
        return s.doc_count() if s is not None else 0

    def reload_synonyms(self) -> int:
        """Re-read the synonyms file (experts edit it); returns the number of groups."""
        self.synonyms = Synonyms.load(self.synonyms_path)
        return len(self.synonyms)

    def close(self) -> None:
        """Close every searcher and the index; the object must not be used afterwards."""
        with self._open_lock:
            for s in self._all_searchers:
                try:
                    s.close()
                except Exception:
                    log.debug("closing a searcher failed", exc_info=True)
            self._all_searchers.clear()
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0
