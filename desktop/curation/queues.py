"""The Curation window: what needs an expert, in three tabs.

- Stale: overdue reviews, oldest first (never-verified items lead), filterable by owner; Verify
  one, or open it in the editor.
- Suggestions: edits proposed by reps (and conflicting content files), each with its diff against
  the current item; experts accept or reject. Reps see the queue but the buttons are off (and the
  core refuses them anyway).
- Gaps: questions nobody could answer; "Answer…" opens the editor pre-filled with the prospect's
  own wording, and saving closes the gap.

Everything is re-read after any write that touches items, suggestions or gaps (the writer's ``changed``), off the GUI thread.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.curation.context import CurationContext
from desktop.curation.models import GapsModel, StaleModel, SuggestionQueueModel
from desktop.curation.widgets import Banner, DiffView, table_view, titled
from desktop.curation.outcome import Outcome
from desktop.workers import describe
from indexer.app.changes import Changes
from indexer.app.curation import QueueData

ALL_OWNERS = "All owners"


def _row(*widgets: QWidget, stretch_at: int = 0) -> QHBoxLayout:
    layout = QHBoxLayout()
    for i, w in enumerate(widgets):
        if i == stretch_at:
            layout.addStretch(1)
        layout.addWidget(w)
    return layout


class QueuesWindow(QWidget):
    loaded = Signal(object)  # indexer.app.curation.QueueData
    suggestionDiffShown = Signal(str)
    acted = Signal(object)  # the Outcome of verify / accept / reject, successful or not

    def __init__(self, ctx: CurationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.owner: str | None = None
        self._gen = 0
        self._force_id: int | None = None
        self.setWindowTitle("Curation — Expert Answers")
        self.resize(1000, 640)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._stale_tab(), "Stale")
        self.tabs.addTab(self._suggestions_tab(), "Suggestions")
        self.tabs.addTab(self._gaps_tab(), "Gaps")
        self.banner = Banner()
        refresh, close = QPushButton("Re&fresh"), QPushButton("Close")
        refresh.clicked.connect(self.reload)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        who = ctx.actor()
        layout.addWidget(QLabel(f"Signed in as <b>{who.name}</b> ({who.role})"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.banner)
        layout.addLayout(_row(refresh, close, stretch_at=0))
        ctx.changed.connect(self._content_changed)
        self._apply_role()
        self.reload()

    # -- tabs ---------------------------------------------------------------------------------------
    def _stale_tab(self) -> QWidget:
        tab = QWidget()
        self.owner_combo = QComboBox()
        self.owner_combo.addItem(ALL_OWNERS, None)
        self.owner_combo.currentIndexChanged.connect(self._owner_changed)
        self.stale_model = StaleModel(self)
        self.stale_view = table_view(self.stale_model)
        self.stale_view.doubleClicked.connect(lambda _i: self.open_stale())
        self.verify_button = QPushButton("&Verify")
        self.verify_button.setToolTip("Stamp today as verified: you vouch the answer is still true")
        self.open_button = QPushButton("&Open in editor")
        self.verify_button.clicked.connect(self.verify_stale)
        self.open_button.clicked.connect(self.open_stale)
        owner_label = QLabel("O&wner:")
        owner_label.setBuddy(self.owner_combo)
        top = QHBoxLayout()
        top.addWidget(QLabel("Overdue reviews, oldest first."), 1)
        top.addWidget(owner_label)
        top.addWidget(self.owner_combo)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.stale_view, 1)
        layout.addLayout(_row(self.verify_button, self.open_button))
        return tab

    def _suggestions_tab(self) -> QWidget:
        tab = QWidget()
        self.suggestions_model = SuggestionQueueModel(self)
        self.suggestions_view = table_view(self.suggestions_model)
        self.suggestions_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_suggestion())
        self.suggestion_diff = DiffView()
        self.suggestion_diff.setPlaceholderText("Select a suggestion to see what it changes.")
        self.accept_button, self.reject_button = QPushButton("&Accept"), QPushButton("Re&ject")
        self.force_button = QPushButton("Accept &anyway")
        self.force_button.setVisible(False)
        self.accept_button.clicked.connect(lambda: self.decide(accept=True))
        self.reject_button.clicked.connect(lambda: self.decide(accept=False))
        self.force_button.clicked.connect(lambda: self.decide(accept=True, force=True))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.suggestions_view)
        split.addWidget(titled("What it changes (current → suggestion)", self.suggestion_diff))
        split.setSizes([200, 320])
        layout = QVBoxLayout(tab)
        layout.addWidget(split, 1)
        layout.addLayout(_row(self.force_button, self.reject_button, self.accept_button))
        return tab

    def _gaps_tab(self) -> QWidget:
        tab = QWidget()
        self.gaps_model = GapsModel(self)
        self.gaps_view = table_view(self.gaps_model)
        self.gaps_view.doubleClicked.connect(lambda _i: self.answer_gap())
        self.answer_button = QPushButton("A&nswer…")
        self.answer_button.setToolTip("Write the answer; the prospect's wording is kept as a phrasing")
        self.answer_button.clicked.connect(self.answer_gap)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel("Questions reps could not answer, newest first."))
        layout.addWidget(self.gaps_view, 1)
        layout.addLayout(_row(self.answer_button))
        return tab

    def _apply_role(self) -> None:
        expert = self.ctx.actor().is_expert
        tip = "" if expert else "Experts only: your role is rep (EXPERT_ANSWERS_ROLE)"
        for b in (self.verify_button, self.accept_button, self.reject_button, self.answer_button):
            b.setEnabled(expert)
            if tip:
                b.setToolTip(tip)

    # -- loading ----------------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.ctx.ws is None:
            self.banner.show_message("The content is still being imported.")
            return
        self._gen += 1
        gen = self._gen
        self.ctx.read(self, self.ctx.curation().queues, self.owner, on_done=lambda d: self._show(gen, d),
                      on_failed=lambda e: self.banner.show_message(describe(e)))  # fmt: skip

    def _content_changed(self, changes: Changes) -> None:
        if self.isVisible() and (changes.any_items or changes.suggestions or changes.gaps):
            self.reload()

    def _show(self, gen: int, data: QueueData) -> None:
        if gen != self._gen:
            return
        self.owner_combo.blockSignals(True)
        self.owner_combo.clear()
        self.owner_combo.addItem(ALL_OWNERS, None)
        for owner in data.owners:
            self.owner_combo.addItem(owner, owner)
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(self.owner)) if self.owner else 0)
        self.owner_combo.blockSignals(False)
        self.stale_model.set_rows(data.stale)
        self.suggestions_model.set_rows(data.suggestions)
        self.gaps_model.set_rows(data.gaps)
        for view in (self.stale_view, self.suggestions_view, self.gaps_view):
            view.resizeColumnsToContents()
            view.horizontalHeader().resizeSection(0, min(view.columnWidth(0), 420))
        for i, (name, rows) in enumerate((("Stale", data.stale), ("Suggestions", data.suggestions),
                                          ("Gaps", data.gaps))):  # fmt: skip
            self.tabs.setTabText(i, f"{name} ({len(rows)})")
        self.suggestion_diff.clear()
        self.force_button.setVisible(False)
        self.loaded.emit(data)

    def _owner_changed(self) -> None:
        self.owner = self.owner_combo.currentData()
        self.reload()

    # -- stale --------------------------------------------------------------------------------------------
    def _selected(self, view: Any, model: Any) -> Any:
        return model.row(view.currentIndex().row())

    def verify_stale(self) -> None:
        stale = self._selected(self.stale_view, self.stale_model)
        if stale is None:
            self.banner.show_message("Select an item to verify.")
            return
        self.ctx.act(self, self.ctx.curation().verify, stale.id, then=lambda o: self._done(o, f"Verified {stale.id}."))

    def open_stale(self) -> None:
        stale = self._selected(self.stale_view, self.stale_model)
        if stale is not None:
            self.ctx.open_editor(stale.id)

    # -- suggestions ------------------------------------------------------------------------------------
    def _show_suggestion(self) -> None:
        sug = self._selected(self.suggestions_view, self.suggestions_model)
        self.force_button.setVisible(False)
        if sug is None:
            return
        self.ctx.read(self, self.ctx.curation().suggestion_diff, sug.id,
                      on_done=lambda text: self._suggestion_diff(sug.id, text))  # fmt: skip

    def _suggestion_diff(self, suggestion_id: int, text: str) -> None:
        current = self._selected(self.suggestions_view, self.suggestions_model)
        if current is not None and current.id == suggestion_id:
            self.suggestion_diff.set_diff(text, "The suggestion matches the current item.")
            self.suggestionDiffShown.emit(text)

    def decide(self, *, accept: bool, force: bool = False) -> None:
        sug = self._selected(self.suggestions_view, self.suggestions_model)
        if sug is None:
            self.banner.show_message("Select a suggestion first.")
            return
        self._force_id = sug.id
        cur = self.ctx.curation()
        fn, verb = (functools.partial(cur.accept, force=force), "Accepted") if accept else (cur.reject, "Rejected")
        self.ctx.act(self, fn, sug.id, then=lambda o: self._done(o, f"{verb} suggestion #{sug.id}."))

    # -- gaps -------------------------------------------------------------------------------------------
    def answer_gap(self) -> None:
        gap = self._selected(self.gaps_view, self.gaps_model)
        if gap is None:
            self.banner.show_message("Select a gap to answer.")
            return
        self.ctx.open_editor(gap_id=gap.id)

    def _done(self, outcome: Outcome, message: str) -> None:
        if outcome.ok:
            self.banner.show_message(message, "ok")  # the lists follow through the writer's ``changed``
        else:
            prefix = "⚠ Not allowed — " if outcome.kind == "denied" else "⚠ "
            self.banner.show_message(prefix + outcome.error)
            self.force_button.setVisible("with force" in outcome.error)
        self.acted.emit(outcome)
