"""Helpers every command group shares: the ``--json`` flag and opening the workspace."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from kb.paths import HOME_ENV, resolve_home

from indexer.app.content import SEED_CONTENT, open_home
from indexer.app.workspace import Workspace
from indexer.cli.output import progress_bar


def count(minimum: int = 1) -> Callable[[str], int]:
    """An argparse type for a whole number of at least ``minimum`` (``--limit -3`` is refused)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: at least {minimum}")
        return value
    return parse


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def add_json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def open_workspace(args: argparse.Namespace, *, seed: str = SEED_CONTENT) -> Workspace:
    """Open the home; first use imports the bundled content with a progress bar on stderr.

    A command that only reads (``stats``, ``search``, lists and reports), pointed at a home that
    does not exist (a typo in ``--home``), says so instead of creating one full of demo content."""
    explicit = args.home or os.environ.get(HOME_ENV)
    if getattr(args, "reads_only", False) and explicit and not resolve_home(explicit).exists():
        raise FileNotFoundError(f"no data home at {resolve_home(explicit)}: check --home (or $EXPERT_ANSWERS_HOME); "
                                "`kb import PATH` or the app creates one")
    with progress_bar(enabled=sys.stderr.isatty()) as progress:
        ws = open_home(args.home, seed=seed, progress=progress)
    for notice in ws.notices:
        print(notice, file=sys.stderr)
    args.__dict__.setdefault("opened_workspaces", []).append(ws)  # closed by main() on the way out
    return ws
