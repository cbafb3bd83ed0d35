"""``kb eval`` and ``kb bench``: thin argparse wrappers over :mod:`indexer.measure.evaluation` and
:mod:`indexer.measure.bench` (the CLI holds no logic of its own; see STYLE.md §2).

Human output is a ``rich`` table on stdout (progress on stderr); ``--json`` prints exactly one
JSON object on stdout and nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def register(subparsers: Any) -> None:
    """Add ``eval`` and ``bench`` to the ``kb`` command's subparsers."""
    p = subparsers.add_parser("eval", help="retrieval quality on a BEIR-style dataset")
    p.add_argument("dataset_dir", metavar="DATASET_DIR", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--baseline", action="store_true",
                   help="also score a plain Whoosh OR query on the same data")
    p.add_argument("--synonyms", type=Path, default=None, help="synonyms file to apply")
    p.add_argument("--mode", action="append", choices=("hybrid", "lexical", "semantic"),
                   help="search mode to score (repeatable; default: hybrid and lexical, side by side)")
    p.add_argument("--vector-cache", type=Path, metavar="DIR",
                   help="reuse vectors of earlier runs by text hash (embedding the dev set takes minutes)")
    p.set_defaults(func=cmd_eval)

    b = subparsers.add_parser("bench", help="build and search speed vs plain Whoosh")
    b.add_argument("dataset_dir", metavar="DATASET_DIR", type=Path)
    b.add_argument("--scale", type=int, default=1, help="copies of the corpus (default 1)")
    b.add_argument("--queries", type=int, default=300, help="queries timed (0 = all)")
    b.add_argument("--no-baseline", action="store_true", help="skip plain Whoosh")
    b.add_argument("--vector-cache", type=Path, metavar="DIR", help="reuse vectors of earlier runs by text hash")
    b.add_argument("--json", action="store_true", help="print one JSON object")
    b.set_defaults(func=cmd_bench)


def _check_dataset(path: Path) -> str | None:
    missing = [f for f in ("corpus.jsonl", "queries.jsonl", "qrels.tsv") if not (path / f).is_file()]
    return f"{path}: missing {', '.join(missing)}" if missing else None


def cmd_eval(args: argparse.Namespace) -> int:
    from indexer.measure.evaluation import evaluate, evaluate_baseline

    err = _check_dataset(args.dataset_dir)
    if err:
        print(err, file=sys.stderr)
        return 2
    console = Console(stderr=True)
    with console.status("indexing and evaluating…", spinner="dots") if not args.json else _null():
        modes = tuple(dict.fromkeys(args.mode or ("hybrid", "lexical")))
        result: dict[str, Any] = evaluate(args.dataset_dir, synonyms_path=args.synonyms, modes=modes,
                                          vector_cache=args.vector_cache)
        if args.baseline:
            result = {**result, "plain_whoosh": evaluate_baseline(args.dataset_dir)}
    if args.json:
        print(json.dumps(result))
        return 0
    table = Table(title=f"eval {args.dataset_dir}")
    table.add_column("metric")
    for mode in result["modes"]:
        table.add_column(f"ours ({mode})", justify="right")
    if args.baseline:
        table.add_column("plain Whoosh", justify="right")
    for k in result["modes"][result["mode"]]:
        row = [k, *(f"{m[k]}" for m in result["modes"].values())]
        if args.baseline:
            row.append(f"{result['plain_whoosh'].get(k, '')}")
        table.add_row(*row)
    Console().print(table)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from indexer.measure.bench import bench

    err = _check_dataset(args.dataset_dir)
    if err:
        print(err, file=sys.stderr)
        return 2
    if args.scale < 1:
        print("--scale must be ≥ 1", file=sys.stderr)
        return 2
    console = Console(stderr=True)
    with console.status(f"benchmarking at scale {args.scale}…") if not args.json else _null():
        result = bench(args.dataset_dir, args.scale, args.queries, baseline=not args.no_baseline,
                       vector_cache=args.vector_cache)
    if args.json:
        print(json.dumps(result))
        return 0
    engines = [k for k in ("ours", "plain_whoosh", "ratio") if k in result]
    table = Table(title=f"bench {args.dataset_dir} ×{args.scale} "
                        f"({result['params']['queries']} queries)")
    table.add_column("figure")
    for e in engines:
        table.add_column(e if e != "ratio" else "plain/ours", justify="right")
    for key in ("items", "build_s", "items_per_s", "p50_ms", "p95_ms", "rss_mb", "save_to_found_ms"):
        table.add_row(key, *[f"{result[e].get(key, '')}" for e in engines])
    ours = result["ours"]
    for key in ("hybrid", "long_lexical", "long_hybrid"):
        if key in ours:
            table.add_row(f"{key} p50 / p95 ms", f"{ours[key]['p50_ms']} / {ours[key]['p95_ms']}")
    for key in ("embedded", "from_cache", "embed_items_per_s"):
        if key in ours:
            table.add_row(key, f"{ours[key]}")
    Console().print(table)
    return 0


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
