"""A second quality check beside the dev set: the demo content's rep questions, per embedder.

The questions in ``tests/indexer/test_rep_questions.py`` are phrased as prospects talk (typos,
fragments, acronyms) with the ids that count as right. Each backend gets a fresh demo home (its
own vectors: the shipped ones only where the stamp matches) and every question is asked in each
mode; prints nDCG@10 (every right id graded 1) and how often a right id is in the top 3.

    python benchmarks/demo_questions.py [--backend onnx --backend onnx-int8]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "indexer"))


def measure(backend: str) -> dict[str, object]:
    from test_rep_questions import CASES  # noqa: E402  (the questions live with their test)

    from indexer.app import search, semantic
    from indexer.app.content import SEED_CONTENT, open_home
    from indexer.measure.evaluation import flattened, ndcg_at

    with tempfile.TemporaryDirectory(prefix="ea-demo-q-") as tmp:
        ws = open_home(Path(tmp) / "home", seed=SEED_CONTENT)
        try:
            embedded = semantic.prepare(ws)
            out: dict[str, object] = {"backend": backend, "questions": len(CASES), "embedded_here": embedded}
            for mode in ("hybrid", "semantic", "lexical"):
                run = flattened(lambda text, limit, mode=mode: search.search(ws, text, limit=limit, mode=mode))
                ndcg = top3 = 0.0
                for question, right in CASES:
                    ranked, _ms = run(question, 10)
                    ndcg += ndcg_at(ranked, {i: 1.0 for i in right}, 10)
                    top3 += bool(set(ranked[:3]) & right)
                out[mode] = {"ndcg@10": round(ndcg / len(CASES), 4), "top3": f"{int(top3)}/{len(CASES)}"}
            return out
        finally:
            ws.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", action="append", help="numpy, onnx, onnx-int8 (default: onnx and onnx-int8)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    for backend in args.backend or ["onnx", "onnx-int8"]:  # each in its own process: one model per process
        env = {**os.environ, "EXPERT_ANSWERS_EMBEDDER": backend}
        out = subprocess.run([sys.executable, __file__, "--child", backend], env=env, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        print(out.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
