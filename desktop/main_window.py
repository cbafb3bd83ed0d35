"""The main window: search box, results, answer pane, "asked next", deal picker, status bar.

Why it is built without a workspace: on first launch the import runs in a worker while the window
is already up and the rep can type; :meth:`set_workspace` plugs the workspace in when it is open
(and runs whatever was typed meanwhile). The workspace is passed in, never looked up globally.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QWidget

from desktop import content_actions, curation, journey, team_sync, window_state
from desktop.actions import build_actions, keyboard_map
from desktop.deals import NewDealDialog
from desktop.log_queue import LogQueue
from desktop.meaning_index import MeaningIndex
from desktop.models import DealsModel, ResultsModel, NextQuestionsModel
from desktop.reads import LoadedItem, load_item
from desktop.render import plain_text
from desktop.search import SearchController
from desktop.window_ui import build_window
from desktop.workers import READ_THREADS, Runner, describe
from indexer.app import answers, journey as journey_app, search
from indexer.app.actors import Actor, current_actor
from indexer.app.changes import Changes
from indexer.app.overview import Overview, overview
from indexer.app.workspace import Workspace
from kb.stages import UNKNOWN, ahead_of_buyer

log = logging.getLogger(__name__)
STATUS_MS = 4000
SUGGESTIONS_DELAY_MS = 300


class MainWindow(QMainWindow):
    """Keyboard first: every command is an action with a shortcut, a menu entry and a tooltip."""

    workspaceReady = Signal()
    resultsShown = Signal(int)  # number of hits now in the list
    answerShown = Signal(str)  # item id
    suggestionsShown = Signal(int)
    copied = Signal(str)  # item id
    logged = Signal(object)  # indexer.app.answers.LogRecord
    overviewLoaded = Signal(object)  # indexer.app.overview.Overview
    dealCreated = Signal(object)

    def __init__(self, settings: QSettings, parent: QWidget | None = None, *, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self._actor = actor  # explicit (tests); else resolved against the open home (its team member)
        self._log_after_pick: str | None = None  # "answered" / "gap": logged once the rep picks the deal
        self._no_deal_on_purpose = False  # the rep chose "No deal" for this call
        #: Set on close: long work started for this window (the first-run import) stops at its next
        #: progress report instead of holding the exit.
        self.cancel = threading.Event()
        self.cancel_hooks: list[Callable[[], None]] = []  # running long jobs' cancels
        self.setWindowTitle("Expert Answers")
        self.settings = settings
        self.ws: Workspace | None = None  # set when open
        self.reads = Runner(READ_THREADS, "read", self)
        self.writer = Runner(1, "write", self)  # the one database writer: one thread, in order
        self.log_queue = LogQueue(self.writer, self)  # failed log writes wait in memory, retried
        self.reads.failed.connect(lambda e: self.statusBar().showMessage(f"Error: {describe(e)}", STATUS_MS * 2))
        self.writer.failed.connect(lambda e: self.statusBar().showMessage(f"Not saved: {describe(e)}", STATUS_MS * 2))
        #: The app's one broadcast: every write on the one writer reports what it changed here, and
        #: every open window (this one, Deals, Insight, Gaps, Curation, the editor) listens.
        self.changed = self.writer.changed
        self.changed.connect(self._on_changed)
        self._item_gen = 0
        self._pending_copy: str | None = None
        self._stage_labels: dict[str, str] = {}  # in journey order
        self._deal_stage: str | None = None
        self._deals_loaded = False
        self._shown_query = ""  # the query whose results are on screen

        self.results_model = ResultsModel(self)
        self.deals_model = DealsModel(self)
        self.suggestions_model = NextQuestionsModel(self)
        self.commands = build_actions(self)
        ui = build_window(self, self.commands, self.results_model, self.deals_model, self.suggestions_model)
        self.deal_picker, self.stage_label, self.search_edit = ui.deal_picker, ui.stage_label, ui.search_edit
        self.results_view, self.answer_view, self.suggestions = ui.results_view, ui.answer_view, ui.suggestions
        self.splitter, self.right_splitter = ui.splitter, ui.right_splitter
        self.progress, self.counts, self.asked_by = ui.progress, ui.counts, ui.asked_by
        self.meaning_label = ui.meaning
        self._connect()
        journey.install(self, lambda: self.ws)  # Deals, Insight, Gap queue
        curation.install(self, lambda: self.ws)  # editor, history, stale/suggestions/gaps
        self.content_jobs = content_actions.install(self, self.content_menu)  # import, rebuild
        self.meaning = MeaningIndex(self, self.meaning_label)  # vectors, in the background
        self.team_label = QLabel(self)
        self.team_label.setObjectName("teamStatus")
        self.statusBar().addPermanentWidget(self.team_label)
        self.team = team_sync.install(self, self.team_label)  # Team menu, indicator, automatic sync
        self._restore_settings()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _connect(self) -> None:
        a = self.commands
        self.search = SearchController(self.search_edit, self.reads, self)
        # "Asked next" costs another search; while the rep types it would compete with the
        # search for their words, so it waits until the selected answer has stayed put.
        self.suggestions_timer = QTimer(self)
        self.suggestions_timer.setSingleShot(True)
        self.suggestions_timer.setInterval(SUGGESTIONS_DELAY_MS)
        self.suggestions_timer.timeout.connect(self._load_suggestions)
        self.search.results.connect(self._show_results)
        self.search.cleared.connect(self._clear_results)
        self.search_edit.navigate.connect(self._navigate)
        self.results_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.results_view.doubleClicked.connect(lambda _i: self.copy_answer())
        self.suggestions.chosen.connect(self.search_for)
        self.deal_picker.dealChanged.connect(self._deal_changed)
        self.deal_picker.picked.connect(self._picked)
        a.focus_search.triggered.connect(self.focus_search)
        a.copy_answer.triggered.connect(self.copy_answer)
        a.log_answered.triggered.connect(self.log_answered)
        a.log_gap.triggered.connect(self.log_gap)
        a.switch_deal.triggered.connect(self.deal_picker.focus_for_search)
        a.new_deal.triggered.connect(self.new_deal)
        a.refresh.triggered.connect(self.refresh_overview)
        a.quit.triggered.connect(self.close)
        a.stage_boost.toggled.connect(self.search.set_boost)
        self.log_queue.saved.connect(self._logged)
        self.log_queue.waiting.connect(
            lambda n, msg: self.statusBar().showMessage(
                f"Not saved ({msg}). {n} log entr{'y' if n == 1 else 'ies'} kept in memory; retrying every 15 s.",
                STATUS_MS * 4,
            )
        )
        a.shortcuts_help.triggered.connect(lambda: QMessageBox.information(self, "Keyboard shortcuts", keyboard_map(self)))

    # -- workspace ------------------------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        return self._actor or current_actor(ws=self.ws)

    def set_workspace(self, ws: Workspace) -> None:
        self.ws = ws
        self.progress.finish()
        if ws.notices:
            self.statusBar().showMessage(" · ".join(ws.notices), STATUS_MS * 2)
        self.search.set_workspace(ws)
        self.refresh_overview()
        self.meaning.catch_up()
        self.team.start()
        self.workspaceReady.emit()

    def show_progress(self, done: int, total: int, label: str) -> None:
        self.progress.update_progress(done, total, label)

    def refresh_overview(self) -> None:
        if self.ws is not None:
            self.reads.submit(overview, self.ws, on_done=self._apply_overview)

    def _on_changed(self, changes: Changes) -> None:
        """Show what another window (or this one) just wrote: the answer on screen if it was
        edited, and the deals and counts if deals, the log or gaps changed."""
        if changes.any_deals or changes.log or changes.gaps or changes.any_items:
            self.refresh_overview()
        selected = self.current_hit()
        if selected is not None and changes.touches_item(selected[0].id):
            self._load_item(selected[0].id)
        if changes.any_items and self.search.text():
            self.search.search_now()  # titles, stages and status in the list follow the edit too

    def _apply_overview(self, ov: Overview) -> None:
        self._stage_labels = {s.key: s.label for s in ov.stages}
        self.results_model.set_stage_labels(self._stage_labels)
        # First load restores the deal of the last session; later loads keep the deal in use.
        last = self.settings.value("deal/last", "")
        keep = self.deal_picker.deal_id() if self._deals_loaded else (str(last) if last else None)
        self.deal_picker.reload(ov.deals, self._stage_labels, keep)
        self._deals_loaded = True
        gaps = "1 open gap" if ov.open_gaps == 1 else f"{ov.open_gaps} open gaps"
        open_deals = sum(1 for d in ov.deals if d.status == "open")
        self.counts.setText(f"{ov.items:,} items · {open_deals} open deals · {gaps}")
        self.overviewLoaded.emit(ov)

    # -- searching ------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.clear()
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def search_for(self, text: str) -> None:
        """Suggestions and the ``--query`` flag: put a question in the box and search at once."""
        self.search_edit.setText(text)
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.search_now()

    def _show_results(self, _gen: int, result: Any) -> None:
        self._shown_query = result.query
        self.results_model.set_hits(result.hits)
        if result.hits:
            self.results_view.setCurrentIndex(self.results_model.index(0))
        elif result.index_problem:  # not "no answer": the index could not look (never log a gap for it)
            self.answer_view.show_hint(
                f"The search index cannot be read ({result.index_problem}). Nothing is lost: restart the app "
                "or run `kb reindex` to rebuild it from the database.")
            self.suggestions_model.set_rows([])
        else:
            hint = f" Did you mean “{result.suggestion}”?" if result.suggestion else ""
            self.answer_view.show_hint(f"No answer found.{hint} Ctrl+G logs it as a gap for the experts.")
            self.suggestions_model.set_rows([])
        self.resultsShown.emit(len(result.hits))

    def _clear_results(self) -> None:
        self._shown_query = ""
        self.suggestions_timer.stop()
        self.results_model.set_hits([])
        self.suggestions_model.set_rows([])
        self.answer_view.show_hint("Type the prospect's question. The best answer appears here.")
        self.resultsShown.emit(0)

    def _navigate(self, key: int) -> None:
        rows = self.results_model.rowCount()
        if not rows:
            return
        current = self.results_view.currentIndex().row()
        page = max(self.results_view.viewport().height() // max(self.results_view.sizeHintForRow(0), 1), 1)
        K = Qt.Key
        step = {K.Key_Up.value: -1, K.Key_Down.value: 1, K.Key_PageUp.value: -page, K.Key_PageDown.value: page}[key]
        row = min(max(current + step if current >= 0 else 0, 0), rows - 1)
        self.results_view.selectionModel().setCurrentIndex(
            self.results_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.results_model.hit(current.row())
        self._item_gen += 1
        if hit is None or self.ws is None:
            return
        self._hint_if_ahead(hit)
        self._load_item(hit.id)
        self.suggestions_timer.start()  # a second search: only once the selection settles

    def _load_item(self, item_id: str) -> None:
        if self.search.busy():
            # Newer results are on their way (the rep typed on): they select their own first row,
            # which loads then; rendering this answer now would only slow that search down.
            return
        gen, ws = self._item_gen, self.ws

        def run() -> LoadedItem | None:  # superseded while waiting (the rep typed on): skip the work
            return None if gen != self._item_gen else load_item(ws, item_id)

        self.reads.submit(run, on_done=lambda loaded: self._show_item(gen, loaded))

    def _load_suggestions(self) -> None:
        selected = self.current_hit()
        if selected is None or self.ws is None:
            return
        if not self.search.idle() or self.search.typed_within(SUGGESTIONS_DELAY_MS):
            # The rep is typing the next question: its searches come first, "Asked next" waits
            # for the pause (two searches at once would slow the one the rep is waiting for).
            self.suggestions_timer.start()
            return
        hit, gen, ws, stage = selected[0], self._item_gen, self.ws, self.results_model.stage
        asked_at = self.search.generation

        def wanted() -> bool:  # same answer selected, and no newer question typed since
            return gen == self._item_gen and asked_at == self.search.generation

        def run() -> list[search.NextQuestion] | None:
            try:
                return search.next_questions(ws, hit.id, hit.title, stage, wanted) if wanted() else None
            except search.Superseded:
                return None

        self.reads.submit(run, on_done=lambda rows: self._show_suggestions(gen, rows))

    def _show_item(self, gen: int, loaded: LoadedItem | None) -> None:
        if gen != self._item_gen or loaded is None:
            return
        self.answer_view.show_item(loaded)
        self.answerShown.emit(loaded.record.id)
        if self._pending_copy == loaded.record.id:
            self._pending_copy = None
            self._copy(loaded)

    def _show_suggestions(self, gen: int, rows: list[search.NextQuestion] | None) -> None:
        if rows is not None and gen == self._item_gen:
            self.suggestions_model.set_rows(rows)
            self.suggestionsShown.emit(len(rows))

    def current_hit(self) -> tuple[Any, int] | None:
        """The selected hit and its 1-based rank in the visible list."""
        row = self.results_view.currentIndex().row()
        hit = self.results_model.hit(row)
        return (hit, row + 1) if hit is not None else None

    # -- copy and log ---------------------------------------------------------------------------
    def copy_answer(self) -> None:
        selected = self.current_hit()
        if selected is None:
            self.statusBar().showMessage("Nothing to copy: no answer selected.", STATUS_MS)
            return
        loaded = self.answer_view.item
        if loaded is not None and loaded.record.id == selected[0].id:
            self._copy(loaded)
        else:
            self._pending_copy = selected[0].id  # copied as soon as the answer has loaded

    def _copy(self, loaded: LoadedItem) -> None:
        mime = QMimeData()
        mime.setText(plain_text(loaded.body_html))
        mime.setHtml(loaded.body_html)
        QGuiApplication.clipboard().setMimeData(mime)
        self.statusBar().showMessage(f"Copied “{loaded.record.title}” — paste it anywhere.", STATUS_MS)
        self.copied.emit(loaded.record.id)

    def _deal_chosen(self, what: str) -> bool:
        """A log needs the deal (it decides the stage recorded): without one, the picker opens and
        the log waits for the rep's Enter. "No deal", chosen on purpose, holds until a deal is."""
        if self.deal_picker.deal_id() is not None or self._no_deal_on_purpose:
            return True
        self._log_after_pick = what
        self.deal_picker.focus_for_search()
        self.statusBar().showMessage("Which deal? Type to find it and press Enter — or pick “No deal” — "
                                     "and the question is logged.", STATUS_MS * 2)
        return False

    def _picked(self, deal_id: str | None) -> None:
        self._no_deal_on_purpose = deal_id is None
        waiting, self._log_after_pick = self._log_after_pick, None
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)  # back to the question, kept as typed
        if waiting == "answered":
            self.log_answered()
        elif waiting == "gap":
            self.log_gap()

    def log_answered(self) -> None:
        question, selected = self.search.text(), self.current_hit()
        if not question or selected is None or self.ws is None:
            self.statusBar().showMessage("Type the question and select the answer you gave first.", STATUS_MS)
            return
        if not self._deal_chosen("answered"):
            return
        hit, rank = selected
        self.log_queue.submit(
            answers.log_question, self.ws, self.actor, question, deal_id=self.deal_picker.deal_id(), item_ids=[hit.id],
            rank=rank,
            seconds=self.search.seconds(), search_text=self._shown_query or question,
            role=self.asked_by.currentData(),
        )  # fmt: skip
        self.search.new_question()

    def log_gap(self) -> None:
        question = self.search.text()
        if not question or self.ws is None:
            self.statusBar().showMessage("Type the question first, then Ctrl+G logs it as a gap.", STATUS_MS)
            return
        if not self._deal_chosen("gap"):
            return
        self.log_queue.submit(
            answers.log_question, self.ws, self.actor, question, deal_id=self.deal_picker.deal_id(), outcome="no-answer",
            seconds=self.search.seconds(), role=self.asked_by.currentData(),
        )  # fmt: skip
        self.search.new_question()

    def _logged(self, record: Any) -> None:
        stage = self._stage_labels.get(record.stage, record.stage)
        if record.outcome == "no-answer":
            message = f"Logged as a gap for the experts (stage {stage})."
        else:
            message = f"Logged: answered with result #{record.chosen_rank} (stage {stage})."
        self.statusBar().showMessage(message, STATUS_MS)
        self.logged.emit(record)

    # -- deals ----------------------------------------------------------------------------------
    def _hint_if_ahead(self, hit: Any) -> None:
        """A non-blocking nudge when the answer fits only stages the buyer has not reached."""
        order = list(self._stage_labels)
        if ahead_of_buyer(hit.stages, self._deal_stage, order):
            fits = ", ".join(self._stage_labels.get(s, s) for s in hit.stages)
            now = self._stage_labels.get(self._deal_stage or "", self._deal_stage)
            self.statusBar().showMessage(
                f"Heads-up: this answer fits {fits}; the buyer is in {now}. They may not be ready for it yet.",
                STATUS_MS * 2,
            )

    def _deal_changed(self, deal_id: str | None, stage: str) -> None:
        stage_or_none = None if stage == UNKNOWN else stage
        self._deal_stage = stage_or_none
        label = self._stage_labels.get(stage, "unknown") if stage_or_none else "unknown (no deal)"
        self.stage_label.setText(f"Stage: <b>{escape(label)}</b>")
        self.results_model.set_stage(stage_or_none)
        self.search.set_stage(stage_or_none)
        if self.ws is not None:
            self.settings.setValue("deal/last", deal_id or "")

    def new_deal(self) -> None:
        if self.ws is None:
            return
        dialog = NewDealDialog(self)
        if dialog.exec() != NewDealDialog.DialogCode.Accepted:
            return
        name, account = dialog.values()
        self.writer.submit(journey_app.create_deal, self.ws, name, account=account, on_done=self._deal_created)

    def _deal_created(self, deal: Any) -> None:
        self.settings.setValue("deal/last", deal.id)
        others = [d for d in self.deals_model.deals() if d.id != deal.id]
        self.deal_picker.reload([deal, *others], self._stage_labels, deal.id)
        self.statusBar().showMessage(f"Deal “{deal.name}” created; answers are now logged against it.", STATUS_MS)
        self.dealCreated.emit(deal)

    # -- settings and shutdown ------------------------------------------------------------------
    def _restore_settings(self) -> None:
        window_state.restore(self, self.settings)

    def save_settings(self) -> None:
        window_state.save(self, self.settings)

    def shutdown(self) -> None:
        """Finish queued writes and searches before the workspace underneath them is closed;
        long work (an import) is cancelled, not waited for."""
        self.cancel.set()
        for cancel in list(self.cancel_hooks):
            cancel()
        self.search.timer.stop()
        self.suggestions_timer.stop()
        self.meaning.shutdown()
        self.team.shutdown()
        self.writer.shutdown()
        self.reads.shutdown(cancel_pending=True)

    def changeEvent(self, event: QEvent) -> None:
        """Coming back to the window re-reads deals and counts: a deal may have moved stage in
        the CLI or on a colleague's machine, which no signal of this app reports, and the stage
        logged must be the current one. Writes made in this app arrive through ``changed`` at once."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh_overview()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.log_queue.pending():
            self.log_queue.retry()  # one last try before asking
            self.writer.wait(5.0)
            QApplication.processEvents()  # deliver the retries' done/failed signals
        if self.log_queue.pending():
            answer = QMessageBox.warning(
                self, "Unsaved log entries",
                f"{self.log_queue.pending()} answer-log entries could not be saved (is the disk full or "
                "read-only?). Quit anyway and lose them?",
                QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)
