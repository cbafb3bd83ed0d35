"""The Insight window: what buyers ask at each stage, how well and how fast it is answered, which
items carry the load, and what was asked in the week before a deal looped back.

All figures come from ``indexer.app.insight`` in one background read; tables other than the
per-stage one show ``report_rows`` output, so "Export CSV…" writes exactly the visible report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.journey.chart import StageChart
from desktop.journey.models import RowsModel, StageFiguresModel
from desktop.workers import Runner, describe
from indexer.app import insight as insight_app
from indexer.app import team_sync as app_sync
from indexer.app.changes import Changes
from indexer.app.insight import report_rows
from indexer.app.journey import label_of
from indexer.app.workspace import Workspace

STAGE_COLUMNS = ("stage", "from_stage", "to_stage", "asked_stage")
ITEM_SECTIONS = (("most_used", "Most used"), ("never_used", "Never used"), ("stale_in_use", "Stale but still used"))


def _view(model: Any, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


class InsightWindow(QWidget):
    loaded = Signal()

    def __init__(
        self, workspace: Workspace, reads: Runner, parent: QWidget | None = None, *, changed: SignalInstance | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.workspace, self._reads = workspace, reads
        if changed is not None:
            changed.connect(self.on_changed)  # the app's one broadcast of what was written
        self.data: insight_app.Insight | None = None
        self.setWindowTitle("Insight — Expert Answers")
        self.resize(1280, 720)
        self.tabs = QTabWidget(self)

        chart_page = QWidget(self)
        self.bucket = QComboBox(chart_page)
        self.bucket.addItem("Weeks", "week")
        self.bucket.addItem("Months", "month")
        self.bucket.setAccessibleName("Period")
        self.bucket.currentIndexChanged.connect(self._show_chart)
        self.chart = StageChart(chart_page)
        cv = QVBoxLayout(chart_page)
        cv.addLayout(self._bar("Per:", self.bucket))
        cv.addWidget(self.chart, 1)
        self.tabs.addTab(chart_page, "Over time")

        self.stages_model = StageFiguresModel(self)
        self.tabs.addTab(_view(self.stages_model, self), "Per stage")

        q_page = QWidget(self)
        self.question_stage = QComboBox(q_page)
        self.question_stage.setAccessibleName("Stage")
        self.question_stage.currentIndexChanged.connect(self._show_questions)
        self.questions_model = RowsModel(self)
        qv = QVBoxLayout(q_page)
        qv.addLayout(self._bar("Stage:", self.question_stage))
        self.questions_view = _view(self.questions_model, q_page)
        qv.addWidget(self.questions_view, 1)
        self.tabs.addTab(q_page, "Top questions")

        i_page = QWidget(self)
        self.item_section = QComboBox(i_page)
        self.item_section.setAccessibleName("Which items")
        for key, label in ITEM_SECTIONS:
            self.item_section.addItem(label, key)
        self.items_model = RowsModel(self)
        self.items_proxy = QSortFilterProxyModel(self)
        self.items_proxy.setSourceModel(self.items_model)
        self.items_proxy.setFilterKeyColumn(0)
        self.item_section.currentIndexChanged.connect(self._filter_items)
        iv = QVBoxLayout(i_page)
        iv.addLayout(self._bar("Show:", self.item_section))
        self.items_view = _view(self.items_proxy, i_page)
        iv.addWidget(self.items_view, 1)
        self.tabs.addTab(i_page, "Items")

        self.loops_model = RowsModel(self)
        loops_page = QWidget(self)
        lv = QVBoxLayout(loops_page)
        hint = QLabel("Each backward move, with the questions the deal asked in the 7 days before it.", loops_page)
        lv.addWidget(hint)
        self.loops_view = _view(self.loops_model, loops_page)
        lv.addWidget(self.loops_view, 1)
        self.tabs.addTab(loops_page, "Loops")

        self.export_btn = QPushButton("Export CSV…", self)
        self.export_btn.setToolTip("Save the report on the visible tab as a CSV file")
        self.export_btn.clicked.connect(self._export_dialog)
        self.export_btn.setEnabled(False)
        self.status = QLabel("Loading…", self)
        self.scope = QComboBox(self)
        self.scope.setAccessibleName("Whose data")
        self.scope.addItem("This laptop", False)
        self.scope.addItem("Whole team (server)", True)
        self.scope.setEnabled(False)  # until the home is known to have joined a team
        self.scope.setToolTip("Join a team server (Team menu) to report over every rep's questions")
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.scope)
        top.addWidget(self.export_btn)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._reads.submit(app_sync.status, workspace, on_done=self._team_known)

    @staticmethod
    def _bar(label: str, combo: QComboBox) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(label))
        row.addWidget(combo)
        row.addStretch(1)
        return row

    # -- data ------------------------------------------------------------------------------------

    def _team_known(self, st: app_sync.SyncStatus) -> None:
        if st.joined:
            self.scope.setEnabled(True)
            self.scope.setToolTip(f"Whole team: read from {st.url} as {st.member}")

    def team_scope(self) -> bool:
        return bool(self.scope.currentData())

    def refresh(self) -> None:
        team = self.team_scope()
        self.status.setText("Loading the team's data from the server…" if team else "Loading…")
        self._reads.submit(insight_app.insight, self.workspace, team=team, on_done=self._on_loaded, on_failed=self._fail)

    def _on_loaded(self, data: insight_app.Insight) -> None:
        self.data = data
        self.stages_model.set_summary(data.summary, data.labels)
        keep = self.question_stage.currentData()
        self.question_stage.blockSignals(True)
        self.question_stage.clear()
        for key in data.top:
            self.question_stage.addItem(label_of(data.labels, key), key)
        found = self.question_stage.findData(keep)
        self.question_stage.setCurrentIndex(max(found, 0))
        self.question_stage.blockSignals(False)
        stage = {k: (lambda v: label_of(data.labels, v) if v else "—") for k in STAGE_COLUMNS}
        for model in (self.questions_model, self.loops_model):
            model.set_formatters(stage)
        self.items_model.set_table(*report_rows("items", data.items))
        self.loops_model.set_table(*report_rows("loops", data.loops))
        # Shown elsewhere on the page (section combo, deal name): exported, not displayed.
        self.items_view.setColumnHidden(self.items_model.column_of("section"), True)
        self.loops_view.setColumnHidden(self.loops_model.column_of("deal_id"), True)
        header = self.loops_view.horizontalHeader()
        for key, width in (("deal", 200), ("note", 200)):  # long free text: elide, the tooltip has it all
            header.setSectionResizeMode(self.loops_model.column_of(key), QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.loops_model.column_of(key), width)
        self._show_chart()
        self._show_questions()
        self._filter_items()
        total = sum(f.questions for f in data.summary.values())
        scope = " across the team" if self.team_scope() else ""
        self.status.setText(f"{total} questions logged{scope} · {len(data.loops)} deals looped back")
        self.export_btn.setEnabled(True)
        self.loaded.emit()

    def _show_chart(self) -> None:
        if self.data is not None:
            bucket = self.bucket.currentData()
            self.chart.set_data(self.data.over_time[bucket], bucket, self.data.labels)

    def _show_questions(self) -> None:
        if self.data is not None:
            self.questions_model.set_table(*report_rows("questions", self._questions()))
            self.questions_view.setColumnHidden(self.questions_model.column_of("stage"), True)  # the combo says it

    def _questions(self) -> dict[str, list[Any]]:
        assert self.data is not None
        key = self.question_stage.currentData()
        return {key: self.data.top[key]} if key in self.data.top else {}

    def _filter_items(self) -> None:
        self.items_proxy.setFilterFixedString(self.item_section.currentData())

    # -- export ----------------------------------------------------------------------------------
    def visible_report(self) -> tuple[str, Any]:
        """Report name (as ``insight.write_csv`` knows it) and data of the visible tab."""
        assert self.data is not None
        tab = self.tabs.currentIndex()
        if tab == 0:
            return "over-time", self.data.over_time[self.bucket.currentData()]
        if tab == 1:
            return "stages", self.data.summary
        if tab == 2:
            return "questions", self._questions()
        if tab == 3:
            return "items", self.data.items
        return "loops", self.data.loops

    def export_to(self, path: str | Path) -> int:
        name, data = self.visible_report()
        n = insight_app.write_csv(name, data, path)
        self.status.setText(f"Wrote {n} rows of the {name} report to {path}")
        return n

    def _export_dialog(self) -> None:
        if self.data is None:
            return
        name, _ = self.visible_report()
        default = str(Path.home() / f"expert-answers-{name}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export report as CSV", default, "CSV files (*.csv)")
        if path:
            try:
                self.export_to(path)
            except OSError as exc:
                self.status.setText(f"Could not write {path}: {exc}")

    def on_changed(self, changes: Changes) -> None:
        if self.isVisible() and (changes.log or changes.gaps or changes.any_deals or changes.any_items):
            self.refresh()

    def _fail(self, error: BaseException) -> None:
        self.status.setText(f"Could not load the reports: {describe(error)}")
