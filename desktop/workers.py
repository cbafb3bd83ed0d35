"""Running plain functions off the GUI thread and getting their results back on it.

Why this shape (STYLE §7): each task's signals live on a helper ``QObject`` created on the GUI
thread, so ``done``/``failed`` are queued back to the GUI thread. Workers never touch widgets;
they call ``kb``/``indexer`` functions and return plain data. Two runners exist in the window:
reads (searches may overlap; stale ones are dropped by a generation counter) and one writer with
a single thread, so database writes happen one at a time, in the order the rep made them.

Why Python threads (``ThreadPoolExecutor``) and not ``QThreadPool``, measured with PySide6 6.12:

- PySide gives a Qt pool thread a *fresh* Python thread state for every task, so
  ``threading.local`` data does not survive from one task to the next on the same OS thread. The
  index keeps one Whoosh searcher per thread in a thread-local and remembers each one until it is
  closed: on ``QThreadPool`` every search opened a new searcher, ~176 MB each at 87k items — the
  87k benchmark grew by ~350 MB per question and was OOM-killed at 24 GB. On executor threads the
  searcher is reused: memory stays flat and searches skip the re-open.
- The pool's Python wrapper also kept references to ``QRunnable`` subclasses it had run (825 of
  5,000 still alive with auto-delete on, all of them with it off).

``tests/desktop/test_workers.py`` checks results arrive on the GUI thread, thread-local state
survives between tasks, the writer is serial and nothing lingers.

One error channel: ``failed`` carries the exception itself, so a window can tell a refusal it
expects (an invalid field, an edit conflict) from a fault by its type. A use case that writes
returns :class:`~indexer.app.changes.Done`; the runner hands its value to the caller and emits
``changed`` with what it changed, the one signal every open window listens to.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from PySide6.QtCore import QObject, Signal

from indexer.app.changes import Done
from indexer.app.errors import USER_ERRORS, Cancelled

log = logging.getLogger(__name__)

#: Progress signals are throttled: an import reports per item and 87k queued events would
#: themselves freeze the GUI thread.
PROGRESS_INTERVAL_S = 0.05
#: Searches, item loads and "asked next": two lanes on the 2-core machines reps use. Each
#: thread holds its own searcher (memory grows with the count), so more would cost more than it gives.
READ_THREADS = 2


class TaskSignals(QObject):
    """Lives on the GUI thread; emitted from the worker, delivered queued."""

    done = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(int, int, str)


class Task:
    """Call ``fn(*args, **kwargs)`` on a worker thread; report the result or the error."""

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

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            if not isinstance(exc, (*USER_ERRORS, Cancelled)):
                name = getattr(self._fn, "__name__", self._fn)
                log.error("background task %s failed:\n%s", name, traceback.format_exc())
            self.signals.failed.emit(exc)
            return
        self.signals.done.emit(result)


class Runner(QObject):
    """Submits tasks to one executor and keeps their signals alive until the result has arrived.

    The runner holds each task's signals object by a key; the connected closures capture only the
    key (capturing the task would make a cycle through C++ that Python's GC cannot see), and the
    signals object is released once its result has been delivered.
    """

    failed = Signal(object)  # any task's exception, for the status bar
    changed = Signal(object)  # indexer.app.changes.Changes of each write that returned Done

    def __init__(self, threads: int, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_workers = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"ea-{name}")
        self._live: dict[int, TaskSignals] = {}
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._next = 0
        self._closed = False

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if self._closed:
            log.debug("runner closed; dropped %s", getattr(fn, "__name__", fn))
            return
        task = Task(fn, *args, with_progress=on_progress is not None, **kwargs)
        key = self._next = self._next + 1
        signals = self._live[key] = task.signals
        if on_progress is not None:
            signals.progress.connect(on_progress)
        signals.done.connect(lambda result: self._finish(key, on_done, result))
        signals.failed.connect(lambda exc: self._fail(key, on_failed, exc))
        future = self._executor.submit(task.run)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _release(self, key: int) -> None:
        signals = self._live.pop(key, None)
        if signals is not None:
            signals.deleteLater()  # not now: we are inside one of its signal deliveries

    def _finish(self, key: int, callback: Callable[[Any], None] | None, result: Any) -> None:
        self._release(key)
        value = result.value if isinstance(result, Done) else result
        if callback is not None:
            callback(value)
        if isinstance(result, Done) and result.changes:
            self.changed.emit(result.changes)

    def _fail(self, key: int, callback: Callable[[BaseException], None] | None, exc: BaseException) -> None:
        self._release(key)
        if callback is not None:
            callback(exc)
        if not isinstance(exc, Cancelled):  # a cancel was asked for: not an error to report
            self.failed.emit(exc)

    def pending(self) -> int:
        """Tasks submitted whose result has not been delivered yet."""
        return len(self._live)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted task has run (on close, before the workspace is closed)."""
        with self._lock:
            futures = list(self._futures)
        return not wait_futures(futures, timeout=timeout).not_done

    def shutdown(self, *, cancel_pending: bool = False) -> None:
        """Stop the threads after the running tasks. Queued reads may be cancelled (nobody will
        look at them); queued writes never are — that is the rep's log."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=cancel_pending)


def describe(exc: BaseException) -> str:
    """One line for a person: the message of an error they can act on, the type too for a fault."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) if isinstance(exc, USER_ERRORS) else f"{type(exc).__name__}: {exc}"
