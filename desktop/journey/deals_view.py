"""The Deals window: every deal with its stage and loops, and one deal's timeline.

Why a timeline and not a stage field: buyers loop back as stakeholders join, and a rep should see
at a glance what was asked just before the deal slipped back. Stage changes and questions are
interleaved in time order; a backward move reads "↩ back to …" in the palette's warning colour.
Reads run on the read runner (stale ones dropped by a generation counter); moves, won/lost and
stakeholders go through the one serial writer.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from indexer.app import journey as journey_app
from desktop.journey.models import DealsTableModel, SortRole, TimelineModel
from desktop.workers import Runner, describe
from indexer.app.changes import Changes
from indexer.app.workspace import Workspace


def _table(model: Any, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


class DealsWindow(QWidget):
    loaded = Signal()  # the deal list arrived
    detailLoaded = Signal(str)  # a deal's timeline arrived
    written = Signal(object)  # a write finished (the new DealRecord)

    def __init__(self, workspace: Workspace, reads: Runner, writer: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace, self._reads, self._writer = workspace, reads, writer
        writer.changed.connect(self.on_changed)  # the app's one broadcast of what was written
        self._gen = 0
        self._labels: dict[str, str] = {}
        self._deal: Any = None
        self.setWindowTitle("Deals — Expert Answers")
        self.resize(1440, 720)

        self.model = DealsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SortRole)
        self.filter = QLineEdit(self, placeholderText="Filter deals by name, account, status or stage")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(lambda _t: self._count())
        self.table = _table(self.proxy, self)
        # Down (or Enter) from the filter box goes to the first matching deal, as in the search box.
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.filter, self._to_table,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.filter, self._to_table,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col, width in ((0, 190), (1, 120)):  # names are long ("… — 280 seats Enterprise"): elide
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)

        self.timeline = TimelineModel(self)
        self.timeline_view = _table(self.timeline, self)
        th = self.timeline_view.horizontalHeader()
        th.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        th.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        th.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        th.resizeSection(3, 190)
        self.timeline_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.title = QLabel("Select a deal to see its journey", self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.people = QLabel("", self)
        self.people.setTextFormat(Qt.TextFormat.PlainText)
        self.people.setWordWrap(True)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.filter)
        lv.addWidget(self.table)
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.title)
        rv.addWidget(self.people)
        rv.addWidget(self.timeline_view, 1)
        rv.addWidget(self._build_actions())
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([720, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self._set_enabled(False)

    def _build_actions(self) -> QWidget:
        box = QGroupBox("Change this deal", self)
        form = QFormLayout(box)
        self.back_btn = QPushButton("◀ Back a stage", box)
        self.forward_btn = QPushButton("Forward a stage ▶", box)
        self.stage_combo = QComboBox(box)
        self.stage_combo.setAccessibleName("Stage to move to")
        self.move_btn = QPushButton("Move", box)
        self.note = QLineEdit(box, placeholderText="Note: why did it move? (new stakeholder, changed scope…)")
        self.back_btn.clicked.connect(lambda: self._step(-1))
        self.forward_btn.clicked.connect(lambda: self._step(+1))
        self.move_btn.clicked.connect(lambda: self.move_to(self.stage_combo.currentData()))
        row = QHBoxLayout()
        for w in (self.back_btn, self.forward_btn, self.stage_combo, self.move_btn):
            row.addWidget(w)
        form.addRow("Stage:", row)
        form.addRow("Note:", self.note)
        self.won_btn = QPushButton("Mark won → Results", box)
        self.lost_btn = QPushButton("Mark lost → Win-back", box)
        self.won_btn.clicked.connect(lambda: self.mark("won"))
        self.lost_btn.clicked.connect(lambda: self.mark("lost"))
        row2 = QHBoxLayout()
        row2.addWidget(self.won_btn)
        row2.addWidget(self.lost_btn)
        row2.addStretch(1)
        form.addRow("Outcome:", row2)
        self.person = QLineEdit(box, placeholderText="Stakeholder name")
        self.role = QComboBox(box)
        self.role.setAccessibleName("Stakeholder role")
        for r in journey_app.ROLES:
            self.role.addItem(r.replace("-", " ").capitalize(), r)
        self.add_person_btn = QPushButton("Add stakeholder", box)
        self.add_person_btn.clicked.connect(self._add_stakeholder)
        self.person.returnPressed.connect(self._add_stakeholder)
        row3 = QHBoxLayout()
        row3.addWidget(self.person, 1)
        row3.addWidget(self.role)
        row3.addWidget(self.add_person_btn)
        form.addRow("People:", row3)
        self.actions_box = box
        return box

    # -- reads -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._reads.submit(journey_app.deals_overview, self.workspace, on_done=self._on_overview, on_failed=self._fail)

    def _count(self) -> None:
        """The deals shown, out of all when a filter hides some."""
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "deal" if total == 1 else "deals"
        self.status.setText(f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}")

    def _to_table(self) -> None:
        if self.proxy.rowCount():
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    def _on_overview(self, overview: journey_app.DealsOverview) -> None:
        keep = self._deal.id if self._deal else None
        self._labels = overview.labels
        if [self.stage_combo.itemData(i) for i in range(self.stage_combo.count())] != list(overview.labels):
            self.stage_combo.clear()
            for key, label in overview.labels.items():
                self.stage_combo.addItem(label, key)
        self.model.set_deals(overview.deals, overview.labels)
        self._count()
        if keep is not None:
            self.select_deal(keep)
        self.loaded.emit()

    def select_deal(self, deal_id: str) -> bool:
        row = self.model.row_of(deal_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show it anyway
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._load_detail(deal_id)
        return True

    def _on_current(self, current: Any, _previous: Any) -> None:
        deal = self.model.record(self.proxy.mapToSource(current).row()) if current.isValid() else None
        if deal is not None and (self._deal is None or deal.id != self._deal.id):
            self._load_detail(deal.id)

    def _load_detail(self, deal_id: str) -> None:
        self._gen += 1
        gen = self._gen
        self._reads.submit(journey_app.deal_detail, self.workspace, deal_id,
                           on_done=lambda d: self._on_detail(gen, d), on_failed=self._fail)  # fmt: skip

    def _on_detail(self, gen: int, detail: journey_app.DealDetail) -> None:
        if gen != self._gen:
            return  # the rep already picked another deal
        d = self._deal = detail.deal
        backs = sum(1 for e in d.history if e.backward)
        loops = f" · looped back {backs}×" if backs else ""
        self.title.setText(f"{d.name} — {journey_app.label_of(self._labels, d.stage)} ({d.status}){loops}")
        people = ", ".join(f"{n} ({r.replace('-', ' ')})" for n, r in d.stakeholders)
        self.people.setText(f"Account {d.account} · owner {d.owner or '—'} · stakeholders: {people or 'none yet'}")
        self.timeline.set_events(detail.timeline, self._labels)
        self.timeline_view.scrollToBottom()
        self._set_enabled(True)
        keys = list(self._labels)
        pos = keys.index(d.stage) if d.stage in keys else -1
        self.back_btn.setEnabled(pos > 0)
        self.forward_btn.setEnabled(0 <= pos < len(keys) - 1)
        self.stage_combo.setCurrentIndex(max(pos, 0))
        self.detailLoaded.emit(d.id)

    def _set_enabled(self, on: bool) -> None:
        self.actions_box.setEnabled(on)

    # -- writes (the serial writer) ----------------------------------------------------------------
    def _write(self, fn: Any, *args: Any, done: str) -> None:
        if self._deal is None:
            return
        self._set_enabled(False)
        self.status.setText("Saving…")

        def finished(record: Any) -> None:
            self.status.setText(done)
            self.note.clear()
            self.written.emit(record)  # the list and timeline follow through the writer's ``changed``

        self._writer.submit(fn, self.workspace, self._deal.id, *args, on_done=finished, on_failed=self._fail)

    def _step(self, delta: int) -> None:
        keys = list(self._labels)
        if self._deal is not None and self._deal.stage in keys:
            pos = keys.index(self._deal.stage) + delta
            if 0 <= pos < len(keys):
                self.move_to(keys[pos])

    def move_to(self, stage: str | None) -> None:
        if self._deal is None or not stage or stage == self._deal.stage:
            return
        label = journey_app.label_of(self._labels, stage)
        self._write(journey_app.move_stage, stage, self.note.text().strip(), done=f"Moved to {label}")

    def mark(self, status: str) -> None:
        self._write(journey_app.set_status, status, self.note.text().strip(), done=f"Marked {status}")

    def _add_stakeholder(self) -> None:
        name = self.person.text().strip()
        if not name:
            self.person.setFocus()
            return
        self.person.clear()
        self._write(journey_app.add_stakeholder, name, self.role.currentData(), done=f"Added {name}")

    def on_changed(self, changes: Changes) -> None:
        """Deals moved, or questions logged against one, anywhere in the app: re-read."""
        if changes.any_deals or changes.log:
            self.refresh()

    def _fail(self, error: BaseException) -> None:
        self.status.setText(f"Could not complete: {describe(error)}")
        self._set_enabled(self._deal is not None)
