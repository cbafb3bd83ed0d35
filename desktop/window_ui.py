"""Builds the main window's widgets, layout and menus (the ``setupUi`` of a Designer form).

Why apart from ``main_window``: the window's behaviour (searching, copying, logging) reads
better without eighty lines of layout in front of it, and each module stays under ~400 lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.actions import Actions
from desktop.answer_view import AnswerView
from desktop.deals import DealPicker
from desktop.delegate import ResultDelegate
from desktop.models import DealsModel, ResultsModel, NextQuestionsModel
from desktop.panels import ProgressStatus, SuggestionsPanel
from desktop.search import SearchEdit
from indexer.app.journey import ROLES


@dataclass
class WindowUi:
    deal_picker: DealPicker
    stage_label: QLabel
    search_edit: SearchEdit
    results_view: QListView
    answer_view: AnswerView
    suggestions: SuggestionsPanel
    splitter: QSplitter
    right_splitter: QSplitter
    progress: ProgressStatus
    counts: QLabel
    meaning: QLabel
    asked_by: QComboBox


def build_window(
    win: QMainWindow, a: Actions, results: ResultsModel, deals: DealsModel, suggestions_model: NextQuestionsModel
) -> WindowUi:
    """Toolbar (deal, stage, new deal), search box, results | answer + "asked next", status bar."""
    toolbar = QToolBar("Deal", win)
    toolbar.setObjectName("deal-toolbar")
    toolbar.setMovable(False)
    deal_picker = DealPicker(deals, toolbar)
    deal_picker.setToolTip(a.switch_deal.toolTip())
    deal_label = QLabel("&Deal: ", toolbar)
    deal_label.setBuddy(deal_picker)
    toolbar.addWidget(deal_label)
    toolbar.addWidget(deal_picker)
    stage_label = QLabel(toolbar)
    stage_label.setToolTip("The deal's current stage: recorded with every answer you log")
    stage_label.setContentsMargins(win.fontMetrics().averageCharWidth(), 0, 0, 0)
    toolbar.addWidget(stage_label)
    toolbar.addSeparator()
    asked_by = QComboBox(toolbar)
    asked_by.setObjectName("asked-by")
    asked_by.addItem("Asked by: anyone", None)
    for role in ROLES:
        asked_by.addItem(f"Asked by: {role.replace('-', ' ')}", role)
    asked_by.setToolTip("Who on the buyer's side asked: recorded with the answers you log")
    asked_by.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # keep Tab order on the search
    toolbar.addWidget(asked_by)
    toolbar.addSeparator()
    toolbar.addAction(a.new_deal)
    win.addToolBar(toolbar)

    search_edit = SearchEdit(win)
    search_edit.setPlaceholderText("Type or paste the prospect's question…  (Ctrl+K)")
    search_edit.setToolTip(a.focus_search.toolTip())
    results_view = QListView(win)
    results_view.setModel(results)
    results_view.setItemDelegate(ResultDelegate(results_view))
    results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    results_view.setUniformItemSizes(True)
    results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows elide
    results_view.setToolTip("Enter copies · Ctrl+Enter logs · double-click copies")
    for widget in (search_edit, results_view):
        widget.addAction(a.copy_answer)  # Enter copies only where the rep is searching

    answer_view = AnswerView(win)
    suggestions = SuggestionsPanel(suggestions_model, win)
    buttons = QHBoxLayout()
    for action in (a.copy_answer, a.log_answered, a.log_gap):
        button = QPushButton(action.text().replace("&", ""), win)
        button.setToolTip(action.toolTip())
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep focus in the search box
        button.clicked.connect(action.trigger)
        buttons.addWidget(button)
    right_splitter = QSplitter(Qt.Orientation.Vertical, win)
    right_splitter.setObjectName("answer-splitter")
    answer_box = QWidget(right_splitter)
    answer_layout = QVBoxLayout(answer_box)
    answer_layout.setContentsMargins(0, 0, 0, 0)
    answer_layout.addWidget(answer_view)
    answer_layout.addLayout(buttons)
    right_splitter.addWidget(answer_box)
    right_splitter.addWidget(suggestions)
    right_splitter.setStretchFactor(0, 4)
    right_splitter.setStretchFactor(1, 1)
    splitter = QSplitter(Qt.Orientation.Horizontal, win)
    splitter.setObjectName("main-splitter")
    splitter.addWidget(results_view)
    splitter.addWidget(right_splitter)
    splitter.setStretchFactor(0, 2)
    splitter.setStretchFactor(1, 3)

    central = QWidget(win)
    layout = QVBoxLayout(central)
    layout.addWidget(search_edit)
    layout.addWidget(splitter, 1)
    win.setCentralWidget(central)

    progress = ProgressStatus(win)
    meaning = QLabel("Searching by words", win)
    meaning.setObjectName("meaningStatus")
    win.statusBar().addPermanentWidget(meaning)
    counts = QLabel("Opening…", win)
    win.statusBar().addPermanentWidget(progress)
    win.statusBar().addPermanentWidget(counts)

    _build_menus(win, a)
    return WindowUi(
        deal_picker, stage_label, search_edit, results_view, answer_view, suggestions, splitter, right_splitter,
        progress, counts, meaning, asked_by,
    )  # fmt: skip


def _build_menus(win: QMainWindow, a: Actions) -> None:
    deal_menu = win.menuBar().addMenu("&Deal")
    deal_menu.addActions([a.switch_deal, a.new_deal, a.refresh])
    deal_menu.addSeparator()
    deal_menu.addAction(a.quit)
    answer_menu = win.menuBar().addMenu("&Answer")
    answer_menu.addActions([a.focus_search, a.copy_answer, a.log_answered, a.log_gap])
    answer_menu.addSeparator()
    answer_menu.addAction(a.stage_boost)
    win.menuBar().addMenu("&Help").addAction(a.shortcuts_help)
    for action in (a.focus_search, a.log_answered, a.log_gap, a.switch_deal, a.new_deal, a.refresh, a.quit, a.stage_boost):
        win.addAction(action)  # window-wide shortcuts even with the menu bar hidden
