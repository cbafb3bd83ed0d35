"""Running plain functions off the GUI thread and getting their results back on it.

Why this shape (STYLE §7): work runs on a ``QThreadPool`` with its signals on a helper ``QObject``
created on the GUI thread, so ``done``/``failed`` are queued back to the GUI thread. Workers never
touch widgets; they call ``kb``/``indexer`` functions and return plain data.

Why ``Task`` is a callable and not a ``QRunnable`` subclass: with PySide6 6.12 the pool's Python
wrapper keeps a reference to every Python ``QRunnable`` it was given — all of them with
auto-delete off, a growing share with it on (measured: 825 of 5,000 still alive, each holding its
arguments and signals object). ``QThreadPool.start(callable)`` has Qt wrap the call in its own
``QRunnable`` (``QRunnable::create``) and leaks nothing (0 of 3,000). ``tests/desktop`` checks it.

Two runners exist in the window: reads on the shared global pool (searches may overlap; stale ones
are dropped by a generation counter), and writes on a private pool of exactly one thread, so
database writes happen one at a time in the order the rep made them.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

#: Progress signals are throttled: an import reports per item and 87k queued events would
#: themselves freeze the GUI thread.
PROGRESS_INTERVAL_S = 0.05


class TaskSignals(QObject):
    """Lives on the GUI thread; emitted from the worker, delivered queued."""

    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int, str)


class Task:
    """Call ``fn(*args, **kwargs)`` on a pool thread; report the result or the error."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False, **kwargs: Any) -> None:
        self.signals = TaskSignals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._last_progress = 0.0
        if with_progress:
            self._kwargs["progress"] = self._progress

    def _progress(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if done == 0 or (total and done >= total) or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.signals.progress.emit(done, total, label)

    def __call__(self) -> None:
        self.run()

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            log.error("background task %s failed:\n%s", getattr(self._fn, "__name__", self._fn), traceback.format_exc())
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(result)


class Runner(QObject):
    """Submits tasks to one pool and keeps their signals alive until the result has arrived.

    Ownership, and why: the pool deletes each runnable after ``run()`` returns (auto-delete), so
    the GUI thread never frees a runnable a worker thread is still leaving. The signals object is
    what must outlive the task until its queued ``done`` is delivered; the runner holds it by a
    key, the connected closures capture only that key (not the task, which through the C++
    connection would make a cycle Python's GC cannot see), and it is released once, afterwards.
    """

    failed = Signal(str)  # any task's error, for the status bar

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._live: dict[int, TaskSignals] = {}
        self._next = 0

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        task = Task(fn, *args, with_progress=on_progress is not None, **kwargs)
        key = self._next = self._next + 1
        signals = self._live[key] = task.signals
        if on_progress is not None:
            signals.progress.connect(on_progress)
        signals.done.connect(lambda result: self._finish(key, on_done, result))
        signals.failed.connect(lambda message: self._fail(key, on_failed, message))
        self.pool.start(task)

    def _release(self, key: int) -> None:
        signals = self._live.pop(key, None)
        if signals is not None:
            signals.deleteLater()  # not now: we are inside one of its signal deliveries

    def _finish(self, key: int, callback: Callable[[Any], None] | None, result: Any) -> None:
        self._release(key)
        if callback is not None:
            callback(result)

    def _fail(self, key: int, callback: Callable[[str], None] | None, message: str) -> None:
        self._release(key)
        if callback is not None:
            callback(message)
        self.failed.emit(message)

    def pending(self) -> int:
        """Tasks submitted whose result has not been delivered yet."""
        return len(self._live)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (used on close, before the workspace is closed)."""
        return self.pool.waitForDone(msecs)


def serial_pool(parent: QObject | None = None) -> QThreadPool:
    """A pool of exactly one thread: the app's single database writer."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)  # keep the thread; writes come in bursts during a call
    return pool
