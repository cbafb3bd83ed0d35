"""Content commands: import, export, stats, search, demo, reindex."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.table import Table

from kb.exporters import FORMATS, export_csv, export_pack
from kb.services import file_sync

from indexer.cli.common import add_json, open_workspace
from indexer.cli.output import console, error, print_json, progress_bar
from indexer.engine.results import SearchFilters


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_json(sub.add_parser("import", help="import a content folder, CSV library, BEIR folder or .zip pack"))
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_import)

    p = add_json(sub.add_parser("export", help="export all items as markdown, csv or a pack"))
    p.add_argument("dest", type=Path)
    p.add_argument("--format", choices=FORMATS, default="markdown")
    p.add_argument("--include-archived", action="store_true")
    p.set_defaults(func=cmd_export)

    p = add_json(sub.add_parser("stats", help="counts of items, deals, log entries and gaps"))
    p.set_defaults(func=cmd_stats)

    p = add_json(sub.add_parser("search", help="search the knowledge base"))
    p.add_argument("text")
    p.add_argument("--deal", help="rank items that fit this deal's stage higher")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--kind", choices=("qa", "article"))
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--area", action="append", default=[])
    p.add_argument("--stage", action="append", default=[], help="only items suited to this stage")
    p.add_argument("--expert", action="store_true", help="include drafts")
    p.set_defaults(func=cmd_search)

    p = add_json(sub.add_parser("demo", help="load the demo deals and answer log into this home"))
    p.set_defaults(func=cmd_demo)

    p = add_json(sub.add_parser("reindex", help="rebuild the search index from the database"))
    p.set_defaults(func=cmd_reindex)


def cmd_import(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        report = ws.import_path(args.path, progress)
    if args.json:
        print_json(report.as_dict())
    else:
        console.print(
            f"{report.source} ({report.kind}): {report.loaded} loaded from {report.files} file(s) — "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.errors)} skipped",
            highlight=False,
        )
        for problem in report.errors:
            error(str(problem))
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    records = ws.records(include_archived=args.include_archived)
    dest: Path = args.dest
    skipped: tuple[file_sync.ExportEntry, ...] = ()
    if args.format == "markdown":  # records sync state; never overwrites file edits the app lacks
        with ws.store.session() as s:
            report = file_sync.export_folder(s, dest, include_archived=args.include_archived)
        n, skipped = report.items, report.skipped
    elif args.format == "csv":
        n = export_csv(records, dest if dest.suffix else dest / "answers.csv")
    else:
        n = export_pack(records, dest if dest.suffix else dest.with_suffix(".zip"), ws.home.synonyms_path)
    if args.json:
        print_json({"format": args.format, "dest": str(dest), "items": n,
                    "not_overwritten": [{"path": e.path, "reason": e.detail} for e in skipped]})  # fmt: skip
    else:
        console.print(f"Exported {n} items as {args.format} to {dest}", highlight=False)
        for e in skipped:
            error(f"not overwritten: {e.path} — {e.detail}")
    return 1 if skipped else 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = open_workspace(args).stats()
    if args.json:
        print_json(stats)
        return 0
    table = Table(show_header=False, box=None)
    for key, value in stats.items():
        table.add_row(key, ", ".join(value) if isinstance(value, list) else str(value))
    console.print(table)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    filters = SearchFilters(
        kinds=(args.kind,) if args.kind else (), tags=tuple(args.tag), areas=tuple(args.area), stages=tuple(args.stage)
    )
    result = ws.search(args.text, limit=args.limit, deal_id=args.deal, filters=filters, expert=args.expert)
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
    table = Table("#", "kind", "title", "stages", "score", title=f"{len(result.hits)} results in {result.elapsed_ms:.1f} ms")
    for h in result.hits:
        stale = " [yellow](stale)[/]" if h.stale else ""
        table.add_row(str(h.rank), h.kind, f"{h.title}{stale}\n[dim]{h.id}[/]", ", ".join(h.stages), f"{h.score:.2f}")
    console.print(table)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    report = ws.load_demo()
    if args.json:
        print_json({"deals": report.deals, "log_entries": report.log_entries, "gaps": report.gaps,
                    "errors": [str(e) for e in report.errors]})  # fmt: skip
    else:
        console.print(f"Demo: {report.deals} deals, {report.log_entries} log entries, {report.gaps} gaps")
        for problem in report.errors:
            error(str(problem))
    return 0 if not report.errors else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        n = ws.rebuild_index(progress)
    if args.json:
        print_json({"indexed": n})
    else:
        console.print(f"Indexed {n} items")
    return 0
