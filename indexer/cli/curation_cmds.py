"""Curation commands: item history and status, the stale list, the suggestion queue, gap answers and
content-folder sync. Writes act as ``--as NAME --role rep|expert`` (default: $EXPERT_ANSWERS_USER or
the OS user, as $EXPERT_ANSWERS_ROLE or rep, as in the app); a rep's edit is refused by the core, not here.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import date
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from indexer.app import journey
from indexer.app.actors import ROLES, current_actor
from indexer.app.curation import SUGGESTION_STATUSES, Curation, ItemRecord, StaleItem, SuggestionRecord, to_markdown
from indexer.cli.common import add_json, open_workspace
from indexer.cli.output import console, error, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    item = sub.add_parser("item", help="one item: show, history, diff, restore, verify, status, save, suggest")
    cmds = item.add_subparsers(dest="item_cmd", metavar="ACTION", required=True)
    p = add_json(cmds.add_parser("show", help="an item as Markdown (optionally an old version)"))
    p.add_argument("id")
    p.add_argument("--version", type=int)
    p.set_defaults(func=cmd_show)
    p = add_json(cmds.add_parser("versions", help="every saved version: who and when"))
    p.add_argument("id")
    p.set_defaults(func=cmd_versions)
    p = add_json(cmds.add_parser("diff", help="unified diff of version A → B (default: the current one)"))
    p.add_argument("id")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int, nargs="?")
    p.set_defaults(func=cmd_diff)
    p = _writer(cmds.add_parser("restore", help="save a new version with the content of an old one"))
    p.add_argument("id")
    p.add_argument("version", type=int)
    p.set_defaults(func=cmd_restore)
    p = _writer(cmds.add_parser("verify", help="stamp verified_on (default today)"))
    p.add_argument("id")
    p.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_verify)
    for name, status in (("archive", "archived"), ("publish", "published"), ("unpublish", "draft")):
        p = _writer(cmds.add_parser(name, help=f"set the status to {status}"))
        p.add_argument("id")
        p.set_defaults(func=cmd_status, status=status)
    p = _writer(cmds.add_parser("save", help="save an item from a Markdown file (experts)"))
    p.add_argument("file", type=Path)
    p.add_argument("--base-version", type=int, help="refuse if the item moved past this version")
    p.add_argument("--new", action="store_true", help="a new item: refuse if its id is already in use")
    p.set_defaults(func=cmd_save)
    p = _writer(cmds.add_parser("suggest", help="queue an edit or new item from a Markdown file for the experts"))
    p.add_argument("file", type=Path)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_suggest)

    p = add_json(sub.add_parser("stale", help="items overdue for review, oldest first"))
    p.add_argument("--owner")
    p.set_defaults(func=cmd_stale, reads_only=True)

    p = add_json(sub.add_parser("suggestions", help="the experts' queue of suggested edits"))
    p.add_argument("--status", choices=(*SUGGESTION_STATUSES, "all"), default="open")
    p.add_argument("--item", help="only suggestions for this item")
    p.set_defaults(func=cmd_suggestions, reads_only=True)
    sug = sub.add_parser("suggestion", help="show, accept or reject one suggestion")
    scmds = sug.add_subparsers(dest="suggestion_cmd", metavar="ACTION", required=True)
    p = add_json(scmds.add_parser("show", help="a suggestion with its diff against the current item"))
    p.add_argument("n", type=int)
    p.set_defaults(func=cmd_suggestion_show)
    p = _writer(scmds.add_parser("accept", help="apply it as a versioned save (experts)"))
    p.add_argument("n", type=int)
    p.add_argument("--note", default="")
    p.add_argument("--force", action="store_true", help="accept even though the item changed since")
    p.set_defaults(func=cmd_accept)
    p = _writer(scmds.add_parser("reject", help="close it without applying (experts)"))
    p.add_argument("n", type=int)
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_reject)

    gap = sub.add_parser("gap", help="answer a gap from the queue")
    gcmds = gap.add_subparsers(dest="gap_cmd", metavar="ACTION", required=True)
    p = add_json(gcmds.add_parser("draft", help="print a pre-filled Q&A for the gap (edit it, then `gap answer`)"))
    p.add_argument("n", type=int)
    p.set_defaults(func=cmd_gap_draft)
    p = _writer(gcmds.add_parser("answer", help="save the answer from a Markdown file and close the gap"))
    p.add_argument("n", type=int)
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_gap_answer)

    p = _writer(gcmds.add_parser("dismiss", help="close gaps that need no item (e.g. a whole group from `kb report gaps`)"))
    p.add_argument("n", type=int, nargs="+")
    p.set_defaults(func=cmd_gap_dismiss)

    p = _writer(sub.add_parser("sync-files", help="import changes from a Markdown content folder; conflicts are kept"))
    p.add_argument("dir", type=Path)
    p.set_defaults(func=cmd_sync_files)


def _writer(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    add_json(p)
    p.add_argument("--as", dest="actor_name", metavar="NAME",
                   help="who is acting (default: the team member this home joined as, else "
                        "$EXPERT_ANSWERS_USER or the OS user)")
    p.add_argument("--role", choices=ROLES,
                   help="rep or expert (default: the joined member's, else $EXPERT_ANSWERS_ROLE or rep)")
    return p


def _curation(args: argparse.Namespace) -> Curation:
    ws = open_workspace(args)
    return Curation(ws, current_actor(getattr(args, "actor_name", None), getattr(args, "role", None), ws))


def _saved(args: argparse.Namespace, record: ItemRecord, verb: str) -> int:
    if args.json:
        print_json(record)
    else:
        console.print(f"{verb} {escape(record.id)} (v{record.version}, {record.status})", highlight=False)
    return 0


# -- item ---------------------------------------------------------------------------------------------
def cmd_show(args: argparse.Namespace) -> int:
    record = _curation(args).item(args.id, args.version)
    if args.json:
        print_json({**dataclasses.asdict(record), "stale": record.is_stale(), "review_due": record.review_due()})
    else:
        sys.stdout.write(to_markdown(record))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    rows = _curation(args).history(args.id)
    if args.json:
        print_json(rows)
        return 0
    table = Table("version", "saved", "by", "status", "title")
    for v in rows:
        mark = " (current)" if v.current else ""
        table.add_row(f"{v.version}{mark}", f"{v.saved_at:%Y-%m-%d %H:%M}", escape(v.saved_by or "—"), v.status,
                      escape(v.title))  # fmt: skip
    console.print(table)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    text = _curation(args).diff(args.id, args.a, args.b)
    if args.json:
        print_json({"id": args.id, "a": args.a, "b": args.b, "diff": text})
    else:
        sys.stdout.write(text or "(no differences)\n")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    return _saved(args, _curation(args).restore(args.id, args.version).value, f"Restored v{args.version} of")


def cmd_verify(args: argparse.Namespace) -> int:
    return _saved(args, _curation(args).verify(args.id, args.on).value, "Verified")


def cmd_status(args: argparse.Namespace) -> int:
    return _saved(args, _curation(args).set_status(args.id, args.status).value, "Saved")


def cmd_save(args: argparse.Namespace) -> int:
    cur = _curation(args)
    saved = cur.save(cur.load_file(args.file), base_version=args.base_version, new=args.new)
    return _saved(args, saved.value, "Saved")


def cmd_suggest(args: argparse.Namespace) -> int:
    cur = _curation(args)
    sug = cur.suggest(cur.load_file(args.file), args.note).value
    if args.json:
        print_json(sug)
    else:
        console.print(f"Suggestion #{sug.id} for {escape(sug.proposed.id)} queued for the experts", highlight=False)
    return 0


# -- stale ----------------------------------------------------------------------------------------
def _stale_json(s: StaleItem) -> dict[str, object]:
    r = s.record
    return {"id": r.id, "title": r.title, "owner": r.owner, "status": r.status, "verified_on": r.verified_on,
            "review_due": s.due, "days_overdue": s.days_overdue}  # fmt: skip


def cmd_stale(args: argparse.Namespace) -> int:
    rows = _curation(args).stale(args.owner)
    if args.json:
        print_json([_stale_json(s) for s in rows])
        return 0
    table = Table("id", "owner", "verified", "due", "overdue", "title", title=f"{len(rows)} items to review")
    for s in rows:
        overdue = f"{s.days_overdue} d" if s.days_overdue is not None else "never verified"
        table.add_row(escape(s.id), escape(s.record.owner or "—"), str(s.record.verified_on or "—"),
                      str(s.due or "—"), overdue, escape(s.record.title))  # fmt: skip
    console.print(table)
    return 0


# -- suggestions ----------------------------------------------------------------------------------
def _suggestion_json(s: SuggestionRecord) -> dict[str, object]:
    data = dataclasses.asdict(s)
    internal = ("version", "created_at", "updated_at", "source")
    data["proposed"] = {k: v for k, v in data["proposed"].items() if k not in internal}
    data["new_item"] = s.is_new_item
    return data


def cmd_suggestions(args: argparse.Namespace) -> int:
    rows = _curation(args).queue(None if args.status == "all" else args.status, args.item)
    if args.json:
        print_json([_suggestion_json(s) for s in rows])
        return 0
    table = Table("#", "when", "by", "item", "status", "note", title=f"{len(rows)} suggestions")
    for s in rows:
        item = f"{s.proposed.id} (new)" if s.is_new_item else s.proposed.id
        table.add_row(str(s.id), f"{s.at:%Y-%m-%d %H:%M}", escape(s.by), escape(item), s.status, escape(s.note))
    console.print(table)
    return 0


def cmd_suggestion_show(args: argparse.Namespace) -> int:
    cur = _curation(args)
    sug, diff = cur.suggestion(args.n), cur.suggestion_diff(args.n)
    if args.json:
        print_json({**_suggestion_json(sug), "diff": diff})
        return 0
    console.print(f"Suggestion #{sug.id} by {escape(sug.by)} ({sug.status}): {escape(sug.note)}", highlight=False)
    sys.stdout.write(diff or "(no differences)\n")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    sug, record = _curation(args).accept(args.n, note=args.note, force=args.force).value
    if args.json:
        print_json({"suggestion": _suggestion_json(sug), "item": record})
        return 0
    return _saved(args, record, f"Accepted #{sug.id}: saved")


def cmd_reject(args: argparse.Namespace) -> int:
    sug = _curation(args).reject(args.n, note=args.note).value
    if args.json:
        print_json(_suggestion_json(sug))
    else:
        console.print(f"Rejected #{sug.id}", highlight=False)
    return 0


# -- gaps -----------------------------------------------------------------------------------------
def cmd_gap_draft(args: argparse.Namespace) -> int:
    draft = _curation(args).gap_draft(args.n)
    if args.json:
        print_json(draft)
    else:
        sys.stdout.write(to_markdown(draft))
    return 0


def cmd_gap_answer(args: argparse.Namespace) -> int:
    cur = _curation(args)
    return _saved(args, cur.answer_gap(args.n, cur.load_file(args.file)).value, f"Gap #{args.n} answered by")


def cmd_gap_dismiss(args: argparse.Namespace) -> int:
    cur = _curation(args)
    n = journey.dismiss_gaps(cur.ws, tuple(args.n), cur.actor).value
    if args.json:
        print_json({"dismissed": list(args.n)})
    else:
        console.print(f"Dismissed {n} gap(s)", highlight=False)
    return 0


# -- files ----------------------------------------------------------------------------------------
def cmd_sync_files(args: argparse.Namespace) -> int:
    report = _curation(args).sync_files(args.dir).value
    if args.json:
        print_json({"root": report.root, "entries": report.entries, "errors": report.errors,
                    "counts": {a: report.count(a) for a in ("created", "updated", "merged", "unchanged", "behind",
                                                            "conflict", "missing")}})  # fmt: skip
        return 0 if report.ok else 1
    counts = ", ".join(f"{report.count(a)} {a}" for a in ("created", "updated", "merged", "unchanged", "behind"))
    console.print(f"{report.root}: {counts}", highlight=False)
    for e in report.entries:
        if e.action in ("merged", "behind", "missing"):
            console.print(f"  {e.action}: {escape(e.path)} — {escape(e.detail)}", highlight=False)
    for e in report.conflicts:
        error(f"conflict: {e.path} — {e.detail}")
    for problem in report.errors:
        error(problem)
    return 0 if report.ok else 1
