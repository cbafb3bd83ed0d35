"""``kb server init|status|add-member``, ``kb team join|status`` and ``kb sync``: thin wrappers over indexer.app.team_sync."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TypeVar

from rich.progress import Progress

from indexer.app import team_sync as app_sync
from indexer.app.workspace import SEED_NONE
from indexer.cli.common import add_json, open_workspace
from indexer.cli.output import console, print_json

PASSWORD_ENV = "EXPERT_ANSWERS_TEAM_PASSWORD"  # for scripts; otherwise asked without echo
T = TypeVar("T")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    srv = sub.add_parser("server", help="prepare and inspect the team's PostgreSQL server (team admin)")
    cmds = srv.add_subparsers(dest="server_cmd", metavar="COMMAND", required=True)
    p = add_json(cmds.add_parser("init", help="migrate the schema; roles, GRANTs, row-level security, stamping"))
    p.add_argument("url", help="admin URL, e.g. postgresql+psycopg://postgres@host/expertanswers (password: "
                               "PGPASSWORD, ~/.pgpass, or asked)")
    p.set_defaults(func=cmd_init)
    p = add_json(cmds.add_parser("status", help="schema revision, members and row counts"))
    p.add_argument("url")
    p.set_defaults(func=cmd_status)
    p = cmds.add_parser("add-member", help="create a member's own LOGIN role (rep or expert), or change it")
    p.add_argument("url")
    p.add_argument("name")
    p.add_argument("--role", choices=tuple(app_sync.ROLES), required=True)
    p.set_defaults(func=cmd_add_member)
    p = cmds.add_parser("remove-member", help="drop a member's login (what they wrote stays)")
    p.add_argument("url")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove_member)

    team = sub.add_parser("team", help="this laptop's membership of a team server")
    tcmds = team.add_subparsers(dest="team_cmd", metavar="COMMAND", required=True)
    p = tcmds.add_parser("join", help="remember the server and keep the password in a 0600 .pgpass file")
    p.add_argument("url", help="server URL, e.g. postgresql+psycopg://kb.example.com/expertanswers")
    p.add_argument("--as", dest="member", required=True, metavar="NAME")
    p.add_argument("--role", choices=tuple(app_sync.ROLES),
                   help="the role you expect; the server's is used, and a different one is refused")
    p.add_argument("--discard-demo", action="store_true", help="remove the bundled demo content and deals first")
    p.add_argument("--keep-local", action="store_true",
                   help="keep what this home already holds on this laptop only (never sent to the team)")
    p.set_defaults(func=cmd_join)
    p = add_json(tcmds.add_parser("status", help="member, server, online or not, last sync, records waiting to go up"))
    p.set_defaults(func=cmd_team_status)

    p = add_json(sub.add_parser("sync", help="push this laptop's log, gaps, deals and edits; pull published content"))
    p.set_defaults(func=cmd_sync)


def _password(prompt: str) -> str:
    return os.environ.get(PASSWORD_ENV) or getpass.getpass(prompt)


def _as_admin(call: Callable[[str | None], T]) -> T:
    """Run an admin call; when the server asks for a password that PGPASSWORD/.pgpass did not
    give, ask for it once at a terminal (never echoed), else say so in one line."""
    try:
        return call(None)
    except app_sync.AdminPasswordNeeded:
        if not sys.stdin.isatty():
            raise
        return call(getpass.getpass("Admin password: "))


def _show_status(args: argparse.Namespace, st: app_sync.ServerStatus) -> int:
    if args.json:
        print_json(asdict(st))
    else:
        console.print(f"{st.url}  schema {st.revision}  items {st.items}  log entries {st.log_entries}  "
                      f"deals {st.deals}  open gaps {st.open_gaps}  open suggestions {st.open_suggestions}")
        for name, role in st.members.items():
            console.print(f"  {name}: {role}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    return _show_status(args, _as_admin(lambda pw: app_sync.init_server(args.url, pw)))


def cmd_status(args: argparse.Namespace) -> int:
    return _show_status(args, _as_admin(lambda pw: app_sync.server_status(args.url, pw)))


def cmd_add_member(args: argparse.Namespace) -> int:
    password = _password(f"Password for {args.name}: ")
    _as_admin(lambda pw: app_sync.add_member(args.url, args.name, args.role, password, pw))
    console.print(f"{args.name} can now join as {args.role}", highlight=False)
    return 0


def cmd_remove_member(args: argparse.Namespace) -> int:
    _as_admin(lambda pw: app_sync.remove_member(args.url, args.name, pw))
    console.print(f"{args.name} can no longer sign in", highlight=False)
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    ws = open_workspace(args, seed=SEED_NONE)
    in_url = app_sync.url_password(args.url)
    password = in_url or _password(f"Password for {args.member}: ")
    team = app_sync.join(ws, args.url, args.member, args.role, password,
                         discard_demo=args.discard_demo, keep_local=args.keep_local)
    console.print(f"Joined {app_sync.safe_url(team.url)} as {team.member} ({team.role}); the password is kept "
                  "in a mode-0600 file beside the home, never in it", highlight=False)
    if team.note:
        console.print(f"This home: {team.note}", highlight=False)
    return 0


def cmd_team_status(args: argparse.Namespace) -> int:
    ws = open_workspace(args, seed=SEED_NONE)
    st = app_sync.status(ws, probe=True)
    if args.json:
        print_json(asdict(st))
        return 0
    if not st.joined:
        console.print("Not in a team: run `kb team join URL --as NAME`.")
    else:
        when = f"{st.last_sync:%Y-%m-%d %H:%M} UTC" if st.last_sync else "never"
        console.print(f"{st.member} ({st.role}) on {st.url}: {'online' if st.online else 'offline'}, last sync {when}")
    waiting = ", ".join(f"{n} {what}" for what, n in st.pending_up.items() if n) or "nothing"
    console.print(f"Waiting to go up: {waiting}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    ws = open_workspace(args, seed=SEED_NONE)
    with Progress(console=console, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("Sync", total=2)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, description=f"Sync: {label}", completed=done, total=total)

        report, index_seconds = app_sync.sync_home(ws, progress).value
    if args.json:
        print_json({**asdict(report), "index_seconds": index_seconds})
        return 0
    up = ", ".join(f"{n} {what}" for what, n in report.up.items() if n) or "nothing"
    down = ", ".join(f"{n} {what}" for what, n in report.down.items() if n) or "nothing"
    console.print(f"Up: {up}\nDown: {down}\nSearch index updated in {index_seconds:.2f} s")
    if report.conflicts:
        console.print(f"Conflicts queued for the experts: {', '.join(report.conflicts)}")
    for line in report.kept_local:
        console.print(f"Kept on this laptop: {line}", highlight=False)
    return 0
