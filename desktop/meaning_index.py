"""Keeps the meaning index (the item vectors) up to date in the background, and says how ready it is.

After the home opens, and after any write that changed items, :meth:`MeaningIndex.catch_up` runs
``indexer.app.semantic.prepare`` on a background thread of its own: embedding takes seconds to
minutes and must never hold up the rep's searches (read threads) or log writes (the writer).
Until it finishes, search answers by words; the status-bar label says so and shows how far it is.
Closing the window cancels it at its next batch; what was embedded is kept for the next start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from desktop.workers import Runner, describe
from indexer.app import semantic
from indexer.app.changes import Changes
from indexer.app.errors import Cancelled
from kb.progress import ProgressFn, cancellable


class MeaningIndex(QObject):
    ready = Signal(bool)  # True: searching by meaning too; False: by words only (status says why)

    def __init__(self, window: Any, label: QLabel) -> None:
        super().__init__(window)
        self.window, self.label = window, label
        self.runner = Runner(1, "embed", self)
        self._running = False
        self._again = False
        self.label.setToolTip("Search by meaning: prospects' paraphrases find answers with other words")
        window.changed.connect(self._changed)

    def catch_up(self) -> None:
        ws = self.window.ws
        if ws is None:
            return
        if self._running:
            self._again = True  # one more pass when this one ends: it may have missed new items
            return
        self._running = True
        self._show(ws)
        cancel = self.window.cancel

        def work(progress: ProgressFn) -> int:
            return semantic.prepare(ws, cancellable(progress, cancel))

        self.runner.submit(work, on_done=self._done, on_failed=self._failed, on_progress=self._progress)

    def _changed(self, changes: Changes) -> None:
        if changes.any_items:
            self.catch_up()

    def _progress(self, done: int, total: int, _label: str) -> None:
        ws = self.window.ws
        if ws is not None and semantic.ready(ws):
            # Every item is embedded; what remains is warming up (the model, the word index):
            # searches already use meaning.
            self.label.setText("Words + meaning")
        elif total:
            self.label.setText(f"Meaning index {done / total:.0%} · searching by words")

    def _done(self, _embedded: int) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.catch_up()
            return
        ws = self.window.ws
        if ws is not None:
            self.ready.emit(self._show(ws))

    def _show(self, ws: Any) -> bool:
        ready = semantic.ready(ws)
        self.label.setText("Words + meaning" if ready else "Searching by words")
        self.label.setToolTip(semantic.status(ws))
        return ready

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        if isinstance(exc, Cancelled):
            return
        self.label.setText("Searching by words only")
        self.label.setToolTip(describe(exc))
        self.ready.emit(False)

    def shutdown(self) -> None:
        self.runner.shutdown(cancel_pending=True)
