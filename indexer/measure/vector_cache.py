"""Vectors computed by earlier measurement runs, reused by text hash (``--vector-cache DIR``).

Embedding the 8.7k-answer dev set takes minutes on two cores; ``kb eval`` and ``kb bench`` build a
fresh home each run, so without this every run would embed the same texts again. The cache holds
(hash, vector) pairs made by the same model stamp; a different model starts an empty cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from indexer.engine.vectors import VectorStore


def _paths(root: Path) -> tuple[Path, Path]:
    return root / "cache-meta.json", root / "cache-vectors.npy"


def fill(store: VectorStore, root: Path) -> int:
    """Move cached vectors of waiting texts into ``store``; returns how many were filled."""
    meta_path, vec_path = _paths(root)
    if not meta_path.exists() or not vec_path.exists():
        return 0
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("model") != store.model:
        return 0
    matrix = np.load(vec_path, mmap_mode="r")
    row = {h: n for n, h in enumerate(meta["hashes"])}
    hits = [(i, h) for i, (_t, h) in list(store.pending.items()) if h in row]
    for start in range(0, len(hits), 4096):  # in chunks: no 87k-row temporary beside the store
        chunk = hits[start : start + 4096]
        store._put_many([i for i, _h in chunk], [h for _i, h in chunk], np.asarray(matrix[[row[h] for _i, h in chunk]]))
        for i, _h in chunk:
            del store.pending[i]
    return len(hits)


def save(store: VectorStore, root: Path) -> None:
    """Add the store's vectors to the cache (unique by hash)."""
    root.mkdir(parents=True, exist_ok=True)
    meta_path, vec_path = _paths(root)
    hashes: list[str] = []
    parts: list[np.ndarray] = []
    if meta_path.exists() and vec_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("model") == store.model:
            hashes, parts = list(meta["hashes"]), [np.load(vec_path)]
    known = set(hashes)
    new = [n for n, h in enumerate(store.hashes) if h not in known and not known.add(h)]  # type: ignore[func-returns-value]
    if not new:
        return
    hashes += [store.hashes[n] for n in new]
    parts.append(store.matrix[new])
    tmp = root / "cache-vectors.tmp.npy"
    np.save(tmp, np.vstack(parts))
    os.replace(tmp, vec_path)
    meta_path.write_text(json.dumps({"model": store.model, "hashes": hashes}), encoding="utf-8")
