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

from indexer.app import semantic  # noqa: E402
from indexer.app.workspace import SEED_NONE, Workspace  # noqa: E402
from indexer.app import content as app_content  # noqa: E402
from indexer.app.content import open_home  # noqa: E402
from indexer.engine import ranking  # noqa: E402
from indexer.measure import vector_cache  # noqa: E402
from indexer.measure.evaluation import flattened, load_dataset  # noqa: E402



def screen(ds, search) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """nDCG@10 and recall@100 from one limit-100 search per query."""
    from indexer.measure.evaluation import ndcg_at, recall_at

    ndcg = recall = 0.0
    for qid, text in ds.queries.items():
        ranked, _ms = search(text, 100)
        ndcg += ndcg_at(ranked, ds.qrels[qid], 10)
        recall += recall_at(ranked, ds.qrels[qid], 100)
    n = max(len(ds.queries), 1)
    return {"ndcg@10": round(ndcg / n, 4), "recall@100": round(recall / n, 4)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path)
    p.add_argument("--vector-cache", type=Path)
    p.add_argument("--rrf-k", type=int, nargs="*", default=[30, 60], help="RRF constants to try")
    p.add_argument("--lexical-weight", type=float, nargs="*", default=[0.7, 1.0], help="RRF weights of words")
    p.add_argument("--mix", type=float, nargs="*", default=[0.25, 0.4], help="weighted fusion: share of words")
    args = p.parse_args(argv)
    grid = [{"FUSION": "rrf", "RRF_K": k, "LEXICAL_WEIGHT": w, "SEMANTIC_WEIGHT": 1.0}
            for k, w in itertools.product(args.rrf_k, args.lexical_weight)]  # fmt: skip
    grid += [{"FUSION": "weighted", "SCORE_MIX": a} for a in args.mix]
    ds = load_dataset(args.dataset)
    defaults = {k: getattr(ranking, k) for k in ("FUSION", "RRF_K", "LEXICAL_WEIGHT", "SEMANTIC_WEIGHT", "SCORE_MIX")}
    with tempfile.TemporaryDirectory(prefix="kb-fusion-") as tmp:
        ws = open_home(Path(tmp) / "home", seed=SEED_NONE)
        try:
            app_content.import_content(ws, args.dataset)
            semantic.reconcile(ws)
            if args.vector_cache:
                vector_cache.fill(ws.index.vectors, args.vector_cache)
            semantic.prepare(ws)
            if args.vector_cache:
                vector_cache.save(ws.index.vectors, args.vector_cache)
            results = []
            with threadpool_limits(limits=1, user_api="blas"):
                lexical = screen(ds, flattened(functools.partial(ws.search, mode="lexical")))
                print(json.dumps({"setting": "lexical", "ndcg@10": lexical["ndcg@10"],
                                  "recall@100": lexical["recall@100"]}), flush=True)  # fmt: skip
                for setting in grid:
                    for name, value in {**defaults, **setting}.items():
                        setattr(ranking, name, value)
                    m = screen(ds, flattened(functools.partial(ws.search, mode="hybrid")))
                    row = {"setting": setting, "ndcg@10": m["ndcg@10"], "recall@100": m["recall@100"]}
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
