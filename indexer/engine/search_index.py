"""The search index: build, update and query a Whoosh index of ``ItemRecord``s.

Design choices and why:
- **Generations on disk** (:mod:`indexer.engine.generations`). ``index_dir/CURRENT`` names the live
  ``gen-NNNNNN`` directory. A rebuild writes a new generation and then switches ``CURRENT``
  atomically, so searches keep answering from the old index while a rebuild runs, and a crash
  mid-rebuild leaves the old one intact. Every reader follows ``CURRENT`` (checked with the other
  processes' commits, before a write, and when a search meets a vanished file) and holds a lock in
  the generation it reads, so no other process deletes it from under it.
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
from . import generations
from .storage import is_storage_error, merge_small_segments, verify_index
from .synonyms import Synonyms
from .semantic import Semantic
from .vectors import VectorStore

log = logging.getLogger(__name__)

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
        self._ix_dir: Path | None = None
        self._hold: generations.FileLock | None = None
        #: The generation read before the last switch: other threads may still be searching it.
        self._previous: tuple[windex.Index, generations.FileLock | None] | None = None
        self._problem: str | None = self._open()
        self.vectors = VectorStore(self.index_dir / "vectors")
        self.semantic = Semantic(self.vectors)

    # ----------------------------------------------------------------- opening
    def _open(self) -> str | None:
        """Open the live generation; return why it cannot be used, or ``None``."""
        gen_dir = generations.current_dir(self.index_dir)
        try:
            exists = gen_dir is not None and windex.exists_in(str(gen_dir))
        except Exception as exc:  # noqa: BLE001 - e.g. a pickled schema naming a class we renamed
            self._use(None, None)
            return f"unreadable schema: {type(exc).__name__}: {exc}"
        if not exists or gen_dir is None:
            self._use(None, None)
            return "missing"
        try:
            meta = json.loads((gen_dir / _META).read_text(encoding="utf-8"))
            version = int(meta.get("schema_version", 0))
        except (OSError, ValueError, TypeError, AttributeError):
            version = 0
        if version != SCHEMA_VERSION:
            self._use(None, None)
            return f"schema version {version} != {SCHEMA_VERSION}"
        try:
            hold = generations.hold(gen_dir)  # before reading: nobody deletes it from now on
            ix = windex.open_dir(str(gen_dir))
            verify_index(ix)
        except Exception as exc:  # noqa: BLE001 - any failure to read means corrupt
            # (Whoosh may leave the damaged file open here; it is closed when collected.)
            self._use(None, None)
            return f"corrupt: {type(exc).__name__}: {exc}"
        self._use(ix, gen_dir, hold)
        generations.cleanup(self.index_dir, keep={gen_dir.name})
        return None

    def _use(self, ix: windex.Index | None, gen_dir: Path | None,
             hold: generations.FileLock | None = None) -> None:
        """Read ``ix`` from now on; the one read so far stays open (and held) until the next switch."""
        with self._open_lock:
            if self._previous is not None:
                old_ix, old_hold = self._previous
                old_ix.close()
                generations.release(old_hold)
                self._previous = None
            if self._ix is not None:
                self._previous = (self._ix, self._hold)
            self._ix, self._ix_dir, self._hold = ix, gen_dir, hold
            self._gen += 1

    def follow_current(self) -> bool:
        """Switch to the generation ``CURRENT`` names if another process rebuilt; True if it did."""
        live = generations.current_dir(self.index_dir)
        if live is None or live == self._ix_dir:
            return False
        problem = self._open()
        if problem is None:
            self._problem, self._corrupt = None, None
            log.info("search index: following the new generation %s", live.name)
            return True
        log.warning("search index: the new generation %s cannot be read (%s)", live.name, problem)
        self._problem = problem
        return False

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
            gen_dir = generations.new_generation_dir(self.index_dir)
            hold = generations.hold(gen_dir)
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
                generations.release(hold)
                shutil.rmtree(gen_dir, ignore_errors=True)
                raise
            (gen_dir / _META).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "docs": count}), encoding="utf-8"
            )
            generations.switch_current(self.index_dir, gen_dir)
            self._use(ix, gen_dir, hold)
            self._problem = None
            self._corrupt = None
            generations.cleanup(self.index_dir, keep={gen_dir.name})
            progress(done, total or done, "Index ready")
            return count

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
            self.follow_current()  # never write into a generation another process replaced
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
            if self.follow_current():  # another process rebuilt: read its generation from now on
                return self.searcher()
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
        for attempt in (1, 2):
            result = self._search_once(text, limit, filters, include_drafts, stage_boost, mode, wanted, t0,
                                       retry=attempt == 1)
            if result is not None:
                return result
        return self._unusable(text, t0)

    def _unusable(self, text: str, t0: float) -> SearchResult:
        """No hits, and why: never an unexplained empty list."""
        return SearchResult([], text, None, _ms(t0), index_problem=self.needs_rebuild() or "unreadable")

    def _search_once(self, text: str, limit: int, filters: SearchFilters | None, include_drafts: bool,
                     stage_boost: Sequence[str], mode: str, wanted: StillWanted | None, t0: float,
                     retry: bool) -> SearchResult | None:
        """One try; None asks for a second one (another process replaced the generation under us)."""
        if self._corrupt is not None:  # damaged: answer empty (saying why) until rebuilt
            return None if retry and self.follow_current() else self._unusable(text, t0)
        try:
            s = self.searcher()
            if s is None:
                if retry and self.follow_current():
                    return None
                return self._unusable(text, t0)
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
                if retry and self.follow_current():  # the files went with a generation replaced meanwhile
                    return None
                self._mark_corrupt(exc)
            else:  # a bug in our code, not a damaged index: log it, never rebuild-loop
                log.exception("search failed for %r", text[:200])
                return SearchResult([], text, None, _ms(t0))
        return self._unusable(text, t0)

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
        self.semantic.close()
        self.vectors.close()
        with self._open_lock:
            for s in self._all_searchers:
                try:
                    s.close()
                except Exception:
                    log.debug("closing a searcher failed", exc_info=True)
            self._all_searchers.clear()
        with self._open_lock:
            if self._previous is not None:
                self._previous[0].close()
                generations.release(self._previous[1])
                self._previous = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None
            generations.release(self._hold)
            self._hold = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0
