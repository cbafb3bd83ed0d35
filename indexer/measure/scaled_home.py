"""A home holding K copies of a BEIR corpus, for measuring the app at field scale (87k items).

Copy 0 keeps the real ids, so relevance labels still apply; the others are distractors. Saved in
one transaction per copy through the same service an import uses, then indexed once.
"""

from __future__ import annotations

from indexer.app.content import open_home
import time
from dataclasses import replace
from pathlib import Path

from kb.importers.beir import iter_corpus
from kb.services import items

from indexer.app.workspace import SEED_NONE, Workspace


def build_scaled_home(home: Path, dataset: Path, scale: int, vector_cache: Path | None = None) -> int:
    """Returns the items indexed. With ``vector_cache``, the meaning vectors are made ready too
    (copies share their original's vector; texts cached by an earlier run are not embedded again)."""
    ws = open_home(home, seed=SEED_NONE)
    try:
        base = list(iter_corpus(dataset, []))
        for k in range(scale):
            copies = base if k == 0 else [replace(r, id=f"{r.id}~{k}") for r in base]
            ws.write(lambda s, copies=copies: items.save_records(s, copies, saved_by="bench"))
            print(f"  saved copy {k + 1}/{scale}", flush=True)
        t0 = time.perf_counter()
        n = ws.rebuild_index(lambda d, t, label: None)
        print(f"  indexed {n} items in {time.perf_counter() - t0:.1f} s", flush=True)
        if vector_cache is not None:
            from indexer.app import semantic
            from indexer.measure import vector_cache as cache

            filled = cache.fill(ws.index.vectors, vector_cache)
            embedded = semantic.prepare(ws)
            cache.save(ws.index.vectors, vector_cache)
            print(f"  meaning vectors: {filled} from the cache, {embedded} embedded", flush=True)
        return n
    finally:
        ws.close()
