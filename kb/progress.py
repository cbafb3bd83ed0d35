"""The one progress-callback shape shared by imports, index builds, the CLI bar and the Qt bar."""

from __future__ import annotations

import threading
from typing import Callable

#: ``progress(done, total, label)``; ``total`` is 0 when unknown.
ProgressFn = Callable[[int, int, str], None]


def no_progress(done: int, total: int, label: str) -> None:
    """Default sink for callers that show nothing."""


class Cancelled(Exception):
    """Raised from a progress callback to stop long work; the work's transaction rolls back."""


def cancellable(progress: ProgressFn, cancel: threading.Event) -> ProgressFn:
    """``progress`` that raises :class:`Cancelled` once ``cancel`` is set.

    Why through the progress callback: every long job (import, index build, embedding) already
    calls it between units of work, so a cancel is noticed within one unit without a second channel.
    """

    def report(done: int, total: int, label: str) -> None:
        if cancel.is_set():
            raise Cancelled(label)
        progress(done, total, label)

    return report
