"""Content commands: import, export, stats, demo, reindex."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from rich.table import Table

from indexer.app import content
from indexer.app.content import FORMATS
from indexer.app.documents import DocumentReport
from indexer.cli.common import add_json, open_workspace
from indexer.cli.output import MAX_LISTED, console, error, print_json, problems, progress_bar


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    what = ("import a content folder, CSV library, BEIR folder, .zip pack, or documents "
            "(PDF, DOCX, PPTX, XLSX, HTML, .eml/.mbox threads, RFP libraries)")
    p = add_json(sub.add_parser("import", help=what))
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_import)

    p = add_json(sub.add_parser("export", help="export all items as markdown, csv or a pack"))
    p.add_argument("dest", type=Path)
    p.add_argument("--format", choices=FORMATS, default="markdown")
    p.add_argument("--include-archived", action="store_true")
    p.set_defaults(func=cmd_export)

    p = add_json(sub.add_parser("stats", help="counts of items, deals, log entries and gaps"))
    p.set_defaults(func=cmd_stats, reads_only=True)

    p = add_json(sub.add_parser("demo", help="load the demo deals and answer log into this home"))
    p.set_defaults(func=cmd_demo)

    p = add_json(sub.add_parser("reindex", help="rebuild the search index from the database"))
    p.set_defaults(func=cmd_reindex)


def cmd_import(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        report = content.import_content(ws, args.path, progress).value
    if args.json:
        print_json(report.as_dict())
    elif isinstance(report, DocumentReport):
        _print_document_report(report, ws.home.root / "logs")
    else:
        console.print(
            f"{report.source} ({report.kind}): {report.loaded} loaded from {report.files} file(s) — "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.errors)} skipped",
            highlight=False,
        )
        problems(report.errors, ws.home.root / "logs", "import-problems")
    return 0 if report.ok else 1


def _print_document_report(report: DocumentReport, logs: Path) -> None:
    """The same lines the app's import dialog shows; a long report is written to ``logs`` whole."""
    shown = report.lines(MAX_LISTED)
    for line in shown:
        if line.startswith("  ✗"):
            error(line.strip(" ✗"))  # on stderr, like every other import problem
        else:
            console.print(line, highlight=False)
    if len(shown) != len(report.lines()) or shown != report.lines():
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"import-report-{datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
        console.print(f"The whole report: {path}", highlight=False)


def cmd_export(args: argparse.Namespace) -> int:
    result = content.export_content(open_workspace(args), args.dest, args.format, include_archived=args.include_archived)
    dest, n, skipped = result.dest, result.items, result.not_overwritten
    if args.json:
        print_json({"format": args.format, "dest": str(dest), "items": n,
                    "not_overwritten": [{"path": e.path, "reason": e.detail} for e in skipped]})  # fmt: skip
    else:
        console.print(f"Exported {n} items as {args.format} to {dest}", highlight=False)
        for e in skipped:
            error(f"not overwritten: {e.path} — {e.detail}")
    return 1 if skipped else 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = content.stats(open_workspace(args))
    if args.json:
        print_json(stats)
        return 0
    table = Table(show_header=False, box=None)
    for key, value in stats.items():
        table.add_row(key, ", ".join(value) if isinstance(value, list) else str(value))
    console.print(table)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    report = content.load_demo(ws).value
    if args.json:
        print_json({"deals": report.deals, "log_entries": report.log_entries, "gaps": report.gaps,
                    "errors": [str(e) for e in report.errors]})  # fmt: skip
    else:
        console.print(f"Demo: {report.deals} deals, {report.log_entries} log entries, {report.gaps} gaps")
        problems(report.errors, ws.home.root / "logs", "demo-problems")
    return 0 if not report.errors else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        n = content.rebuild_index(ws, progress).value
    if args.json:
        print_json({"indexed": n})
    else:
        console.print(f"Indexed {n} items")
    return 0
