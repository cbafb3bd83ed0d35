"""The reduced first scan of the meaning vectors against the exact scan, on a home's real vectors.

    python benchmarks/reduced_scan.py --home DIR --dataset ../shared/eval/dev --queries 300

``DIR`` is a home whose vectors are ready, e.g. the 87k one ``python -m desktop.bench --home DIR
--dataset ../shared/eval/dev --scale 10`` builds. In one process, one BLAS thread as in the app:
each dev question's vector is searched both ways; prints the reduced copy's build time and size,
median and p95 of each scan, and how often the two agree (the same first ten items, and the share
of the exact ``semantic_depth(10)`` items the reduced scan returns too; items are compared by their
similarity, since the bench home's copies of one answer tie and either copy is right).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.engine import embedding  # noqa: E402
from indexer.engine.ranking import semantic_depth  # noqa: E402
from indexer.engine.vectors import VectorStore  # noqa: E402


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python benchmarks/reduced_scan.py")
    p.add_argument("--home", required=True, type=Path)
    p.add_argument("--dataset", required=True, type=Path)
    p.add_argument("--queries", type=int, default=300)
    args = p.parse_args(argv)
    threadpool_limits(limits=1, user_api="blas")
    store = VectorStore(args.home / "index" / "vectors")
    if not store.ids:
        p.error(f"{args.home} has no meaning vectors yet (open it in the app, or run kb embed)")
    t0 = time.perf_counter()
    if not store.prepare_coarse():
        p.error(f"{len(store.ids):,} vectors: below the size where the reduced scan is used")
    build_s = time.perf_counter() - t0
    rows = (json.loads(line) for line in (args.dataset / "queries.jsonl").open(encoding="utf-8"))
    texts = [r["text"] for _, r in zip(range(args.queries), rows, strict=False)]
    queries = embedding.load_model().encode(texts, batch=32)
    k = semantic_depth(10)
    exact_ms: list[float] = []
    reduced_ms: list[float] = []
    same_ten = 0
    recall: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        exact = store.nearest(q, k, exact=True)
        exact_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        reduced = store.nearest(q, k)
        reduced_ms.append((time.perf_counter() - t0) * 1000)
        # Compared by similarity, not id: the bench home's copies tie, and either copy is right.
        ex, re = Counter(round(s, 5) for _i, s in exact), Counter(round(s, 5) for _i, s in reduced)
        same_ten += [round(s, 5) for _i, s in exact[:10]] == [round(s, 5) for _i, s in reduced[:10]]
        recall.append(sum((ex & re).values()) / max(len(exact), 1))
    assert store._coarse is not None
    out = {
        "vectors": len(store.ids),
        "queries": len(queries),
        "k": k,
        "reduced_build_s": round(build_s, 2),
        "reduced_mb": round(store._coarse.buf.nbytes / 2**20, 1),
        "exact_p50_ms": round(statistics.median(exact_ms), 2),
        "exact_p95_ms": round(_p95(exact_ms), 2),
        "reduced_p50_ms": round(statistics.median(reduced_ms), 2),
        "reduced_p95_ms": round(_p95(reduced_ms), 2),
        "speedup_p50": round(statistics.median(exact_ms) / statistics.median(reduced_ms), 2),
        "same_first_ten": round(same_ten / len(queries), 4),
        "recall_of_exact_k_mean": round(float(np.mean(recall)), 4),
        "recall_of_exact_k_min": round(float(np.min(recall)), 4),
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
