"""``kb search`` (the rep's search from a terminal, through the same use case as the search window) and
``kb embed`` (bring the meaning index up to date in the foreground)."""

from __future__ import annotations

import argparse
import sys

from rich.table import Table

from indexer.app import search, semantic
from indexer.app.search import SearchFilters
from indexer.cli.common import add_json, count, open_workspace, plural
from indexer.cli.output import console, error, note, print_json, progress_bar


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_json(sub.add_parser("search", help="search the knowledge base"))
    p.add_argument("text")
    p.add_argument("--deal", help="rank items that fit this deal's stage higher")
    p.add_argument("--limit", type=count(), default=10)
    p.add_argument("--kind", choices=("qa", "article"))
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--area", action="append", default=[])
    p.add_argument("--stage", action="append", default=[], help="only items suited to this stage")
    p.add_argument("--expert", action="store_true", help="include drafts")
    p.add_argument("--mode", choices=search.MODES, default="hybrid",
                   help="hybrid (words and meaning, the default), lexical (words) or semantic (meaning)")
    p.set_defaults(func=cmd_search, reads_only=True)

    p = add_json(sub.add_parser("embed", help="bring the meaning index up to date (the app does this in the background)"))
    p.set_defaults(func=cmd_embed)


def cmd_search(args: argparse.Namespace) -> int:
    filters = SearchFilters(
        kinds=(args.kind,) if args.kind else (), tags=tuple(args.tag), areas=tuple(args.area), stages=tuple(args.stage)
    )
    ws = open_workspace(args)
    load_s = None
    if args.mode != "lexical":
        semantic.catch_up(ws)  # the CLI starts cold: which items have vectors (the demo's ship with it)
        if semantic.ready(ws):
            load_s = semantic.load_model()  # once per process: not the search's own time
    result = search.search(ws, args.text, limit=args.limit, deal_id=args.deal, filters=filters, expert=args.expert,
                           mode=args.mode)  # fmt: skip
    if result.index_problem:
        error(f"the search index cannot be read ({result.index_problem}); `kb reindex` rebuilds it from the database")
        return 1
    if result.notice:  # information, not a failure: the search answered (by words)
        note(f"{result.notice} Run `kb embed` to finish it." if "ready" in result.notice else result.notice)
    if args.json:
        print_json(
            [
                {"id": h.id, "kind": h.kind, "title": h.title, "snippet": h.snippet, "score": round(h.score, 4),
                 "stages": list(h.stages), "stale": h.stale}  # fmt: skip
                for h in result.hits
            ]
        )
        return 0
    if result.suggestion:
        console.print(f"Did you mean: [bold]{result.suggestion}[/]?")
    loading = f"; loading the model took {load_s * 1000:,.0f} ms first" if load_s is not None else ""
    table = Table("#", "kind", "title", "stages", "score",
                  title=f"{plural(len(result.hits), 'result')} in {result.elapsed_ms:.1f} ms ({result.mode}{loading})")
    for h in result.hits:
        stale = " [yellow](stale)[/]" if h.stale else ""
        table.add_row(str(h.rank), h.kind, f"{h.title}{stale}\n[dim]{h.id}[/]", ", ".join(h.stages), f"{h.score:.2f}")
    console.print(table)
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        try:
            n = semantic.prepare(ws, progress)
        except semantic.EmbeddingUnavailable as exc:
            error(f"search stays by words only: {exc}")
            return 1
    status = semantic.status(ws)
    print_json({"embedded": n, "status": status}) if args.json else console.print(f"Embedded {n} items. {status}")
    return 0
