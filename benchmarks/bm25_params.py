"""The measurements behind the BM25 constants in ``indexer/engine/ranking.py``.

Runs ``kb eval``'s scoring (the app's own import and search) over a small grid of ``k1`` (term
frequency saturation), ``b`` for the body and ``b`` for the short fields (question, phrasings,
tags), and prints nDCG@10 / recall@100 for each. Quality only: the timings of a grid run are not
comparable (the machine is shared), so none are printed.

    python benchmarks/bm25_params.py ../shared/eval/dev
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from indexer.engine import ranking, search_index
from indexer.measure.evaluation import evaluate


def run(dataset: Path, k1: float, b: float, short_b: float) -> dict[str, float]:
    for module in (ranking, search_index):  # search_index binds the constants at import
        module.BM25_K1, module.BM25_B, module.SHORT_FIELD_B = k1, b, short_b
    out = evaluate(dataset)
    return {"k1": k1, "b": b, "short_b": short_b, "ndcg@10": out["ndcg@10"], "recall@100": out["recall@100"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--k1", type=float, nargs="+", default=[0.9, 1.2, 1.6])
    parser.add_argument("--b", type=float, nargs="+", default=[0.5, 0.75, 0.9])
    parser.add_argument("--short-b", type=float, nargs="+", default=[0.0, 0.3, 0.75])
    args = parser.parse_args()
    base = (ranking.BM25_K1, ranking.BM25_B, ranking.SHORT_FIELD_B)
    grid = {base} | {(k1, base[1], base[2]) for k1 in args.k1} | {(base[0], b, base[2]) for b in args.b}
    grid |= {(base[0], base[1], s) for s in args.short_b}
    for k1, b, short_b in sorted(grid):
        print(json.dumps(run(args.dataset, k1, b, short_b)), flush=True)


if __name__ == "__main__":
    main()
