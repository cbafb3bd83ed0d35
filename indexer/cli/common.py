"""Helpers every command group shares: the ``--json`` flag and opening the workspace."""

from __future__ import annotations

import argparse
import sys

from indexer.app.content import SEED_CONTENT, open_home
from indexer.app.workspace import Workspace
from indexer.cli.output import progress_bar


def add_json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def open_workspace(args: argparse.Namespace, *, seed: str = SEED_CONTENT) -> Workspace:
    """Open the home; first use imports the bundled content with a progress bar on stderr."""
    with progress_bar(enabled=sys.stderr.isatty()) as progress:
        ws = open_home(args.home, seed=seed, progress=progress)
    for notice in ws.notices:
        print(notice, file=sys.stderr)
    args.__dict__.setdefault("opened_workspaces", []).append(ws)  # closed by main() on the way out
    return ws
