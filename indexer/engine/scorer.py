"""Vectorised BM25 over Whoosh postings: the hot path of every search.

Why not Whoosh's matchers: profiling the first version on shared/eval/dev showed ~90% of search
time in Whoosh's per-posting Python loop (matcher ``next``/``score``/``skip_to`` and field-length
look-ups), growing linearly with the postings of frequent terms ("insurance", "life"), and
block-quality skipping helps little for OR queries of 5–10 terms. Here a term's postings are
decoded block by block into numpy arrays once, kept in a process-wide cache keyed by
*segment* (segments are immutable, so entries stay valid across commits; deletions are applied
through a per-searcher live mask) and scored with array arithmetic. Whoosh remains the storage,
the term dictionary, the writer and the phrase matcher.

Score of a document = Σ over query clauses of ``boost × max over alternatives`` where an
alternative's score is the sum of its terms' scores if all its terms occur (AND), and a term's
score is Σ over fields of ``field weight × BM25(field)`` (idf per field, Lucene's formula).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0, dtype=np.float32)
_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


def idf_lucene(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


IDF = idf_lucene


class PostingsCache:
    """Decoded postings per (segment, field, term), LRU-bounded by total postings held."""

    def __init__(self, max_postings: int = 6_000_000) -> None:
        self.max_postings = max_postings
        self._data: OrderedDict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._ids: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
        self._lock = threading.Lock()

    def lengths(self, seg_id: str, field: str, load) -> np.ndarray:
        """Per-segment field lengths (immutable, so cached for the segment's lifetime)."""
        key = (seg_id, field)
        found = self._lengths.get(key)
        if found is None:
            found = load()
            with self._lock:
                if len(self._lengths) > 512:
                    self._lengths.clear()
                self._lengths[key] = found
        return found

    def id_map(self, seg_id: str, load) -> dict[str, tuple[int, int]]:
        """Per-segment item id → (first, last) local doc number, read from the id field's term
        infos once for the segment's lifetime: the meaning side of a search names items by id,
        and looking each up through Whoosh costs ~40 ms per query at 87k items in 11 segments."""
        key = (seg_id, "\0ids")
        found = self._ids.get(key)
        if found is None:
            found = load()
            with self._lock:
                if len(self._ids) > 256:
                    self._ids.clear()
                self._ids[key] = found
        return found

    def get(self, key: tuple[str, str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if key in self._data:
                return
            self._data[key] = value
            self._size += len(value[0])
            while self._size > self.max_postings and len(self._data) > 1:
                _, (ids, _tf) = self._data.popitem(last=False)
                self._size -= len(ids)


def _decode(leaf: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of ``term`` in one segment (deleted docs included) as (ids, term freqs)."""
    if (field, term) not in leaf:
        return _EMPTY_IDS, _EMPTY_TF
    m = leaf.postings(field, term)
    if isinstance(m, FilterMatcher):  # deletions: we apply our own live mask instead
        m = m.child
    if type(m).__name__ == "W3LeafMatcher":
        id_parts, tf_parts = [], []
        while True:
            m._read_data()
            ids = np.cumsum(np.asarray(m._data[0], dtype=np.int64)).astype(np.int32)
            w = m._data[1]
            if w is None:
                tf = np.ones(len(ids), dtype=np.float32)
            elif isinstance(w, float):
                tf = np.full(len(ids), w, dtype=np.float32)
            else:
                tf = np.asarray(w, dtype=np.float32)
            id_parts.append(ids)
            tf_parts.append(tf)
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        return np.concatenate(id_parts), np.concatenate(tf_parts)
    # Inlined or unknown matcher type: generic (slower) path.
    ids_l, tf_l = [], []
    while m.is_active():
        ids_l.append(m.id())
        tf_l.append(m.weight())
        m.next()
    return np.asarray(ids_l, dtype=np.int32), np.asarray(tf_l, dtype=np.float32)


class FastScorer:
    """Per-searcher scoring state: segment offsets, live docs, field lengths, statistics."""

    def __init__(
        self,
        searcher: Searcher,
        cache: PostingsCache,
        field_weights: dict[str, float],
        k1: float,
        b: dict[str, float],
    ) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.cache = cache
        self.field_weights = field_weights
        self.k1 = k1
        self.b = b
        self.leaves: list[tuple[IndexReader, int, str]] = []
        for leaf, offset in self.reader.leaf_readers():
            seg = leaf.segment()
            seg_id = seg.segment_id() if seg is not None else f"anon{id(leaf)}"
            self.leaves.append((leaf, offset, seg_id))
        self.maxdoc = self.reader.doc_count_all()
        self.n_docs = max(self.reader.doc_count(), 1)
        live = np.ones(self.maxdoc, dtype=bool)
        for leaf, offset, _ in self.leaves:
            if leaf.has_deletions():
                dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                live[dead[dead < leaf.doc_count_all()] + offset] = False
        self.live = live
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------- statistics
    def _field_lengths(self, field: str) -> np.ndarray:
        arr = self._lengths.get(field)
        if arr is None:
            arr = np.zeros(self.maxdoc, dtype=np.float32)
            for leaf, offset, seg_id in self.leaves:
                seg_len = self.cache.lengths(seg_id, field, lambda leaf=leaf: _segment_lengths(leaf, field))
                arr[offset : offset + len(seg_len)] = seg_len
            self._lengths[field] = arr
            total = self.reader.field_length(field)
            self._avg[field] = max(total / max(self.maxdoc, 1), 1.0)
        return arr

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global doc numbers and term frequencies of ``term`` in ``field`` (all segments)."""
        parts_i, parts_t = [], []
        for leaf, offset, seg_id in self.leaves:
            key = (seg_id, field, term)
            got = self.cache.get(key)
            if got is None:
                got = _decode(leaf, field, term)
                self.cache.put(key, got)
            ids, tf = got
            if len(ids):
                parts_i.append(ids + offset if offset else ids)
                parts_t.append(tf)
        if not parts_i:
            return _EMPTY_IDS, _EMPTY_TF
        if len(parts_i) == 1:
            return parts_i[0], parts_t[0]
        return np.concatenate(parts_i), np.concatenate(parts_t)

    def warm(self, budget: int, step: Callable[[int, int], None] = lambda done, total: None) -> int:
        """Decode ahead the postings of the terms with the most documents, up to ``budget``
        postings; returns how many terms. ``step(done, total)`` is called every 100 terms (it may
        raise to stop).

        Why: a term is decoded on its first search, and the long lists are the costly ones (the
        87k bench home: "insurance" and the like, tens of ms in a rep's first question with them);
        the 1,400 terms in 300+ documents hold 90% of its postings, read in ~3 s in the background.
        """
        sizes: dict[tuple[str, str], int] = {}
        for leaf, _offset, _seg_id in self.leaves:
            for field in self.field_weights:
                if field not in leaf.schema:
                    continue
                for text, info in leaf.iter_field(field):
                    term = text.decode("utf-8") if isinstance(text, bytes) else text
                    sizes[(field, term)] = sizes.get((field, term), 0) + info.doc_frequency()
        chosen: list[tuple[str, str]] = []
        held = 0
        for key in sorted(sizes, key=sizes.__getitem__, reverse=True):
            if held + sizes[key] > budget:
                break
            chosen.append(key)
            held += sizes[key]
        for n, (field, term) in enumerate(chosen):
            if n % 100 == 0:
                step(n, len(chosen))
            self.postings(field, term)
        return len(chosen)

    def docs_of_ids(self, item_ids: Sequence[str], allowed: np.ndarray) -> list[int | None]:
        """The allowed (live, filtered) global doc number of each item id, or None."""
        maps = [(self.cache.id_map(seg_id, lambda leaf=leaf: _segment_ids(leaf)), leaf, offset)
                for leaf, offset, seg_id in self.leaves]  # fmt: skip
        out: list[int | None] = []
        for item_id in item_ids:
            found = None
            for ids, leaf, offset in reversed(maps):  # newest segment first: a re-save lives there
                span = ids.get(item_id)
                if span is None:
                    continue
                first, last = span
                docs = [first + offset] if first == last else \
                    [d + offset for d in _decode(leaf, "id", item_id)[0].tolist()]
                live = [d for d in docs if d < len(allowed) and allowed[d]]
                if live:
                    found = live[-1]
                    break
            out.append(found)
        return out

    def doc_frequency(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    # ------------------------------------------------------------- scoring
    def field_term_scores(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of ``term`` in ``field`` for the documents containing it (weight applied)."""
        ids, tf = self.postings(field, term)
        if not len(ids):
            return ids, tf
        # Whoosh's doc_frequency counts every posting written, deleted documents included, exactly
        # like the decoded postings: the same number, without a term look-up in every segment
        # (~5 ms of a cold 87k search).
        df = len(ids)
        n = self.n_docs
        idf = IDF(n, df)
        with self._lock:
            lengths = self._field_lengths(field)
            avg = self._avg[field]
        b = self.b.get(field, 0.75)
        k1 = self.k1
        norm = k1 * ((1.0 - b) + b * lengths[ids] / avg)
        s = tf * (k1 + 1.0) / (tf + norm)
        return ids, (s * np.float32(idf * self.field_weights.get(field, 1.0))).astype(np.float32)

    def term_vector(self, term: str, fields: Sequence[str] | None = None) -> np.ndarray:
        """Dense per-document score of one term over the scored fields."""
        out = np.zeros(self.maxdoc, dtype=np.float32)
        for field in fields or self.field_weights:
            ids, s = self.field_term_scores(field, term)
            if len(ids):
                out[ids] += s
        return out

    def docs_with(self, terms: Iterable[tuple[str, str]]) -> np.ndarray:
        """Boolean mask of documents containing any of the (field, term) pairs."""
        mask = np.zeros(self.maxdoc, dtype=bool)
        for field, term in terms:
            ids, _ = self.postings(field, term)
            mask[ids] = True
        return mask

    def mask_from_docnums(self, docnums: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.maxdoc, dtype=bool)
        arr = np.fromiter(docnums, dtype=np.int64)
        if len(arr):
            mask[arr[arr < self.maxdoc]] = True
        return mask


def _segment_ids(leaf: IndexReader) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for text, info in leaf.iter_field("id"):
        out[text.decode("utf-8") if isinstance(text, bytes) else text] = (info.min_id(), info.max_id())
    return out


def _segment_lengths(leaf: IndexReader, field: str) -> np.ndarray:
    """Field length of every document of one segment, from Whoosh's one-byte length column."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield  # private to the W3 codec

    n = leaf.doc_count_all()
    col = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if col is None:
        return np.zeros(n, dtype=np.float32)
    try:  # fast path: the raw bytes of the fixed-width column
        raw = np.frombuffer(col._dbfile.get(col._basepos, col._count), dtype=np.uint8)
        raw = np.concatenate([raw[:n], np.zeros(max(0, n - len(raw)), dtype=np.uint8)])
    except AttributeError:
        raw = np.fromiter((col[i] for i in range(n)), dtype=np.uint8, count=n)
    return _BYTE_TO_LENGTH[raw]


def top_k(scores: np.ndarray, allowed: np.ndarray, k: int) -> list[tuple[float, int]]:
    """The ``k`` best (score, docnum) among allowed documents with a positive score."""
    cand = np.flatnonzero(allowed & (scores > 0))
    if not len(cand):
        return []
    sub = scores[cand]
    if len(cand) > k:
        part = np.argpartition(-sub, k - 1)[:k]
        cand, sub = cand[part], sub[part]
    order = np.lexsort((cand, -sub))
    return [(float(sub[i]), int(cand[i])) for i in order]
