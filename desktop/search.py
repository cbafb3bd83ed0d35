"""Search as you type: the search box, the debounce, and dropping stale results.

Why this shape (STYLE §8): every keystroke *restarts* one single-shot timer, so a search starts
30 ms after the rep pauses — not every 30 ms while they type. Only one search runs at a time:
text typed meanwhile waits for it and then runs once, as it stands, so bursts of typing never
build a queue nor two searches fight over two cores. The search in flight is also told it is no
longer wanted: it stops at its next step (between model layers, before snippets) instead of making
the newer one wait for its end (both measured at 87k items, one key every 60 ms:
docs/measurements.md). Each search carries a generation
number; a result whose generation is not the newest is dropped, so a slow early search can never
overwrite the results of the words typed after it. The query is capped before it leaves the GUI
thread because reps paste whole emails.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.workers import Runner
from indexer.app import search
from indexer.app.search import MAX_QUESTION_CHARS, clip
from indexer.app.search import SearchResult
from indexer.app.workspace import Workspace

#: Short enough to be unnoticed, long enough that a fast typist's keys (60–100 ms apart) start one
#: search per pause, not per key; 40 before searches could be stopped (docs/measurements.md).
DEBOUNCE_MS = 30
#: Results listed per search: a page and a half of the list; the rep rarely scrolls past it.
RESULTS = 20


class SearchEdit(QLineEdit):
    """A line edit that passes Up/Down/PageUp/PageDown to the result list while the rep types."""

    navigate = Signal(int)  # a Qt.Key value

    NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(MAX_QUESTION_CHARS * 10)  # keep a pasted email whole; only the search is capped
        self.setClearButtonEnabled(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.setFont(font)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in self.NAV_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.navigate.emit(int(event.key()))
            event.accept()
            return
        super().keyPressEvent(event)


class SearchController(QObject):
    """Owns the debounce timer and the generation counter; hands results to whoever listens."""

    results = Signal(int, object)  # generation, SearchResult (only the newest generation)
    cleared = Signal()
    questionStarted = Signal()

    def __init__(self, edit: QLineEdit, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._edit = edit
        self._runner = runner
        self._ws: Workspace | None = None
        self._stage: str | None = None
        self.boost_stage = True  # the rep can switch the stage-aware ranking off
        self._gen = 0
        self._shown_gen = 0
        self._started_at: float | None = None  # first keystroke of the current question
        self._typed_at = 0.0  # monotonic time of the last edit
        self._in_flight = False  # one search at a time: a newer text waits for it, then runs
        self._queued = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search_now)
        edit.textChanged.connect(self._text_changed)

    # -- state -------------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        return self._gen

    def set_workspace(self, ws: Workspace) -> None:
        self._ws = ws
        if self._edit.text().strip():
            self.search_now()  # the rep typed while the first-launch import ran

    def set_boost(self, enabled: bool) -> None:
        """Rank by the deal's stage or not; re-runs the current search so the change is visible."""
        if enabled != self.boost_stage:
            self.boost_stage = enabled
            if self._edit.text().strip():
                self.timer.start()

    def set_stage(self, stage: str | None) -> None:
        """A new deal re-ranks the current results (answers suited to its stage come first)."""
        if stage != self._stage:
            self._stage = stage
            if self._edit.text().strip():
                self.timer.start()

    def text(self) -> str:
        return clip(self._edit.text()).strip()  # the one cap, as search and the log apply it

    def seconds(self) -> float | None:
        """Seconds since the first keystroke of this question (what a log entry records)."""
        return None if self._started_at is None else round(time.monotonic() - self._started_at, 2)

    def new_question(self) -> None:
        """After logging, the next keystroke starts the clock for the next question."""
        self._started_at = None

    # -- typing ------------------------------------------------------------------------------
    def typed_within(self, ms: float) -> bool:
        """The rep changed the question less than ``ms`` ago (is still typing)."""
        return (time.monotonic() - self._typed_at) * 1000 < ms

    def _text_changed(self, text: str) -> None:
        self._typed_at = time.monotonic()
        if self._in_flight:
            # Searching words the rep has just changed: stop it now rather than let the search for
            # the new words wait for it after the debounce (its results would only flash by).
            self._gen += 1
        if not text.strip():
            self._started_at = None
        elif self._started_at is None:
            self._started_at = time.monotonic()
            self.questionStarted.emit()
        self.timer.start()  # restart = debounce

    def search_now(self) -> None:
        self.timer.stop()
        self._gen += 1
        text = self.text()
        if not text:
            self._shown_gen = self._gen
            self.cleared.emit()
            return
        if self._ws is None:
            return  # set_workspace() runs it once the workspace is open
        if self._in_flight:  # runs when the current search ends, with the text as it is then
            self._queued = True  # ...which comes sooner: the new generation tells it to stop
            return
        self._in_flight = True
        gen = self._gen
        ws, stage = self._ws, self._stage if self.boost_stage else None

        def run() -> SearchResult | None:
            # Superseded while it waited for a thread or while it ran: skip the rest of the work,
            # so a burst of keystrokes never queues searches the rep will not see.
            try:
                return search.search(ws, text, limit=RESULTS, stage=stage, wanted=lambda: gen == self._gen)
            except search.Superseded:
                return None

        self._runner.submit(
            run, on_done=lambda res: self._done(gen, res), on_failed=lambda _exc: self._failed(gen)
        )

    def _landed(self) -> bool:
        """The search in flight ended; start the queued one. True if one was started."""
        self._in_flight = False
        if self._queued:
            self._queued = False
            self.search_now()
            return True
        return False

    def _done(self, gen: int, result: Any) -> None:
        if self._landed() or gen != self._gen or result is None:
            return  # a newer search is under way: this one is stale
        self._shown_gen = gen
        self.results.emit(gen, result)

    def _failed(self, gen: int) -> None:
        if not self._landed() and gen == self._gen:
            self._shown_gen = gen  # the runner reports the error; stop waiting for this search

    def busy(self) -> bool:
        """A newer search is waiting for the debounce, running, or queued behind one."""
        return self.timer.isActive() or self._in_flight or self._queued

    def idle(self) -> bool:
        """No search pending and the newest one has been shown (tests wait on this)."""
        return not self.timer.isActive() and self._shown_gen == self._gen
