"""The one progress-callback shape shared by imports, index builds, the CLI bar and the Qt bar."""

from __future__ import annotations

from typing import Callable

#: ``progress(done, total, label)``; ``total`` is 0 when unknown.
ProgressFn = Callable[[int, int, str], None]


def no_progress(done: int, total: int, label: str) -> None:
    """Default sink for callers that show nothing."""
