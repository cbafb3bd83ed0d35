"""Enter copies, Ctrl+Enter logs, Ctrl+G files a gap, and the deal decides the stage recorded."""

from __future__ import annotations

import threading

from desktop_helpers import answer_ready, ask, choose_no_deal
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop import main_window
from kb.services import answer_log, gaps

CTRL = Qt.KeyboardModifier.ControlModifier


def entries(workspace) -> list[answer_log.LogRecord]:
    with workspace.store.session() as s:
        return answer_log.list_entries(s)


def open_gaps(workspace) -> int:
    with workspace.store.session() as s:
        return gaps.count_gaps(s)


def test_enter_copies_the_answer_as_text_and_html(qtbot, window) -> None:
    ask(qtbot, window, "we need a copy of your SOC 2 report for our vendor review")
    with qtbot.waitSignal(window.copied) as copied:
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert copied.args == [window.current_hit()[0].id]
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasText() and mime.hasHtml()
    assert "trust portal" in mime.text() and "<" not in mime.text()
    assert "<p>" in mime.html() and "trust portal" in mime.html()
    assert "Copied" in window.statusBar().currentMessage()


def test_enter_in_the_result_list_copies_too(qtbot, window) -> None:
    ask(qtbot, window, "support tiers")
    window.results_view.setFocus()
    with qtbot.waitSignal(window.copied):
        qtbot.keyClick(window.results_view, Qt.Key.Key_Enter)


def test_ctrl_enter_logs_exactly_one_answer_with_deal_stage_item_and_rank(qtbot, window, workspace, two_deals) -> None:
    deal_id = next(d for d, stage in two_deals.items() if stage == "decision")
    window.deal_picker.select_deal(deal_id)
    before = entries(workspace)
    ask(qtbot, window, "how much extra is premier 24/7 support")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)  # the rep picks the second result
    qtbot.waitUntil(lambda: answer_ready(window))
    chosen = window.current_hit()[0].id
    with qtbot.waitSignal(window.logged) as logged:
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, CTRL)
    after = entries(workspace)
    assert len(after) == len(before) + 1
    entry = after[0]
    assert entry.id == logged.args[0].id
    assert entry.deal_id == deal_id and entry.stage == "decision"
    assert entry.item_ids == (chosen,) and entry.chosen_rank == 2
    assert entry.outcome == "answered"
    assert entry.question == entry.search_text == "how much extra is premier 24/7 support"
    assert entry.seconds is not None and entry.seconds >= 0
    assert open_gaps(workspace) == 0


def test_logging_without_a_deal_records_stage_unknown(qtbot, window, workspace) -> None:
    choose_no_deal(qtbot, window)  # on purpose: otherwise Ctrl+Enter asks for the deal first
    ask(qtbot, window, "support tiers")
    with qtbot.waitSignal(window.logged):
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Enter, CTRL)
    (entry,) = entries(workspace)
    assert entry.deal_id is None and entry.stage == "unknown"


def test_ctrl_g_logs_one_gap(qtbot, window, workspace, two_deals) -> None:
    deal_id = next(iter(two_deals))
    window.deal_picker.select_deal(deal_id)
    ask(qtbot, window, "do you integrate with our mainframe")
    with qtbot.waitSignal(window.logged):
        qtbot.keyClick(window.search_edit, Qt.Key.Key_G, CTRL)
    assert open_gaps(workspace) == 1
    (entry,) = entries(workspace)
    assert entry.outcome == "no-answer" and entry.gap_id is None  # list_entries does not join gaps
    with workspace.store.session() as s:
        (gap,) = gaps.list_gaps(s)
    assert gap.question == "do you integrate with our mainframe"
    assert gap.deal_id == deal_id and gap.stage == two_deals[deal_id]
    qtbot.waitUntil(lambda: "1 open gap" in window.counts.text())


def test_switching_deal_changes_the_stage_recorded(qtbot, window, workspace, two_deals) -> None:
    stages = []
    for deal_id in two_deals:
        qtbot.keyClick(window.search_edit, Qt.Key.Key_D, CTRL)
        assert window.deal_picker.hasFocus()
        window.deal_picker.select_deal(deal_id)
        assert window.results_model.stage == two_deals[deal_id]
        window.focus_search()
        ask(qtbot, window, "support tiers")
        with qtbot.waitSignal(window.logged) as logged:
            qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, CTRL)
        stages.append(logged.args[0].stage)
    assert stages == list(two_deals.values()) == ["consideration", "decision"]
    assert {e.stage for e in entries(workspace)} == {"consideration", "decision"}


def test_typing_in_the_deal_picker_finds_a_deal(qtbot, window, two_deals) -> None:
    qtbot.keyClick(window.search_edit, Qt.Key.Key_D, CTRL)
    edit = window.deal_picker.lineEdit()
    qtbot.keyClicks(edit, "beta")
    popup = window.deal_picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.deal_picker.deal_id() is not None)
    assert window.deal_picker.stage() == "decision"
    assert "Beta Logistics" in window.deal_picker.currentText()


def test_writes_run_off_the_gui_thread_one_at_a_time(qtbot, window, monkeypatch) -> None:
    threads: list[threading.Thread] = []
    real = main_window.answers.log_question

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(main_window.answers, "log_question", spy)
    choose_no_deal(qtbot, window)
    ask(qtbot, window, "support tiers")
    with qtbot.waitSignal(window.logged):
        window.commands.log_answered.trigger()
    assert threads and threads[0] is not threading.main_thread()
    assert window.writer.max_workers == 1


def test_new_deal_dialog_creates_and_selects_the_deal(qtbot, window, workspace, monkeypatch) -> None:
    from desktop.deals import NewDealDialog

    def fake_exec(dialog: NewDealDialog) -> int:
        dialog.name.setText("Gamma Freight")
        dialog.account.setText("Gamma AG")
        return NewDealDialog.DialogCode.Accepted

    monkeypatch.setattr(NewDealDialog, "exec", fake_exec)
    with qtbot.waitSignal(window.dealCreated) as created:
        window.commands.new_deal.trigger()
    assert window.deal_picker.deal_id() == created.args[0].id
    assert window.deal_picker.stage() == created.args[0].stage


def test_the_stakeholder_who_asked_is_recorded(qtbot, window, workspace, two_deals) -> None:
    window.deal_picker.select_deal(next(iter(two_deals)))
    window.asked_by.setCurrentIndex(window.asked_by.findData("procurement"))
    ask(qtbot, window, "can we pay by invoice")
    with qtbot.waitSignal(window.logged) as logged:
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, CTRL)
    assert logged.args[0].role == "procurement"
    assert entries(workspace)[0].role == "procurement"
