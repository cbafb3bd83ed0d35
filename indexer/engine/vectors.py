"""One meaning vector per item, kept beside the Whoosh index and following it item by item.

Why its own store rather than a Whoosh field: vectors are numbers the search multiplies in one
numpy product, not terms; and embedding is slow (tens of items a second on two cores), so it runs
in the background and must survive being stopped. The store remembers, per item, a hash of the
text it embedded: a save whose words did not change costs nothing, a rebuild of the Whoosh index
re-embeds nothing, identical texts (copies, duplicates) are embedded once, and a run that was
killed resumes with what is still missing. Every vector carries the model stamp; a different
model means everything is embedded again.

Files (in ``<index dir>/vectors``): ``vectors-<token>.npy`` (float32 rows, unit length) and
``meta.json`` (model stamp, ids and text hashes in row order, and the name of its vectors file).
A save writes a new vectors file under a name no other save uses, flushes it to disk, then
replaces ``meta.json`` the same way: a crash at any point leaves the previous pair intact, and
two processes saving at once never trip over each other's temporary files. A store found damaged
on load (a 0-byte or truncated file, the wrong shape or type, NaN or zero rows, a meta of the
wrong shape) is moved aside into ``damaged-<time>/``, said in one line, and embedded again in the
background while search answers by words: it never stops a home from opening.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord

from .embedding import DIM, model_stamp
from .results import StillWanted, check

log = logging.getLogger(__name__)

#: Characters of an item embedded: the question, its phrasings and the start of the answer. The
#: model reads at most 256 word pieces (~1,000 characters) anyway.
TEXT_CHARS = 1200
#: Write what was embedded at least this often, so a killed run loses at most this much work.
CHECKPOINT_S = 20.0
BATCH = 32

Encoder = Callable[[Sequence[str]], np.ndarray]


#: A long answer or article gets more vectors: its title plus the next stretch of the body, each
#: overlapping the one before so a sentence cut at an edge is whole in one of them. Search takes an
#: item's best chunk. Capped so one huge article cannot crowd the matrix.
MAX_CHUNKS = 8
CHUNK_OVERLAP = 200
#: Row keys of an item's further chunks: ``id + SEP + n`` (the first chunk's key is the id itself).
SEP = "\x1f"


def item_text(record: ItemRecord) -> str:
    parts = [record.title, *record.phrasings, record.body]
    return "\n".join(p for p in parts if p)[:TEXT_CHARS]


def item_chunks(record: ItemRecord) -> list[str]:
    """The texts embedded for an item: :func:`item_text`, then the rest of a long body in
    overlapping stretches, each led by the title (what the stretch is about)."""
    first = item_text(record)
    head = "\n".join(p for p in (record.title, *record.phrasings) if p)
    body = record.body or ""
    consumed = max(0, TEXT_CHARS - len(head) - 1) if head else TEXT_CHARS
    title = (record.title or "")[:200]
    width = TEXT_CHARS - len(title) - 1  # >= 999 characters of body per further chunk
    chunks = [first]
    while consumed < len(body) and len(chunks) < MAX_CHUNKS:
        start = max(consumed - CHUNK_OVERLAP, 0)
        piece = body[start : start + width]
        chunks.append(f"{title}\n{piece}" if title else piece)
        consumed = start + len(piece)
    return chunks


def item_of(key: str) -> str:
    return key.split(SEP, 1)[0]


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


#: Above this many rows the scan is split in two halves, one on a helper thread (numpy releases
#: the GIL): at 87k items a single-thread scan takes ~15 ms, memory-bound, while the other core
#: has usually finished the word side of the same search and waits.
SPLIT_ROWS = 20_000


#: Each half is scanned in blocks of this many rows (~2 ms each), asking between blocks whether
#: the search is still wanted: a scan cannot be stopped inside numpy, and a replaced search's
#: scan left running held the helper thread from the search the rep was waiting for.
SCAN_BLOCK = 16_384


def _scan_rows(matrix: np.ndarray, query: np.ndarray, out: np.ndarray, wanted: StillWanted | None) -> None:
    for start in range(0, len(matrix), SCAN_BLOCK):
        check(wanted)
        np.matmul(matrix[start : start + SCAN_BLOCK], query, out=out[start : start + SCAN_BLOCK])


def _scan(matrix: np.ndarray, query: np.ndarray, wanted: StillWanted | None = None,
          helper: ThreadPoolExecutor | None = None) -> np.ndarray:
    out = np.empty(len(matrix), dtype=np.float32)
    if len(matrix) < SPLIT_ROWS or helper is None:
        _scan_rows(matrix, query, out, wanted)
        return out
    half = len(matrix) // 2
    other = helper.submit(_scan_rows, matrix[half:], query, out[half:], wanted)
    try:
        _scan_rows(matrix[:half], query, out[:half], wanted)
    finally:
        other.result()  # never leave the helper writing into ``out`` (re-raises its Superseded)
    return out


#: From this many rows on, a search first scans a reduced copy of the vectors and then scores only
#: the best of them exactly (:class:`_Coarse`). Below it the exact scan is fast enough, and every
#: result is exact (the dev set's 9k answers stay well below).
COARSE_ROWS = 50_000
#: The reduced copy keeps each vector's part along the collection's main directions.
COARSE_DIM = 128
#: Rows the reduced scan hands on to exact scoring, per row the search asked for (at least 2,000).
COARSE_POOL = 4
_BASIS_SAMPLE = 20_000


class _Coarse:
    """The vectors projected on their ``COARSE_DIM`` main directions (from a sample's Gram
    matrix), kept row for row beside the full matrix.

    Why: at 87k items the exact scan reads 134 MB per search (7 ms on both cores alone, 8-20 ms
    while the window's other threads run); the reduced copy is a third of that, and re-scoring its
    best few thousand rows exactly gives the same nearest items (docs/measurements.md). Costs 45 MB
    at 87k items and 0.2 s to build, in the background after embedding, never in a search.
    """

    def __init__(self, matrix: np.ndarray) -> None:
        # The main directions of the dot products themselves (uncentred): the top eigenvectors of
        # a sample's 384 x 384 Gram matrix, summed block by block. An SVD of the sample did the
        # same but held ~140 MB of temporaries at 87k items, the bench's peak RSS.
        rows = np.arange(len(matrix))
        if len(rows) > _BASIS_SAMPLE:
            rows = np.sort(np.random.default_rng(0).choice(len(rows), _BASIS_SAMPLE, replace=False))
        gram = np.zeros((DIM, DIM), dtype=np.float64)
        for start in range(0, len(rows), 4096):
            block = matrix[rows[start : start + 4096]]
            gram += block.T @ block
        _values, vectors = np.linalg.eigh(gram)  # ascending
        self.basis = np.ascontiguousarray(vectors[:, ::-1][:, :COARSE_DIM], dtype=np.float32)
        self.buf = np.empty((len(matrix) + 1024, COARSE_DIM), dtype=np.float32)  # room for saves
        for start in range(0, len(matrix), 8192):  # no full-size float temporary
            block = matrix[start : start + 8192]
            np.matmul(block, self.basis, out=self.buf[start : start + len(block)])

    def project(self, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(vectors, dtype=np.float32) @ self.basis

    def put(self, rows: list[int], vectors: np.ndarray) -> None:
        self.buf[rows] = self.project(vectors)

    def append(self, used: int, vectors: np.ndarray) -> None:
        need = used + len(vectors)
        if need > len(self.buf):
            grown = np.empty((max(need, int(len(self.buf) * 1.5)), COARSE_DIM), dtype=np.float32)
            grown[:used] = self.buf[:used]
            self.buf = grown
        self.buf[used:need] = self.project(vectors)

    def keep(self, rows: list[int]) -> None:
        self.buf = self.buf[rows]


class _Damaged(ValueError):
    """The saved store cannot be used as it is."""


def _bad_rows(matrix: np.ndarray) -> int:
    """Rows no search can use: NaN, infinite or all zeros (their similarity is NaN or 0 to everything)."""
    if not len(matrix):
        return 0
    norms = np.einsum("ij,ij->i", matrix, matrix)
    return int(np.count_nonzero(~(np.isfinite(norms) & (norms > 1e-12))))


def _write_durably(path: Path, write: Callable[..., object]) -> None:
    with open(path, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())


#: Directories can be fsynced (Linux, macOS); Windows has no directory handles to sync.
CAN_SYNC_DIRS = os.name == "posix"


def _sync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable where the platform allows it."""
    if not CAN_SYNC_DIRS:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: A vectors file no meta names, older than this, is left over from a save that lost the race to
#: another process (or died before its switch): removed by the next save.
ORPHAN_AGE_S = 600


def _remove_orphans(root: Path, keep: str) -> None:
    now = time.time()
    for f in [*root.glob("vectors*.npy"), *root.glob("meta.*.tmp")]:
        try:
            if f.name != keep and now - f.stat().st_mtime > ORPHAN_AGE_S:
                f.unlink()
        except OSError:
            pass


class VectorStore:
    """Ids and their vectors in memory (one float32 matrix), persisted under ``root``."""

    def __init__(self, root: Path, model: str | None = None) -> None:
        self.root = Path(root)
        self.model = model or model_stamp()
        self._helper: ThreadPoolExecutor | None = None  # started by the first scan big enough to split
        self._lock = threading.RLock()
        self.ids: list[str] = []
        self.hashes: list[str] = []
        self._buf = np.zeros((0, DIM), dtype=np.float32)  # rows [0, len(ids)) are in use
        self.row: dict[str, int] = {}
        #: id → (text, hash) still to embed.
        self.pending: dict[str, tuple[str, str]] = {}
        #: True once the store was compared with every item (a rebuild or a reconcile): before
        #: that, ``pending`` cannot tell whether items are missing, so search stays lexical.
        self.reconciled = False
        #: Item id → how many chunks it has beyond the first (only items that have some).
        self._extra: dict[str, int] = {}
        #: Rows changed in memory and not saved yet (copies of known texts, deletions): written with
        #: the next save, which every embedding pass ends with, even when it embedded nothing.
        self.dirty = False
        #: The reduced copy searches scan first at scale (None until :meth:`prepare_coarse`).
        self._coarse: _Coarse | None = None
        #: Why the saved store could not be used, and where it was moved (one line), or "".
        self.damaged = ""
        self._file = ""  # the vectors file meta.json names
        self._load()

    @property
    def matrix(self) -> np.ndarray:
        """The vectors in use, one row per id (a view: no copy)."""
        return self._buf[: len(self.ids)]

    @matrix.setter
    def matrix(self, value: np.ndarray) -> None:
        self._buf = np.ascontiguousarray(value, dtype=np.float32)
        self._coarse = None  # rows replaced wholesale: rebuilt by the next prepare_coarse()

    def prepare_coarse(self) -> bool:
        """Build the reduced copy if the store is large enough for it to pay; True if one exists.
        Called in the background once the vectors are ready (``SearchIndex.warm_meaning``)."""
        with self._lock:
            if self._coarse is None and len(self.ids) >= COARSE_ROWS:
                self._coarse = _Coarse(self.matrix)
            return self._coarse is not None

    def _append(self, vectors: np.ndarray) -> None:
        """Room for more rows, grown by half again when full: filling 87k items batch by batch
        copies the matrix a few dozen times, not once per batch (2,700 copies of up to 133 MB)."""
        used, need = len(self.ids), len(self.ids) + len(vectors)
        if need > len(self._buf):
            grown = np.empty((max(need, int(len(self._buf) * 1.5), 64), DIM), dtype=np.float32)
            grown[:used] = self._buf[:used]
            self._buf = grown
        self._buf[used:need] = vectors
        if self._coarse is not None:
            self._coarse.append(used, vectors)

    # -- persistence -------------------------------------------------------------------------
    def _load(self) -> None:
        meta_path = self.root / "meta.json"
        if not meta_path.exists():
            return
        try:
            meta, matrix = self._read(meta_path)
        except _Damaged as exc:
            self._set_aside(str(exc))
            return
        if meta is None or matrix is None:
            return  # another model: every item is embedded again
        self.ids, self.hashes, self.matrix = list(meta["ids"]), list(meta["hashes"]), matrix  # float32 as saved: no copy
        self._file = str(meta.get("file", "vectors.npy"))
        self.row = {i: n for n, i in enumerate(self.ids)}
        for key in self.ids:
            if SEP in key:
                item_id, n = key.split(SEP, 1)
                self._extra[item_id] = max(self._extra.get(item_id, 0), int(n))

    def _read(self, meta_path: Path) -> tuple[dict | None, np.ndarray | None]:  # type: ignore[type-arg]
        """The saved meta and matrix, checked; (None, None) for another model's store."""
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise _Damaged(f"meta.json unreadable ({exc})") from None
        if not isinstance(meta, dict) or not isinstance(meta.get("model"), str):
            raise _Damaged("meta.json is not a vector store's (no model stamp)")
        if meta["model"] != self.model:
            return None, None
        ids, hashes, name = meta.get("ids"), meta.get("hashes"), meta.get("file", "vectors.npy")
        if not (isinstance(ids, list) and isinstance(hashes, list) and len(ids) == len(hashes)
                and all(isinstance(v, str) for v in ids + hashes) and isinstance(name, str) and "/" not in name):
            raise _Damaged("meta.json has no ids and hashes of equal length")
        try:
            matrix = np.load(self.root / name, allow_pickle=False)
        except Exception as exc:  # noqa: BLE001 - EOFError for 0 bytes, ValueError when truncated, …
            raise _Damaged(f"{name} unreadable ({type(exc).__name__}: {exc})") from None
        if matrix.dtype != np.float32 or matrix.shape != (len(ids), DIM):
            raise _Damaged(f"{name} holds {matrix.dtype} {matrix.shape}, expected float32 ({len(ids)}, {DIM})")
        bad = _bad_rows(matrix)
        if bad:
            raise _Damaged(f"{name} has {bad} rows of NaN, infinite or zero vectors")
        return meta, matrix

    def _set_aside(self, reason: str) -> None:
        """Move the damaged files out of the way (kept for a look, never deleted) and start empty."""
        aside = self.root / f"damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        aside.mkdir(parents=True, exist_ok=True)
        for f in [self.root / "meta.json", *self.root.glob("vectors*.npy")]:
            try:
                os.replace(f, aside / f.name)
            except OSError:
                pass
        self.damaged = (f"The meaning index was damaged ({reason}); moved aside to {aside}. It is being "
                        "built again; search answers by words meanwhile.")
        log.info("%s", self.damaged)  # shown once, as a notice of the workspace that opened it

    def adopt(self, shipped: Path) -> int:
        """Take vectors computed elsewhere for texts waiting here (the bundled demo content ships its
        own, keyed by text hash and model stamp), so they need no embedding; returns how many rows
        were filled. Another model's, or an unreadable, shipped file adopts nothing."""
        try:
            meta = json.loads((shipped / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("model") != self.model:
                return 0
            matrix = np.load(shipped / "vectors.npy", allow_pickle=False)
            hashes = list(meta["hashes"])
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            log.info("shipped vectors at %s not used: %s", shipped, exc)
            return 0
        if matrix.dtype != np.float32 or matrix.shape != (len(hashes), DIM) or _bad_rows(matrix):
            return 0
        return self.adopt_vectors({h: matrix[n] for n, h in enumerate(hashes)})

    def adopt_vectors(self, found: dict[str, np.ndarray]) -> int:
        """Fill waiting rows whose text hash is in ``found`` (vectors of this store's model);
        returns how many rows were filled. Rows of NaN, infinite or zero values are skipped."""
        with self._lock:
            take = [(key, h) for key, (_t, h) in self.pending.items() if h in found]
            if not take:
                return 0
            vectors = np.stack([np.asarray(found[h], dtype=np.float32).reshape(DIM) for _, h in take])
            good = np.isfinite(vectors).all(axis=1) & (np.einsum("ij,ij->i", vectors, vectors) > 1e-12)
            take = [t for t, ok in zip(take, good) if ok]
            if not take:
                return 0
            self._put_many([k for k, _ in take], [h for _, h in take], vectors[good])
            for key, _h in take:
                del self.pending[key]
            return len(take)

    def waiting_hashes(self) -> set[str]:
        with self._lock:
            return {h for _t, h in self.pending.values()}

    def vectors_of(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """This store's vectors for these text hashes (one per hash)."""
        with self._lock:
            row_of = {h: n for n, h in enumerate(self.hashes)}
            return {h: self.matrix[row_of[h]].copy() for h in hashes if h in row_of}

    def export_shipped(self, dest: Path, hashes: Iterable[str]) -> int:
        """Write the vectors of these text hashes as a shipped store (see :meth:`adopt`)."""
        with self._lock:
            row_of = {h: n for n, h in enumerate(self.hashes)}
            wanted = sorted({h for h in hashes if h in row_of})
            dest.mkdir(parents=True, exist_ok=True)
            np.save(dest / "vectors.npy", np.ascontiguousarray(self.matrix[[row_of[h] for h in wanted]]))
            (dest / "meta.json").write_text(json.dumps({"model": self.model, "hashes": wanted}), encoding="utf-8")
            return len(wanted)

    def save(self) -> None:
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            name = f"vectors-{token}.npy"
            _write_durably(self.root / name, lambda fh: np.save(fh, self.matrix))
            meta = json.dumps({"model": self.model, "ids": self.ids, "hashes": self.hashes, "file": name})
            tmp_meta = self.root / f"meta.{token}.tmp"
            _write_durably(tmp_meta, lambda fh: fh.write(meta.encode("utf-8")))
            os.replace(tmp_meta, self.root / "meta.json")  # the one switch: old pair or new pair
            _sync_dir(self.root)
            previous, self._file = self._file, name
            if previous and previous != name:
                (self.root / previous).unlink(missing_ok=True)
            _remove_orphans(self.root, keep=name)
            self.dirty = False

    # -- following the index -------------------------------------------------------------------
    def upsert(self, records: Iterable[ItemRecord]) -> int:
        """Queue changed texts for embedding; returns how many now wait."""
        with self._lock:
            known = {h: n for n, h in enumerate(self.hashes)}
            copies: dict[str, tuple[str, int]] = {}
            shortened: list[str] = []
            for record in records:
                chunks = item_chunks(record)
                for n, text in enumerate(chunks):
                    key = record.id if n == 0 else f"{record.id}{SEP}{n}"
                    h = text_hash(text)
                    row = self.row.get(key)
                    if row is not None and self.hashes[row] == h:
                        self.pending.pop(key, None)
                        continue
                    if h in known:  # the same text is embedded already (a copy, a duplicate)
                        copies[key] = (h, known[h])
                        self.pending.pop(key, None)
                        continue
                    self.pending[key] = (text, h)
                had = self._extra.get(record.id, 0)
                shortened += [f"{record.id}{SEP}{n}" for n in range(len(chunks), had + 1)]
                self._set_extra(record.id, len(chunks) - 1)
            if copies:  # one stack for the batch, not one per item
                ids = list(copies)
                self._put_many(ids, [copies[i][0] for i in ids], self.matrix[[copies[i][1] for i in ids]])
            if shortened:  # chunks past a shorter text's end (after the copies: rows renumber)
                self._drop(set(shortened))
            return len(self.pending)

    def _set_extra(self, item_id: str, extra: int) -> None:
        if extra:
            self._extra[item_id] = extra
        else:
            self._extra.pop(item_id, None)

    def delete(self, ids: Iterable[str]) -> None:
        """Forget these items, every chunk of them."""
        with self._lock:
            keys: set[str] = set()
            for i in ids:
                keys.add(i)
                keys.update(f"{i}{SEP}{n}" for n in range(1, self._extra.pop(i, 0) + 1))
            self._drop(keys)

    def _drop(self, keys: set[str]) -> None:
        with self._lock:
            gone = {k for k in keys if k in self.row or k in self.pending}
            for i in gone:
                self.pending.pop(i, None)
            keep = [n for n, i in enumerate(self.ids) if i not in gone]
            if len(keep) != len(self.ids):
                kept = self.matrix[keep]  # before the ids shrink: the view is sized by them
                coarse = self._coarse
                self.ids = [self.ids[n] for n in keep]
                self.hashes = [self.hashes[n] for n in keep]
                self.matrix = kept
                if coarse is not None:  # follows the rows instead of being built again
                    coarse.keep(keep)
                    self._coarse = coarse
                self.row = {i: n for n, i in enumerate(self.ids)}
                self.dirty = True

    def retain(self, ids: set[str]) -> None:
        """After a rebuild: forget vectors of items the index no longer holds."""
        self.delete({item_of(k) for k in list(self.row) if item_of(k) not in ids})

    def _put_many(self, ids: list[str], hashes: list[str], vectors: np.ndarray) -> None:
        self.dirty = True
        new = [n for n, i in enumerate(ids) if i not in self.row]
        known = [n for n, i in enumerate(ids) if i in self.row]
        for n in known:
            self.hashes[self.row[ids[n]]] = hashes[n]
            self.matrix[self.row[ids[n]]] = vectors[n]
        if known and self._coarse is not None:
            self._coarse.put([self.row[ids[n]] for n in known], vectors[known])
        if new:
            self._append(vectors if len(new) == len(ids) else vectors[new])
            for n in new:
                self.row[ids[n]] = len(self.ids)
                self.ids.append(ids[n])
                self.hashes.append(hashes[n])

    # -- embedding -----------------------------------------------------------------------------
    def embed_pending(self, encode: Encoder, progress: ProgressFn = no_progress) -> int:
        """Embed what waits, in batches, saving at least every ``CHECKPOINT_S``; returns how many
        texts were embedded (identical texts waiting together are embedded once and share it).

        ``progress`` may raise (``kb.progress.Cancelled``) to stop: what was embedded so far is
        saved first, so the next run starts where this one stopped.
        """
        with self._lock:
            keys_of: dict[str, list[str]] = {}  # text hash → the waiting rows with that text
            texts: dict[str, str] = {}
            for key, (text, h) in self.pending.items():
                keys_of.setdefault(h, []).append(key)
                texts.setdefault(h, text)
        # Why by text and not by row: a first start after a big import queues copies side by side
        # (the 87k bench home: 91k rows, 9k texts), and each would be embedded again.
        todo = list(texts.items())
        total, done, last_save = len(todo), 0, time.monotonic()
        try:
            for start in range(0, total, BATCH):
                progress(done, total, "Embedding items for search by meaning")
                chunk = todo[start : start + BATCH]
                vectors = encode([t for _h, t in chunk])
                bad = _bad_rows(vectors)
                if bad:  # stored, they would silently match nothing (or everything)
                    raise ValueError(f"the embedding model returned {bad} NaN, infinite or zero vectors of "
                                     f"{len(chunk)}; nothing of this batch was kept")
                with self._lock:
                    ids: list[str] = []
                    hashes: list[str] = []
                    rows: list[int] = []
                    for n, (h, _t) in enumerate(chunk):
                        live = [k for k in keys_of[h] if self.pending.get(k, (None, None))[1] == h]
                        ids += live
                        hashes += [h] * len(live)
                        rows += [n] * len(live)
                    self._put_many(ids, hashes, vectors[rows])
                    for key in ids:
                        del self.pending[key]
                done += len(chunk)
                if time.monotonic() - last_save >= CHECKPOINT_S:
                    self.save()
                    last_save = time.monotonic()
        finally:
            if done or self.dirty:
                self.save()
        progress(total, total, "Search by meaning ready")
        return done

    # -- searching -----------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.reconciled and not self.pending

    def coverage(self) -> float:
        with self._lock:
            have = len(self.ids)
            return 1.0 if not (have + len(self.pending)) else have / (have + len(self.pending))

    def _scan_helper(self) -> ThreadPoolExecutor | None:
        if len(self.ids) < SPLIT_ROWS:
            return None
        with self._lock:
            if self._helper is None:
                self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ea-scan")
            return self._helper

    def close(self) -> None:
        """Stop the scan helper thread (a closed home leaves no thread behind)."""
        with self._lock:
            helper, self._helper = self._helper, None
        if helper is not None:
            helper.shutdown(wait=True)

    def nearest(
        self, query: np.ndarray, k: int, wanted: StillWanted | None = None, exact: bool = False
    ) -> list[tuple[str, float]]:
        """The ``k`` items most similar to ``query`` (a unit vector), best first (raises
        ``Superseded`` once ``wanted`` returns False). ``exact`` skips the reduced scan (to
        measure it: ``benchmarks/reduced_scan.py``)."""
        with self._lock:
            matrix, ids = self.matrix, self.ids
            reduced = None if exact else self._coarse
            coarse = reduced.buf[: len(ids)] if reduced is not None else None
            basis = reduced.basis if reduced is not None else None
        if not len(ids):
            return []
        query = query.astype(np.float32)
        rows = min(k * 2, len(ids))  # room for several chunks of one item among the best
        pool = max(rows * COARSE_POOL, 2000)
        if coarse is not None and basis is not None and pool < len(ids):
            rough = _scan(coarse, query @ basis, wanted, self._scan_helper())
            cands = np.argpartition(-rough, pool - 1)[:pool]
            check(wanted)
            cands.sort()  # the exact rows are gathered in memory order
            sims, at = matrix[cands] @ query, cands  # the pool's exact similarities
        else:
            sims = _scan(matrix, query, wanted, self._scan_helper())
            at = None
        top = np.argpartition(-sims, rows - 1)[:rows]
        top = top[np.argsort(-sims[top], kind="stable")]
        best: dict[str, float] = {}  # item → its best chunk's similarity, in rank order
        for n in top:
            item_id = item_of(ids[n if at is None else at[n]])
            if item_id not in best:
                best[item_id] = float(sims[n])
                if len(best) >= k:
                    break
        return list(best.items())
