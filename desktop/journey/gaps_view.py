"""The experts' gap queue: open gaps grouped by similar question, the biggest groups first.

Why grouped: ten reps asking "do you support SSO" in ten wordings is one to-do, not ten. Each group
shows how often it came up and in which stages; selecting it lists the wordings and the deals.
"Dismiss" closes every gap of the group in one write on the serial writer.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.journey.models import Display, _Table, fmt
from desktop.theme import warn_color
from desktop.workers import Runner, describe
from indexer.app import journey as journey_app
from indexer.app.actors import current_actor
from indexer.app.changes import Changes
from indexer.app.workspace import Workspace


class GapGroupsModel(_Table):
    headers = ("Question", "Asked", "Stages", "Newest")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}

    def set_groups(self, groups: list[Any], labels: dict[str, str]) -> None:
        self._labels = dict(labels)
        self.set_rows(groups)

    def cell(self, g: Any, column: int, role: int) -> Any:
        if role == Display:
            stages = " · ".join(f"{journey_app.label_of(self._labels, s)} {n}" for s, n in g.stages.items())
            return (g.question, f"{g.count}×", stages, fmt(g.newest))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and g.count >= 3:
            return warn_color(QGuiApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{g.count} open gaps in {len(g.wordings)} wordings"
        return None


class GapsWindow(QWidget):
    loaded = Signal()
    dismissed = Signal(int)

    def __init__(self, workspace: Workspace, reads: Runner, writer: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace, self._reads, self._writer = workspace, reads, writer
        writer.changed.connect(self.on_changed)  # the app's one broadcast of what was written
        self._queue: journey_app.GapQueue | None = None
        self.setWindowTitle("Gap queue — Expert Answers")
        self.resize(1180, 620)
        self.model = GapGroupsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._show_group)

        self.wordings = QStringListModel(self)
        self.deals = QStringListModel(self)
        detail = QWidget(self)
        dv = QVBoxLayout(detail)
        dv.setContentsMargins(0, 0, 0, 0)
        for title, model in (("Wordings reps logged", self.wordings), ("Deals that asked", self.deals)):
            dv.addWidget(QLabel(title, detail))
            view = QListView(detail)
            view.setModel(model)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            dv.addWidget(view, 1)
        self.dismiss_btn = QPushButton("Dismiss group", detail)
        self.dismiss_btn.setToolTip("Close every gap of this group: no item is needed for it")
        self.dismiss_btn.setEnabled(False)
        self.dismiss_btn.clicked.connect(self.dismiss_current)
        dv.addWidget(self.dismiss_btn, 0, Qt.AlignmentFlag.AlignRight)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([800, 380])
        self.status = QLabel("Loading…", self)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        self._reads.submit(journey_app.gap_queue, self.workspace, on_done=self._on_loaded, on_failed=self._fail)

    def _on_loaded(self, queue: journey_app.GapQueue) -> None:
        self._queue = queue
        self.model.set_groups(queue.groups, queue.labels)
        gaps = sum(g.count for g in queue.groups)
        self.status.setText(f"{gaps} open gaps in {len(queue.groups)} groups" if gaps else "No open gaps")
        self._show_group(self.table.currentIndex(), None)
        if queue.groups and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.loaded.emit()

    def current_group(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _show_group(self, _current: Any, _previous: Any) -> None:
        g = self.current_group()
        names = self._queue.deal_names if self._queue else {}
        self.wordings.setStringList(list(g.wordings) if g else [])
        self.deals.setStringList([names.get(d, d) for d in g.deal_ids] if g else [])
        self.dismiss_btn.setEnabled(g is not None and self._may_decide())

    def _may_decide(self) -> bool:
        """Deciding gaps is the experts' work (the team server refuses a rep's decision too): a rep
        sees the queue, and the button says why it is not theirs to press."""
        expert = current_actor(ws=self.workspace).is_expert
        self.dismiss_btn.setToolTip("Close every gap of this group: no item is needed for it" if expert else
                                    "Only experts decide gaps; this laptop acts as a rep")
        return expert

    def dismiss_current(self) -> None:
        g = self.current_group()
        if g is None or not self._may_decide():
            return
        self.dismiss_btn.setEnabled(False)
        self.status.setText(f"Dismissing {g.count} gaps…")

        def done(n: int) -> None:
            self.status.setText(f"Dismissed {n} gaps")
            self.dismissed.emit(n)  # the queue follows through the writer's ``changed``

        self._writer.submit(journey_app.dismiss_gaps, self.workspace, g.gap_ids, on_done=done, on_failed=self._fail)

    def on_changed(self, changes: Changes) -> None:
        if changes.gaps or changes.log or changes.any_deals:
            self.refresh()

    def _fail(self, error: BaseException) -> None:
        self.status.setText(f"Could not complete: {describe(error)}")
