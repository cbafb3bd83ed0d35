"""The embedding backends side by side: numpy (the reference), ONNX Runtime float32 and int8.

For each backend, in a fresh process (so memory is its own): load time, resident memory after
load, texts per second for 250-token chunks and for short Q&A texts, query-embedding time
(median and p95 of single short questions, as the search box sends them), and how close its
vectors are to numpy's (cosine, min and mean). Texts come from a BEIR corpus (real answers,
joined and cut into ~1,300-character chunks of ~250 tokens, the model's window).

    python benchmarks/embedder.py ../shared/eval/dev [--chunks 96] [--queries 200]

Prints one JSON line per backend. Quality (dev nDCG@10 per backend) is ``kb eval`` with
``EXPERT_ANSWERS_EMBEDDER=numpy|onnx|onnx-int8``; docs/measurements.md records both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def texts(dataset: Path, chunks: int, queries: int) -> tuple[list[str], list[str], list[str]]:
    docs = [json.loads(line)["text"] for line in (dataset / "corpus.jsonl").open(encoding="utf-8")]
    joined = " ".join(docs[: chunks * 30])
    long = [joined[i * 1300 : (i + 1) * 1300] for i in range(chunks)]
    short = docs[:chunks]
    asked = [json.loads(line)["text"] for line in (dataset / "queries.jsonl").open(encoding="utf-8")][:queries]
    return long, short, asked


def measure(backend: str, dataset: Path, chunks: int, queries: int, reference: Path) -> dict:
    import numpy as np

    from indexer.engine import embedding

    long, short, asked = texts(dataset, chunks, queries)
    before = rss_mb()
    started = time.perf_counter()
    model = embedding.make_model(backend)
    load_s = time.perf_counter() - started
    after_load = rss_mb()
    tokens = [len(e.ids) for e in model.tokenizer.encode_batch(long)]
    model.encode(long[:16])  # first run: kernels and buffers set up
    started = time.perf_counter()
    long_vectors = model.encode(long)
    long_rate = len(long) / (time.perf_counter() - started)
    started = time.perf_counter()
    model.encode(short)
    short_rate = len(short) / (time.perf_counter() - started)
    times = []
    for q in asked:
        t = time.perf_counter()
        model.encode([q])
        times.append((time.perf_counter() - t) * 1000)
    result = {
        "backend": model.backend, "load_s": round(load_s, 2), "rss_after_load_mb": round(after_load - before, 1),
        "chunk_tokens_median": statistics.median(tokens), "chunks_per_s": round(long_rate, 1),
        "short_per_s": round(short_rate, 1), "query_ms_p50": round(statistics.median(times), 2),
        "query_ms_p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
    }  # fmt: skip
    if reference.exists():
        ref = np.load(reference)
        cos = (ref * long_vectors).sum(1)
        result.update(cos_vs_numpy_min=round(float(cos.min()), 5), cos_vs_numpy_mean=round(float(cos.mean()), 5))
    else:
        np.save(reference, long_vectors)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--chunks", type=int, default=96)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", help=argparse.SUPPRESS)  # one backend, in the child process
    parser.add_argument("--reference", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(measure(args.backend, args.dataset, args.chunks, args.queries, args.reference)))
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "numpy.npy"
        for backend in ("numpy", "onnx", "onnx-int8"):  # numpy first: the others compare to it
            cmd = [sys.executable, __file__, str(args.dataset), "--chunks", str(args.chunks),
                   "--queries", str(args.queries), "--backend", backend, "--reference", str(reference)]  # fmt: skip
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            print(out.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
