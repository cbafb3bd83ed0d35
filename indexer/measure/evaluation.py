"""Retrieval quality on a BEIR-style dataset, measured through the app's own import and search.

Why through the app's own entry point: a separate "eval mode" would measure something the rep
never runs. Every query goes through ``Workspace.search`` with the app's defaults (limit 10,
drafts hidden, no stage boost), and is timed there; a second pass with ``limit=100`` supplies
``recall@100`` only. A hit's collapsed duplicates count at the hit's position, in order, since
the rep sees them as that one result.

Dataset layout: ``corpus.jsonl`` ``{id,title,text}``, ``queries.jsonl`` ``{id,text}`` and
``qrels.tsv`` with a header line ``query_id corpus_id score``.
"""

from __future__ import annotations

from indexer.app import content as app_content
from indexer.app.content import open_home
import functools
import json
import math
import shutil
import statistics
import time
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord

from indexer.app import search as app_search
from indexer.engine.results import SearchResult

#: Search function under test: text → ranked ids (duplicates flattened) and elapsed ms.
SearchFn = Callable[[str, int], tuple[list[str], float]]


@dataclass
class Dataset:
    """Queries and relevance judgements (the corpus is streamed, not held)."""

    root: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, float]]

    def corpus_size(self) -> int:
        with open(self.root / "corpus.jsonl", encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())


def load_dataset(root: Path) -> Dataset:
    root = Path(root)
    queries: dict[str, str] = {}
    with open(root / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                queries[str(row["id"])] = row.get("text", "")
    qrels: dict[str, dict[str, float]] = {}
    with open(root / "qrels.tsv", encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or (i == 0 and not _is_number(parts[2])):
                continue
            if float(parts[2]) > 0:
                qrels.setdefault(parts[0], {})[parts[1]] = float(parts[2])
    return Dataset(root, {q: t for q, t in queries.items() if q in qrels}, qrels)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def beir_records(root: Path, copies: int = 1, today: date | None = None) -> Iterator[ItemRecord]:
    """Corpus rows as published Q&A records; ``copies`` > 1 adds distractor copies (``id~k``).

    The lead's ``kb.importers.beir`` will take this over; the mapping is the same.
    """
    today = today or date.today()
    for k in range(copies):
        suffix = "" if k == 0 else f"~{k}"
        with open(Path(root) / "corpus.jsonl", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                row = json.loads(line)
                yield ItemRecord(
                    id=str(row["id"]) + suffix,
                    kind="qa",
                    title=row.get("title") or "",
                    body=row.get("text") or "",
                    status="published",
                    verified_on=today,
                )


def ndcg_at(ranked: list[str], rel: dict[str, float], k: int) -> float:
    dcg = sum(rel.get(d, 0.0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr_at(ranked: list[str], rel: dict[str, float], k: int) -> float:
    for i, d in enumerate(ranked[:k]):
        if rel.get(d, 0.0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], rel: dict[str, float], k: int) -> float:
    return len(set(ranked[:k]) & set(rel)) / len(rel) if rel else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def score_run(ds: Dataset, search: SearchFn, progress: ProgressFn = no_progress,
              deep: SearchFn | None = None) -> dict[str, float]:
    """Metrics for ``search`` (limit 10, timed) and ``deep`` (limit 100, for recall@100)."""
    m = {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@10": 0.0, "recall@100": 0.0}
    times: list[float] = []
    qids = sorted(ds.queries)
    for i, qid in enumerate(qids, 1):
        rel = ds.qrels[qid]
        ranked, ms = search(ds.queries[qid], 10)
        times.append(ms)
        m["ndcg@10"] += ndcg_at(ranked, rel, 10)
        m["mrr@10"] += mrr_at(ranked, rel, 10)
        m["recall@10"] += recall_at(ranked, rel, 10)
        deep_ranked = (deep or search)(ds.queries[qid], 100)[0]
        m["recall@100"] += recall_at(deep_ranked, rel, 100)
        if i % 100 == 0:
            progress(i, len(qids), "Evaluating")
    n = max(len(qids), 1)
    out = {k: round(v / n, 4) for k, v in m.items()}
    out["p50_ms"] = round(statistics.median(times), 2) if times else 0.0
    out["p95_ms"] = round(percentile(times, 95), 2)
    out["queries"] = len(qids)
    return out


def flattened(search: Callable[..., SearchResult]) -> SearchFn:
    """The app's search, with collapsed duplicates flattened after their hit."""

    def run(text: str, limit: int) -> tuple[list[str], float]:
        res = search(text, limit=limit)
        ranked: list[str] = []
        for h in res.hits:
            ranked.append(h.id)
            ranked.extend(h.duplicates)
        return ranked, res.elapsed_ms

    return run


def evaluate(
    root: Path,
    progress: ProgressFn = no_progress,
    synonyms_path: Path | None = None,
    work_dir: Path | None = None,
    modes: tuple[str, ...] = ("hybrid", "lexical"),
    vector_cache: Path | None = None,
) -> dict[str, Any]:
    """Import the corpus into a throw-away home holding nothing else, then score every query in
    each search mode (one import, one embedding, every mode side by side).

    The import, the embedding and the search are the app's own (``Workspace.import_path``,
    ``semantic.prepare``, ``Workspace.search``), so the figures describe what a rep gets. The
    result holds the first mode's metrics at the top level and every mode's under ``modes``.
    """
    from indexer.app import semantic
    from indexer.app.workspace import SEED_NONE, Workspace
    from indexer.measure import vector_cache as cache

    ds = load_dataset(root)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="kb-eval-") as tmp:
        home = Path(tmp) / "home"
        if synonyms_path is not None:
            home.mkdir(parents=True)
            shutil.copyfile(synonyms_path, home / "synonyms.txt")
        ws = open_home(home, seed=SEED_NONE)
        try:
            report = app_content.import_content(ws, Path(root), progress).value
            if report.errors:
                raise ValueError(f"{root}: {len(report.errors)} corpus rows could not be imported: {report.errors[0]}")
            embed: dict[str, Any] = {}
            if any(m != "lexical" for m in modes):
                semantic.reconcile(ws)
                if vector_cache is not None:
                    embed["from_cache"] = cache.fill(ws.index.vectors, vector_cache)
                t0 = time.perf_counter()
                embed["embedded"] = semantic.prepare(ws, progress)
                embed["seconds"] = round(time.perf_counter() - t0, 1)
                if embed["embedded"]:
                    embed["items_per_s"] = round(embed["embedded"] / max(embed["seconds"], 1e-9), 1)
                if vector_cache is not None:
                    cache.save(ws.index.vectors, vector_cache)
            with threadpool_limits(limits=1, user_api="blas"):  # searches run as in the app (desktop.app.main)
                per_mode = {m: score_run(ds, flattened(functools.partial(app_search.search, ws, mode=m)), progress) for m in modes}
        finally:
            ws.close()
    return {**per_mode[modes[0]], "mode": modes[0], "modes": per_mode, **({"embedding": embed} if embed else {})}


def evaluate_baseline(root: Path, progress: ProgressFn = no_progress) -> dict[str, float]:
    """The same metrics for a plain Whoosh BM25F OR query (see :mod:`indexer.engine.baseline`)."""
    from indexer.engine.baseline import PlainWhoosh

    ds = load_dataset(root)
    with tempfile.TemporaryDirectory(prefix="kb-eval-plain-") as tmp:
        plain = PlainWhoosh(Path(tmp))
        try:
            plain.build(beir_records(root))
            return score_run(ds, lambda t, k: plain.search(t, k, snippets=k <= 10), progress)
        finally:
            plain.close()
