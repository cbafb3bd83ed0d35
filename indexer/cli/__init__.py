"""``kb``: the Expert Answers command line, a thin layer over the application layer (``indexer.app``).

Each command parses its arguments, calls the same use case the desktop app calls, and prints
(JSON with ``--json``). It holds no logic of its own and never opens a database session.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kb import __version__, faults
from kb.paths import resolve_home

from indexer.app.errors import USER_ERRORS
from indexer.cli import admin_cmds, content_cmds, curation_cmds, journey_cmds, measure_cmds, report_cmds, search_cmds, team_cmds
from indexer.cli.output import error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="Expert Answers knowledge base.")
    parser.add_argument("--home", metavar="DIR", help="data home (default: $EXPERT_ANSWERS_HOME or the user data dir)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    content_cmds.register(sub)
    search_cmds.register(sub)
    journey_cmds.register(sub)
    measure_cmds.register(sub)
    admin_cmds.register(sub)
    report_cmds.register(sub)
    team_cmds.register(sub)
    curation_cmds.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:
        fault = faults.describe(exc, resolve_home(getattr(args, "home", None)))
        if fault is not None:  # a full disk or a read-only home: one line, not a traceback
            error(fault)
            return 3
        if not isinstance(exc, USER_ERRORS):
            raise
        # KeyError's str() wraps the message in quotes; show the message itself.
        error(str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc))
        return 2
    finally:
        for ws in getattr(args, "opened_workspaces", []):
            ws.close()


if __name__ == "__main__":
    sys.exit(main())
