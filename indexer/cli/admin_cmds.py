"""Safety commands: back up and restore a home's database."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from indexer.app import content
from indexer.cli.common import add_json, open_workspace
from indexer.cli.output import console, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_json(sub.add_parser("backup", help="copy a consistent snapshot of the database"))
    p.add_argument("dest", nargs="?", type=Path, help="file or folder (default: the home's backups folder)")
    p.set_defaults(func=cmd_backup)
    p = add_json(sub.add_parser("backups", help="list the backups in the home"))
    p.set_defaults(func=cmd_backups, reads_only=True)
    p = add_json(sub.add_parser("restore", help="replace the database with a backup (the current one is kept)"))
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    ws = open_workspace(args)  # a first use creates the database it then backs up
    info = content.backup(ws.home, args.dest)
    if args.json:
        print_json({"path": str(info.path), "size": info.size, "created": info.created})
    else:
        console.print(f"Backed up to {info.path} ({info.size:,} bytes)", highlight=False)
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    rows = content.list_backups(content.Home.resolve(args.home))
    if args.json:
        print_json([{"path": str(b.path), "size": b.size, "created": b.created} for b in rows])
        return 0
    table = Table("created", "size", "file")
    for b in rows:
        table.add_row(f"{b.created:%Y-%m-%d %H:%M:%S}", f"{b.size:,}", str(b.path))
    console.print(table)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    try:
        safety, stats = content.restore_backup(content.Home.resolve(args.home).ensure(), args.file)
    except content.BackupError as exc:
        raise ValueError(str(exc)) from None
    if args.json:
        print_json({"restored": str(args.file), "previous_saved_to": str(safety.path), "stats": stats})
    else:
        console.print(
            f"Restored {args.file}; the previous database is kept at {safety.path}. "
            f"{stats['qa']} Q&A, {stats['articles']} articles, {stats['deals']} deals, {stats['log_entries']} log entries.",
            highlight=False,
        )
    return 0
