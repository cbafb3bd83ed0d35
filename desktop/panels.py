"""Small widgets around the main list: the "Asked next" panel and the status-bar counters.

Why a panel for what comes next: one answer leads to the next question; seeing what other
prospects asked after this answer lets the rep prepare before it is asked.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop.models import SuggestionRole, NextQuestionsModel


class SuggestionsPanel(QWidget):
    """A header and a list; one click (or Enter) searches the question."""

    chosen = Signal(str)

    def __init__(self, model: NextQuestionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.header = QLabel("<b>Asked next</b> &amp; similar", self)
        self.header.setToolTip("What prospects asked after this answer in other deals, then similar items")
        self.view = QListView(self)
        self.view.setModel(model)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setToolTip("Click a question to search it")
        self.view.clicked.connect(self._choose)
        self.view.activated.connect(self._choose)
        self.empty = QLabel("Nothing yet: select an answer to see what usually comes next.", self)
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        model.modelReset.connect(self._sync)
        self._sync()

    def _choose(self, index: QModelIndex) -> None:
        row = index.data(SuggestionRole)
        if row is not None:
            self.chosen.emit(row.text)

    def _sync(self) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)


class ProgressStatus(QWidget):
    """A progress bar with its label, shown only while an import or rebuild runs; Cancel is shown
    for work that can stop (it then stops at its next progress report)."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * 30)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop this work; nothing half-done is kept")
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.cancel_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.hide()

    def set_cancellable(self, on: bool) -> None:
        self.cancel_button.setVisible(on)

    def update_progress(self, done: int, total: int, label: str) -> None:
        self.show()
        self.label.setText(label)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bar.setFormat(f"{done:,} / {total:,}")
        else:
            self.bar.setRange(0, 0)  # busy indicator: the total is not known yet

    def finish(self) -> None:
        self.cancel_button.hide()
        self.hide()
