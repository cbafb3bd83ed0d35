"""Insight reports: ``kb report stages|questions|items|loops|over-time|gaps`` (tables, --json, --csv)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from rich.markup import escape
from rich.table import Table

from indexer.app import answers, insight
from indexer.cli.common import add_json, count, open_workspace
from indexer.cli.output import console, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", help="insight reports on the answer log (tables, --json, --csv FILE)")
    cmds = report.add_subparsers(dest="report_cmd", metavar="REPORT", required=True)
    report.set_defaults(reads_only=True)

    p = _common(cmds.add_parser("stages", help="questions, answered/partial/no-answer and median seconds per stage"))
    _window(p).set_defaults(func=cmd_stages)
    p = _common(cmds.add_parser("questions", help="top questions per stage"))
    p.add_argument("--stage", metavar="KEY", help="one stage only (default: every stage with questions)")
    p.add_argument("--limit", type=count(0), default=10, help="questions per stage (default 10; 0 for all)")
    _window(p).set_defaults(func=cmd_questions)
    p = _common(cmds.add_parser("over-time", help="questions per stage per week or month"))
    p.add_argument("--bucket", choices=insight.BUCKETS, default="week")
    _window(p).set_defaults(func=cmd_over_time)
    p = _common(cmds.add_parser("items", help="most-used and never-used items; stale items still in use"))
    p.add_argument("--limit", type=count(0), default=20, help="most-used items to list (default 20; 0 for all)")
    p.add_argument("--all", action="store_true", help="list every never-used item (default: the first 20)")
    p.set_defaults(func=cmd_items)
    p = _common(cmds.add_parser("loops", help="backward moves per deal and what was asked in the 7 days before"))
    p.set_defaults(func=cmd_loops)
    p = _common(cmds.add_parser("gaps", help="open gaps grouped by similar question: the experts' to-do list"))
    p.add_argument("--status", choices=(*answers.GAP_STATUSES, "all"), default="open")
    p.set_defaults(func=cmd_gaps)


def _common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    add_json(p)
    p.add_argument("--csv", metavar="FILE", help="also write the report to FILE as CSV")
    p.add_argument("--team", action="store_true", help="report over the team server's data (after `kb team join`)")
    return p


def _window(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="questions asked on or after")
    p.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="questions asked before")
    return p


def _run(args: argparse.Namespace, name: str, **options: Any) -> Any:
    data = insight.report(open_workspace(args), name, team=args.team, **options)
    if args.csv:
        n = insight.write_csv(name, data, args.csv)
        print(f"Wrote {n} rows to {args.csv}", file=sys.stderr)
    return data


def _when(value: Any) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d}"


def _pct(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else str(part)


def cmd_stages(args: argparse.Namespace) -> int:
    data = _run(args, "stages", since=args.since, until=args.until)
    if args.json:
        print_json(data)
        return 0
    table = Table("stage", "questions", "answered", "partial", "no answer", "median s", title="Questions per stage")
    for stage, f in data.items():
        median = "—" if f.median_seconds is None else f"{f.median_seconds:.1f}"
        table.add_row(stage, str(f.questions), _pct(f.answered, f.questions), _pct(f.partial, f.questions),
                      _pct(f.no_answer, f.questions), median)  # fmt: skip
    console.print(table)
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    data = _run(args, "questions", stage=args.stage, limit=args.limit or None, since=args.since, until=args.until)
    if args.json:
        print_json(data)
        return 0
    for stage, rows in data.items():
        table = Table("#", "asked", "no answer", "last asked", "question", title=f"Top questions — {stage}")
        for n, q in enumerate(rows, start=1):
            table.add_row(str(n), str(q.count), str(q.no_answer or ""), _when(q.last_asked), escape(q.question))
        console.print(table)
    if not data:
        console.print("No questions logged yet.")
    return 0


def cmd_over_time(args: argparse.Namespace) -> int:
    data = _run(args, "over-time", bucket=args.bucket, since=args.since, until=args.until)
    if args.json:
        print_json([{"period_start": start, "counts": counts} for start, counts in data])
        return 0
    stages = list(data[0][1]) if data else []
    peak = max((sum(c.values()) for _, c in data), default=0)
    table = Table(args.bucket, *stages, "total", "", title=f"Questions per stage per {args.bucket}")
    for start, counts in data:
        total = sum(counts.values())
        bar = "█" * round(20 * total / peak) if peak else ""
        table.add_row(f"{start:%Y-%m-%d}", *(str(counts[s] or "·") for s in stages), str(total), bar)
    console.print(table)
    return 0


def cmd_items(args: argparse.Namespace) -> int:
    data = _run(args, "items", limit=args.limit or None)
    if args.json:
        print_json(data)
        return 0
    table = Table("uses", "last used", "item", title="Most-used items")
    for u in data.most_used:
        flag = " [yellow](stale)[/]" if u.stale else " [red](deleted)[/]" if u.status == "deleted" else ""
        table.add_row(str(u.uses), _when(u.last_used), f"{escape(u.title or u.item_id)}{flag}\n[dim]{u.item_id}[/]")
    console.print(table)
    table = Table("uses", "last used", "review due", "item",
                  title=f"Stale items used since {data.window_start:%Y-%m-%d}")  # fmt: skip
    for u in data.stale_in_use:
        due = _when(u.review_due) if u.review_due else "never verified"
        table.add_row(str(u.recent_uses), _when(u.last_used), due, f"{escape(u.title)}\n[dim]{u.item_id}[/]")
    console.print(table)
    never = data.never_used if args.all else data.never_used[:20]
    more = "" if len(never) == len(data.never_used) else f" (first {len(never)}; --all for every one)"
    table = Table("kind", "item", title=f"{len(data.never_used)} published items never used{more}")
    for u in never:
        table.add_row(u.kind, f"{escape(u.title)}\n[dim]{u.item_id}[/]")
    console.print(table)
    return 0


def cmd_loops(args: argparse.Namespace) -> int:
    data = _run(args, "loops")
    if args.json:
        print_json(data)
        return 0
    if not data:
        console.print("No deal has moved back a stage.")
    for d in data:
        console.print(f"[bold]{escape(d.name)}[/] ({d.deal_id}) — {d.status}, now {d.stage}", highlight=False)
        for m in d.moves:
            line = f"  {m.at:%Y-%m-%d} {m.from_stage} [red]↩ back[/] {m.to_stage}  {escape(m.note)}"
            console.print(line, highlight=False)
            for q in m.questions:
                line = f"      [dim]{q.at:%Y-%m-%d} {q.stage} ({q.outcome})[/] {escape(q.question)}"
                console.print(line, highlight=False)
            if not m.questions:
                console.print(f"      [dim]no questions logged in the {insight.LOOP_LOOKBACK_DAYS} days before[/]")
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    data = _run(args, "gaps", status=None if args.status == "all" else args.status)
    if args.json:
        print_json(data)
        return 0
    table = Table("gaps", "question", "stages", "newest", "gap ids", title=f"Gaps ({args.status}) by question")
    for g in data:
        question = escape(g.question) + "".join(f"\n[dim]· {escape(w)}[/]" for w in g.wordings if w != g.question)
        stages = ", ".join(f"{s} {n}" for s, n in g.stages.items())
        table.add_row(str(g.count), question, stages, _when(g.newest), " ".join(map(str, g.gap_ids)))
    console.print(table)
    return 0
