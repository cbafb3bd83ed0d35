"""Printing for the CLI: JSON for scripts, rich tables for people, a progress bar on stderr."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kb.progress import ProgressFn

console = Console()
err_console = Console(stderr=True)


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)


def note(message: str) -> None:
    """Something to know about a command that succeeded (stderr, so --json output stays clean)."""
    err_console.print(f"[dim]note:[/] {message}", highlight=False)


#: Problems listed on the terminal; the rest are counted and written to a file in full.
MAX_LISTED = 20


def problems(items: Sequence[object], folder: Path, what: str = "problems") -> Path | None:
    """Print the first :data:`MAX_LISTED` problems, then a count and a file holding them all
    (a 20,000-entry zip used to print 20,000 lines). Returns that file, if one was written."""
    for item in items[:MAX_LISTED]:
        error(str(item))
    if len(items) <= MAX_LISTED:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{what}-{datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text("".join(f"{item}\n" for item in items), encoding="utf-8")
    error(f"… and {len(items) - MAX_LISTED:,} more; all {len(items):,} are listed in {path}")
    return path


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressFn]:
    """A ProgressFn that drives a rich bar on stderr (stdout stays clean for ``--json``)."""
    if not enabled:
        yield lambda done, total, label: None
        return
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    )  # fmt: skip
    tasks: dict[str, Any] = {}

    def update(done: int, total: int, label: str) -> None:
        key = label.split(" ")[0]
        if key not in tasks:
            tasks[key] = bar.add_task(label, total=total or None)
        bar.update(tasks[key], completed=done, total=total or None, description=label)

    with bar:
        yield update
