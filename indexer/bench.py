"""Build and search benchmark: our SearchIndex against a plain Whoosh OR query, side by side.

Why each engine runs in its own fresh process: peak RSS (``ru_maxrss``) is a process-wide
high-water mark, so measuring both engines in one process would report the larger one twice, and
the second engine would profit from the first one's warm OS caches and imports.

Figures: ``items``, ``build_s``, ``items_per_s``, ``p50_ms``/``p95_ms`` (one search of the top 10
*including snippets*, over a fixed, evenly spread sample of the dataset's queries, no warm-up) and
``rss_mb`` (peak of the process that built and searched).
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .evaluation import beir_records, load_dataset, percentile

DEFAULT_QUERIES = 300


def sample_queries(root: Path, count: int = DEFAULT_QUERIES) -> list[str]:
    """``count`` queries spread evenly over the dataset (deterministic)."""
    ds = load_dataset(root)
    texts = [ds.queries[q] for q in sorted(ds.queries)]
    if count <= 0 or count >= len(texts):
        return texts
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def _summary(items: int, build_s: float, times: list[float]) -> dict[str, float]:
    return {
        "items": items,
        "build_s": round(build_s, 2),
        "items_per_s": round(items / build_s, 1) if build_s else 0.0,
        "p50_ms": round(statistics.median(times), 2) if times else 0.0,
        "p95_ms": round(percentile(times, 95), 2),
        "rss_mb": _peak_rss_mb(),
    }


def run_ours(root: str, scale: int, queries: int) -> dict[str, float]:
    """Build our index of ``scale`` copies and time ``SearchIndex.search`` (limit 10)."""
    from .search_index import SearchIndex

    texts = sample_queries(Path(root), queries)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        index = SearchIndex(Path(tmp) / "index")
        try:
            t0 = time.perf_counter()
            items = index.rebuild(beir_records(Path(root), copies=scale))
            build_s = time.perf_counter() - t0
            times = [index.search(t, limit=10).elapsed_ms for t in texts]
        finally:
            index.close()
    return _summary(items, build_s, times)


def run_plain(root: str, scale: int, queries: int) -> dict[str, float]:
    """The same for plain Whoosh (StemmingAnalyzer, BM25F, OR over title+text, highlights)."""
    from .baseline import PlainWhoosh

    texts = sample_queries(Path(root), queries)
    with tempfile.TemporaryDirectory(prefix="kb-bench-plain-") as tmp:
        plain = PlainWhoosh(Path(tmp))
        try:
            t0 = time.perf_counter()
            items = plain.build(beir_records(Path(root), copies=scale))
            build_s = time.perf_counter() - t0
            times = [plain.search(t, limit=10)[1] for t in texts]
        finally:
            plain.close()
    return _summary(items, build_s, times)


def _in_fresh_process(fn, *args) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def bench(
    root: Path, scale: int = 1, queries: int = DEFAULT_QUERIES, baseline: bool = True
) -> dict[str, dict[str, float]]:
    """``{"ours": {...}, "plain_whoosh": {...}, "ratio": {...}}`` for ``scale`` corpus copies."""
    out = {"ours": _in_fresh_process(run_ours, str(root), scale, queries)}
    if baseline:
        out["plain_whoosh"] = _in_fresh_process(run_plain, str(root), scale, queries)
        o, p = out["ours"], out["plain_whoosh"]
        out["ratio"] = {  # >1 means we are better (faster / leaner)
            k: round(p[k] / o[k], 2) if o[k] else 0.0 for k in ("build_s", "p50_ms", "p95_ms", "rss_mb")
        }
    out["params"] = {"scale": scale, "queries": len(sample_queries(root, queries))}
    return out
