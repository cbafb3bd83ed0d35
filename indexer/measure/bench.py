"""Build and search benchmark: our SearchIndex against a plain Whoosh OR query, side by side.

Why each engine runs in its own fresh process: peak RSS (``ru_maxrss``) is a process-wide
high-water mark, so measuring both engines in one process would report the larger one twice, and
the second engine would profit from the first one's warm OS caches and imports.

Figures: ``items``, ``build_s``, ``items_per_s``, ``p50_ms``/``p95_ms`` (one search of the top 10
*including snippets*, over a fixed, evenly spread sample of the dataset's queries, no warm-up) and
``rss_mb`` (peak of the process that built and searched). Ours also reports
``save_to_found_ms``: one ``upsert`` of a new item plus the search that finds it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indexer.measure.evaluation import beir_records, load_dataset, percentile

DEFAULT_QUERIES = 300


def sample_queries(root: Path, count: int = DEFAULT_QUERIES) -> list[str]:
    """``count`` queries spread evenly over the dataset (deterministic)."""
    ds = load_dataset(root)
    texts = [ds.queries[q] for q in sorted(ds.queries)]
    if count <= 0 or count >= len(texts):
        return texts
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)]


def long_queries(root: Path, count: int = DEFAULT_QUERIES, words: tuple[int, int] = (20, 60)) -> list[str]:
    """Pasted-email-sized questions: consecutive dev questions joined until 20–60 words (deterministic).

    Reps paste whole emails and multi-sentence questions; short dev queries hide what that costs.
    """
    ds = load_dataset(root)
    texts = [ds.queries[q] for q in sorted(ds.queries)]
    out: list[str] = []
    i = 0
    while len(out) < count and texts:
        parts: list[str] = []
        target = words[0] + (len(out) * 7) % (words[1] - words[0] + 1)
        while sum(len(p.split()) for p in parts) < target:
            parts.append(texts[i % len(texts)])
            i += 1
        out.append(" ".join(" ".join(parts).split()[: words[1]]))
    return out


def _timed(index: object, texts: list[str], mode: str) -> list[float]:
    """Search times with one BLAS thread, as the app runs them (desktop.app.main)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return [index.search(t, limit=10, mode=mode).elapsed_ms for t in texts]  # type: ignore[attr-defined]


def _p(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2)} if times else {}


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


def run_ours(root: str, scale: int, queries: int, vector_cache: str = "") -> dict[str, float]:
    """Build our index of ``scale`` copies and time ``SearchIndex.search`` (limit 10): lexical and
    hybrid (query embedding included), short dev questions and pasted-email-sized ones."""
    from kb.records import ItemRecord

    from indexer.engine import embedding
    from indexer.engine.search_index import SearchIndex
    from indexer.measure import vector_cache as cache

    texts = sample_queries(Path(root), queries)
    longs = long_queries(Path(root), queries)
    semantic: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        index = SearchIndex(Path(tmp) / "index")
        try:
            t0 = time.perf_counter()
            items = index.rebuild(beir_records(Path(root), copies=scale))
            build_s = time.perf_counter() - t0
            times = _timed(index, texts, "lexical")
            semantic["long_lexical"] = _p(_timed(index, longs, "lexical"))  # type: ignore[assignment]
            if embedding.available() is None:
                if vector_cache:
                    semantic["from_cache"] = cache.fill(index.vectors, Path(vector_cache))
                t0 = time.perf_counter()
                embedded = index.semantic.embed_pending()
                embed_s = time.perf_counter() - t0
                if vector_cache:
                    cache.save(index.vectors, Path(vector_cache))
                semantic.update(embedded=embedded, embed_s=round(embed_s, 1),
                                embed_items_per_s=round(embedded / embed_s, 1) if embedded else 0.0)  # fmt: skip
                # The model, the id maps and the reduced vectors, before the clock, as semantic.prepare()
                # ends in the app.
                index.warm_meaning()
                semantic["hybrid"] = _p(_timed(index, texts, "hybrid"))  # type: ignore[assignment]
                semantic["long_hybrid"] = _p(_timed(index, longs, "hybrid"))  # type: ignore[assignment]
            # "A saved item is findable within 0.5 s": one upsert, then the search that finds it.
            t0 = time.perf_counter()
            index.upsert([ItemRecord(id="bench-probe", kind="qa", title="Zqxjv probe question",
                                     body="A freshly saved answer.")])
            found = index.search("zqxjv probe", limit=1).ids() == ["bench-probe"]
            save_to_found_ms = (time.perf_counter() - t0) * 1000.0
        finally:
            index.close()
    out = _summary(items, build_s, times)
    out["save_to_found_ms"] = round(save_to_found_ms, 1) if found else -1.0
    out.update(semantic)  # type: ignore[arg-type]
    out["rss_mb"] = _peak_rss_mb()  # after the hybrid searches: vectors and model included
    return out


def run_plain(root: str, scale: int, queries: int) -> dict[str, float]:
    """The same for plain Whoosh (StemmingAnalyzer, BM25F, OR over title+text, highlights)."""
    from indexer.engine.baseline import PlainWhoosh

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


def _in_fresh_process(engine: str, root: Path, scale: int, queries: int, vector_cache: str = "") -> dict[str, float]:
    """Run one engine via ``python -m indexer.measure.bench`` (a subprocess, not multiprocessing: the
    caller's ``__main__`` may not be import-safe) and read its JSON line."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    cmd = [sys.executable, "-m", "indexer.measure.bench", engine, str(root), str(scale), str(queries), vector_cache]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench {engine} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(
    root: Path, scale: int = 1, queries: int = DEFAULT_QUERIES, baseline: bool = True, vector_cache: Path | None = None
) -> dict[str, dict[str, float]]:
    """``{"ours": {...}, "plain_whoosh": {...}, "ratio": {...}}`` for ``scale`` corpus copies."""
    out = {"ours": _in_fresh_process("ours", root, scale, queries, str(vector_cache or ""))}
    if baseline:
        out["plain_whoosh"] = _in_fresh_process("plain", root, scale, queries)
        o, p = out["ours"], out["plain_whoosh"]
        out["ratio"] = {  # >1 means we are better (faster / leaner)
            k: round(p[k] / o[k], 2) if o[k] else 0.0 for k in ("build_s", "p50_ms", "p95_ms", "rss_mb")
        }
    out["params"] = {"scale": scale, "queries": len(sample_queries(root, queries))}
    return out


def _child_main(argv: list[str]) -> int:
    engine, root, scale, queries = argv[0], argv[1], int(argv[2]), int(argv[3])
    if engine == "ours":
        print(json.dumps(run_ours(root, scale, queries, argv[4] if len(argv) > 4 else "")))
    else:
        print(json.dumps(run_plain(root, scale, queries)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1:]))
