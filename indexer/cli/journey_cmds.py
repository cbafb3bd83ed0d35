"""Buyer-journey commands: deals and their stages, the answer log, and the gap queue."""

from __future__ import annotations

import argparse
import sys
import dataclasses
from datetime import date, datetime
from pathlib import Path

from rich.table import Table

from indexer.app import answers, crm, journey
from indexer.app.actors import current_actor
from indexer.app.journey import DealRecord
from indexer.cli.common import add_json, count, open_workspace
from indexer.cli.output import console, print_json, problems, progress_bar


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    deal = sub.add_parser("deal", help="deals and their journey stages").add_subparsers(dest="deal_cmd", required=True)
    p = add_json(deal.add_parser("create", help="create a deal; prints its id"))
    p.add_argument("name")
    p.add_argument("--account", default="")
    p.add_argument("--owner", default="")
    p.add_argument("--stage", help="starting stage (default: the first)")
    p.set_defaults(func=cmd_deal_create)
    p = add_json(deal.add_parser("stage", help="move a deal to a stage, forward or back"))
    p.add_argument("id")
    p.add_argument("stage")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_deal_stage)
    p = add_json(deal.add_parser("status", help="mark a deal open, won (enters results) or lost (enters win-back)"))
    p.add_argument("id")
    p.add_argument("status", choices=journey.DEAL_STATUSES)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_deal_status)
    p = add_json(deal.add_parser("stakeholder", help="add a stakeholder with a role"))
    p.add_argument("id")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=journey.ROLES)
    p.set_defaults(func=cmd_deal_stakeholder)
    p = add_json(deal.add_parser("list", help="list deals"))
    p.add_argument("--status", choices=journey.DEAL_STATUSES)
    p.set_defaults(func=cmd_deal_list, reads_only=True)
    p = add_json(deal.add_parser("show", help="a deal with its stage history"))
    p.add_argument("id")
    p.set_defaults(func=cmd_deal_show, reads_only=True)
    p = add_json(deal.add_parser("import", help="deals from a Salesforce or HubSpot export (re-import updates them)"))
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--mapping", type=Path, metavar="FILE.toml",
                   help="CRM stage -> journey stage (default: crm_stages.toml in the home)")
    p.set_defaults(func=cmd_deal_import)

    log = sub.add_parser("log", help="the answer log").add_subparsers(dest="log_cmd", required=True)
    p = add_json(log.add_parser("add", help="log a question (no deal: stage 'unknown'; no item: a gap)"))
    p.add_argument("--deal")
    p.add_argument("--question", required=True)
    p.add_argument("--item", action="append", default=[], help="item used (repeatable)")
    p.add_argument("--outcome", choices=answers.OUTCOMES)
    p.add_argument("--role", choices=journey.ROLES)
    p.add_argument("--rank", type=int)
    p.add_argument("--seconds", type=float)
    p.add_argument("--as", "--rep", dest="actor_name", metavar="NAME",
                   help="the rep who logs it (default: $EXPERT_ANSWERS_USER or the OS user)")
    p.set_defaults(func=cmd_log_add)
    p = add_json(log.add_parser("export", help="answered questions as CRM activities (CSV)"))
    p.add_argument("--format", choices=("crm-csv",), default="crm-csv")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    p.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_log_export)
    p = add_json(log.add_parser("list", help="newest entries first"))
    p.add_argument("--deal")
    p.add_argument("--limit", type=count(), default=50)
    p.set_defaults(func=cmd_log_list, reads_only=True)

    p = add_json(sub.add_parser("gaps", help="questions with no good answer, for the experts"))
    p.add_argument("--status", choices=(*answers.GAP_STATUSES, "all"), default="open")
    p.set_defaults(func=cmd_gaps, reads_only=True)


def _deal_json(d: DealRecord) -> dict[str, object]:
    data = dataclasses.asdict(d)
    data["history"] = [
        {"from": e.from_stage, "to": e.to_stage, "at": e.at, "note": e.note, "status": e.status, "backward": e.backward}
        for e in d.history
    ]
    data["stakeholders"] = [{"name": n, "role": r} for n, r in d.stakeholders]
    return data


def _print_deal(d: DealRecord) -> None:
    console.print(f"[bold]{d.name}[/] ({d.id}) — {d.account}, {d.status}, stage [bold]{d.stage}[/]", highlight=False)
    for e in d.history:
        arrow = "[red]↩ back[/]" if e.backward else "→"
        status = f" [{e.status}]" if e.status and e.from_stage else ""
        console.print(f"  {e.at:%Y-%m-%d} {e.from_stage or '·'} {arrow} {e.to_stage}{status}  {e.note}", highlight=False)


def _show(args: argparse.Namespace, d: DealRecord) -> int:
    print_json(_deal_json(d)) if args.json else _print_deal(d)
    return 0


def cmd_deal_create(args: argparse.Namespace) -> int:
    d = journey.create_deal(open_workspace(args), args.name, account=args.account, owner=args.owner,
                            stage=args.stage).value  # fmt: skip
    print_json(_deal_json(d)) if args.json else print(d.id)
    return 0


def cmd_deal_stage(args: argparse.Namespace) -> int:
    return _show(args, journey.move_stage(open_workspace(args), args.id, args.stage, args.note).value)


def cmd_deal_status(args: argparse.Namespace) -> int:
    return _show(args, journey.set_status(open_workspace(args), args.id, args.status, args.note).value)


def cmd_deal_stakeholder(args: argparse.Namespace) -> int:
    return _show(args, journey.add_stakeholder(open_workspace(args), args.id, args.name, args.role).value)


def cmd_deal_list(args: argparse.Namespace) -> int:
    rows = journey.list_deals(open_workspace(args), args.status)
    if args.json:
        print_json([{k: v for k, v in _deal_json(d).items() if k != "history"} for d in rows])
        return 0
    table = Table("id", "name", "account", "status", "stage", "moves back")
    table.columns[0].no_wrap = True  # every other command needs the id whole: the other columns wrap
    table.columns[0].min_width = max((len(d.id) for d in rows), default=2)
    for d in rows:
        table.add_row(d.id, d.name, d.account, d.status, d.stage, str(sum(e.backward for e in d.history)))
    console.print(table)
    return 0


def cmd_deal_show(args: argparse.Namespace) -> int:
    detail = journey.deal_detail(open_workspace(args), args.id)
    if args.json:
        print_json({**_deal_json(detail.deal), "timeline": detail.timeline})
        return 0
    _print_deal(detail.deal)
    questions = [e for e in detail.timeline if e.kind == "question"]
    if questions:
        console.print(f"  {len(questions)} questions logged:", highlight=False)
    for e in questions:
        console.print(f"  {e.at:%Y-%m-%d} [{e.stage}] {e.text} ({e.detail})", highlight=False)
    return 0


def cmd_deal_import(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    with progress_bar(enabled=sys.stderr.isatty() and not args.json) as progress:
        report = crm.import_crm_deals(ws, args.file, mapping=args.mapping, progress=progress).value
    if args.json:
        print_json(report.as_dict())
    else:
        console.print(
            f"{report.source} ({report.crm}): {report.created} new, {report.updated} updated "
            f"({report.moved} stage moves, {report.moved_back} back), {report.unchanged} unchanged, "
            f"{len(report.errors)} skipped", highlight=False,
        )  # fmt: skip
        for note in report.notes:
            console.print(f"note: {note}", highlight=False)
        problems(report.errors, ws.home.root / "logs", "deal-import-problems")
    return 0 if report.ok else 1


def cmd_log_export(args: argparse.Namespace) -> int:
    since = datetime.combine(args.since, datetime.min.time()) if args.since else None
    n = crm.export_activities(open_workspace(args), args.out, since=since)
    print_json({"format": args.format, "out": str(args.out), "activities": n}) if args.json else console.print(
        f"Wrote {n} activities to {args.out}", highlight=False)  # fmt: skip
    return 0


def cmd_log_add(args: argparse.Namespace) -> int:
    ws = open_workspace(args)
    entry = answers.log_question(
        ws, current_actor(args.actor_name, ws=ws), args.question, deal_id=args.deal, item_ids=args.item,
        outcome=args.outcome, role=args.role, rank=args.rank, seconds=args.seconds,
    ).value  # fmt: skip
    if args.json:
        print_json(entry)
    else:
        gap = f"; gap #{entry.gap_id} filed" if entry.gap_id else ""
        console.print(f"Logged #{entry.id} at stage {entry.stage} ({entry.outcome}){gap}", highlight=False)
    return 0


def cmd_log_list(args: argparse.Namespace) -> int:
    rows = answers.list_log(open_workspace(args), deal_id=args.deal, limit=args.limit)
    if args.json:
        print_json(rows)
        return 0
    table = Table("#", "when", "deal", "stage", "outcome", "question", "items")
    for e in rows:
        table.add_row(str(e.id), f"{e.at:%Y-%m-%d %H:%M}", e.deal_id or "—", e.stage, e.outcome, e.question,
                      ", ".join(e.item_ids))  # fmt: skip
    console.print(table)
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    rows = answers.list_gaps(open_workspace(args), None if args.status == "all" else args.status)
    if args.json:
        print_json(rows)
        return 0
    table = Table("#", "raised", "stage", "deal", "status", "question")
    for g in rows:
        table.add_row(str(g.id), f"{g.created_at:%Y-%m-%d}", g.stage, g.deal_id or "—", g.status, g.question)
    console.print(table)
    return 0
