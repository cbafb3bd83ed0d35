"""Running plain functions off the GUI thread and getting their results back on it.

Why this shape (STYLE §7): results travel on the signals of a helper ``QObject`` created on the GUI
thread, so they are queued back to the GUI thread. Workers never touch widgets;
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
survives between tasks, the writer is serial and nothing lingers (``benchmarks/rss_searches.py``
measures the app's memory over thousands of searches).

Each runner has one long-lived signals object (``RunnerSignals``); a task reports by key and its
callbacks are dropped on delivery, so nothing per task outlives its result.

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
from dataclasses import dataclass
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


class RunnerSignals(QObject):
    """One per runner, living on the GUI thread: workers emit, the GUI thread receives (queued).

    Why one long-lived bridge rather than a signals object per task: a per-task ``QObject`` can
    only be freed with ``deleteLater``, which runs on some later event-loop turn at the right
    nesting level — until then each finished task stayed alive (103 of 300 in a clean-clone run of
    ``test_workers``), and a rep's day of searches would pile them up. Keyed callbacks in a dict
    are released the moment their result is delivered.
    """

    finished = Signal(int, object, object)  # key, result, exception (None on success)
    progressed = Signal(int, int, int, str)  # key, done, total, label


class Task:
    """Call ``fn(*args, **kwargs)`` on a worker thread; report the result or the error by key."""

    def __init__(
        self, signals: RunnerSignals, key: int, fn: Callable[..., Any], *args: Any, with_progress: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self._signals, self._key = signals, key
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._last_progress = 0.0
        if with_progress:
            self._kwargs["progress"] = self._progress

    def _progress(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if done == 0 or (total and done >= total) or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self._signals.progressed.emit(self._key, done, total, label)

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            if not isinstance(exc, (*USER_ERRORS, Cancelled)):
                name = getattr(self._fn, "__name__", self._fn)
                log.error("background task %s failed:\n%s", name, traceback.format_exc())
            self._signals.finished.emit(self._key, None, exc)
            return
        self._signals.finished.emit(self._key, result, None)


@dataclass(frozen=True, slots=True)
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_failed: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int, str], None] | None
    initiator: object = None


class Runner(QObject):
    """Submits tasks to one executor and delivers each result, on the GUI thread, to its callbacks.

    Callbacks wait in a dict under the task's key and are dropped when the result arrives, so a
    finished task holds nothing: the worker thread lets go of the task when ``run`` returns.
    """

    failed = Signal(object)  # any task's exception, for the status bar
    changed = Signal(object)  # indexer.app.changes.Changes of each write that returned Done

    def __init__(self, threads: int, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_workers = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"ea-{name}")
        self._signals = RunnerSignals(self)
        self._signals.finished.connect(self._deliver)
        self._signals.progressed.connect(self._progressed)
        self._waiting: dict[int, _Callbacks] = {}
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
        initiator: object = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(*args, **kwargs)``; a write's Changes are broadcast as made by ``initiator`` (the
        window that asked), so that window can skip refreshing what it already shows."""
        if self._closed:
            log.debug("runner closed; dropped %s", getattr(fn, "__name__", fn))
            return
        key = self._next = self._next + 1
        self._waiting[key] = _Callbacks(on_done, on_failed, on_progress, initiator)
        task = Task(self._signals, key, fn, *args, with_progress=on_progress is not None, **kwargs)
        future = self._executor.submit(task.run)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _progressed(self, key: int, done: int, total: int, label: str) -> None:
        callbacks = self._waiting.get(key)
        if callbacks is not None and callbacks.on_progress is not None:
            callbacks.on_progress(done, total, label)

    def _deliver(self, key: int, result: Any, exc: BaseException | None) -> None:
        callbacks = self._waiting.pop(key, None)
        if callbacks is None:
            return
        if exc is not None:
            if callbacks.on_failed is not None:
                callbacks.on_failed(exc)
            if not isinstance(exc, Cancelled):  # a cancel was asked for: not an error to report
                self.failed.emit(exc)
            return
        value = result.value if isinstance(result, Done) else result
        if callbacks.on_done is not None:
            callbacks.on_done(value)
        if isinstance(result, Done) and result.changes:
            changes = result.changes
            self.changed.emit(changes.by(callbacks.initiator) if callbacks.initiator is not None else changes)

    def pending(self) -> int:
        """Tasks submitted whose result has not been delivered yet."""
        return len(self._waiting)

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
