"""A home holding K copies of a BEIR corpus, for measuring the app at field scale (87k items).

Copy 0 keeps the real ids, so relevance labels still apply; the others are distractors. Saved in
one transaction per copy through the same service an import uses, then indexed once.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from kb.importers.beir import iter_corpus
from kb.services import items

from indexer.app.workspace import SEED_NONE, Workspace


def build_scaled_home(home: Path, dataset: Path, scale: int) -> int:
    ws = Workspace.open(home, seed=SEED_NONE)
    try:
        base = list(iter_corpus(dataset, []))
        for k in range(scale):
            copies = base if k == 0 else [replace(r, id=f"{r.id}~{k}") for r in base]
            ws.run(lambda s, copies=copies: items.save_records(s, copies, saved_by="bench"))
            print(f"  saved copy {k + 1}/{scale}", flush=True)
        t0 = time.perf_counter()
        n = ws.rebuild_index(lambda d, t, label: None)
        print(f"  indexed {n} items in {time.perf_counter() - t0:.1f} s", flush=True)
        return n
    finally:
        ws.close()
