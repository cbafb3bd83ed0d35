"""Answer-log writes that survive a full or read-only disk: kept in memory and retried.

A rep logs mid-call; if the write fails (disk full, home on a read-only or vanished drive), the
entry must not be lost or block the rep. It is kept here, with the time it was logged, retried
on a timer, and the status bar says so until it is stored. An entry the application layer
refuses (an unknown deal or item: a ``ValueError``) is not a storage fault; retrying it would
never succeed, so it is reported once through the writer's ``failed`` and dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.workers import describe

RETRY_MS = 15_000


class LogQueue(QObject):
    """Submits log writes to the serial writer; failed ones wait in memory for the next retry."""

    saved = Signal(object)  # the LogRecord
    waiting = Signal(int, str)  # entries kept in memory, the last error

    def __init__(self, writer: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = writer
        self._unsaved: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self.retry)

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("at", datetime.now(timezone.utc).replace(tzinfo=None))  # when it was asked
        self._writer.submit(fn, *args, on_done=self.saved.emit,
                            on_failed=lambda exc: self._keep(fn, args, kwargs, exc), **kwargs)  # fmt: skip

    def pending(self) -> int:
        return len(self._unsaved)

    def retry(self) -> None:
        batch, self._unsaved = self._unsaved, []
        if not batch:
            self._timer.stop()
        for fn, args, kwargs in batch:
            self.submit(fn, *args, **kwargs)

    def _keep(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], exc: BaseException) -> None:
        if isinstance(exc, ValueError):
            return  # refused, not failed: the status bar already shows the writer's message
        self._unsaved.append((fn, args, kwargs))
        self._timer.start()
        self.waiting.emit(len(self._unsaved), describe(exc))
