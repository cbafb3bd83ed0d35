"""Reciprocal-rank fusion against weighted score fusion, over a grid of their settings, on a BEIR set.

One import and one embedding (from a vector cache when given), then every setting scored with the
app's own search in one run, lexical-only beside them:

    python benchmarks/fusion_grid.py ../shared/eval/dev --vector-cache /tmp/dev-vectors

Prints one JSON line per setting (nDCG@10, recall@100) and the best setting last. To screen a grid
in minutes, each query is searched once (limit 100) and nDCG@10 read off that ranking's first ten;
the chosen setting is then confirmed with ``kb eval`` (limit 10 and 100, as a rep's search runs).
The chosen values live in ``indexer/engine/ranking.py``; docs/measurements.md records the grid.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
import tempfile
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.app import search as app_search  # noqa: E402
from indexer.app import content, semantic  # noqa: E402
from indexer.app.workspace import SEED_NONE, Workspace  # noqa: E402
from indexer.app.content import open_home  # noqa: E402
from indexer.engine import ranking  # noqa: E402
from indexer.measure import vector_cache  # noqa: E402
from indexer.measure.evaluation import flattened, load_dataset  # noqa: E402



#: Kinds of questions, by length: a keyword or two, a plain question, a long explained one.
SLICES = {"1-4 words": (1, 4), "5-8 words": (5, 8), "9+ words": (9, 10_000)}


def screen(ds, search) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """nDCG@10 and recall@100 from one limit-100 search per query, overall and per slice."""
    from indexer.measure.evaluation import ndcg_at, recall_at

    per_slice: dict[str, list[float]] = {name: [] for name in SLICES}
    ndcg = recall = 0.0
    for qid, text in ds.queries.items():
        ranked, _ms = search(text, 100)
        score = ndcg_at(ranked, ds.qrels[qid], 10)
        ndcg += score
        recall += recall_at(ranked, ds.qrels[qid], 100)
        words = len(text.split())
        for name, (lo, hi) in SLICES.items():
            if lo <= words <= hi:
                per_slice[name].append(score)
    n = max(len(ds.queries), 1)
    slices = {name: round(sum(v) / len(v), 4) for name, v in per_slice.items() if v}
    return {"ndcg@10": round(ndcg / n, 4), "recall@100": round(recall / n, 4), "slices": slices}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path)
    p.add_argument("--vector-cache", type=Path)
    p.add_argument("--rrf-k", type=int, nargs="*", default=[30, 60], help="RRF constants to try")
    p.add_argument("--lexical-weight", type=float, nargs="*", default=[0.7, 1.0], help="RRF weights of words")
    p.add_argument("--mix", type=float, nargs="*", default=[0.25, 0.4], help="weighted fusion: share of words")
    p.add_argument("--peak-power", type=float, nargs="*", default=[0.0],
                   help="weighted fusion: how strongly each side's say follows how peaked its scores are")
    args = p.parse_args(argv)
    grid = [{"FUSION": "rrf", "RRF_K": k, "LEXICAL_WEIGHT": w, "SEMANTIC_WEIGHT": 1.0}
            for k, w in itertools.product(args.rrf_k, args.lexical_weight)]  # fmt: skip
    grid += [{"FUSION": "weighted", "SCORE_MIX": a, "PEAK_POWER": pp} for a, pp in itertools.product(args.mix, args.peak_power)]
    ds = load_dataset(args.dataset)
    defaults = {k: getattr(ranking, k) for k in ("FUSION", "RRF_K", "LEXICAL_WEIGHT", "SEMANTIC_WEIGHT", "SCORE_MIX",
                                                 "PEAK_POWER")}
    with tempfile.TemporaryDirectory(prefix="kb-fusion-") as tmp:
        ws = open_home(Path(tmp) / "home", seed=SEED_NONE)
        try:
            content.import_content(ws, args.dataset)
            semantic.reconcile(ws)
            if args.vector_cache:
                vector_cache.fill(ws.index.vectors, args.vector_cache)
            semantic.prepare(ws)
            if args.vector_cache:
                vector_cache.save(ws.index.vectors, args.vector_cache)
            results = []
            with threadpool_limits(limits=1, user_api="blas"):
                for side in ("lexical", "semantic"):  # each side alone: what fusion must never lose to
                    alone = screen(ds, flattened(functools.partial(app_search.search, ws, mode=side)))
                    print(json.dumps({"setting": side, **alone}), flush=True)
                for setting in grid:
                    for name, value in {**defaults, **setting}.items():
                        setattr(ranking, name, value)
                    m = screen(ds, flattened(functools.partial(app_search.search, ws, mode="hybrid")))
                    row = {"setting": setting, **m}
                    results.append(row)
                    print(json.dumps(row), flush=True)
            for name, value in defaults.items():
                setattr(ranking, name, value)
        finally:
            ws.close()
    best = max(results, key=lambda r: r["ndcg@10"])
    print(json.dumps({"best": best}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
