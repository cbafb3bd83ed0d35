"""Search as you type: the right answer near the top, keyboard navigation, hostile input."""

from __future__ import annotations

import threading
import time

import pytest
from desktop_helpers import answer_ready, ask, visible_ids
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from indexer.app import search
from indexer.app.search import MAX_QUESTION_CHARS as MAX_QUERY


def test_search_box_has_focus_at_launch(qtbot, window) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_edit)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("we need a copy of your SOC 2 report for our vendor review", "sec-soc2-report-access"),
        ("how much extra is premier 24/7 support", "price-premier-support-cost"),
        ("do you run test migrations before the real cutover", "mig-trial-loads"),
    ],
)
def test_realistic_question_finds_the_item_in_the_top_3(qtbot, window, question: str, expected: str) -> None:
    ask(qtbot, window, question)
    assert expected in visible_ids(window)[:3]
    # the answer pane shows the selected item with its expert attached
    assert window.answer_view.item.record.owner in window.answer_view.toPlainText()


def test_results_follow_typing_and_stale_results_are_dropped(qtbot, window) -> None:
    shown: list[int] = []
    window.search.results.connect(lambda gen, _r: shown.append(gen))
    ask(qtbot, window, "premier support price")
    assert shown and shown[-1] == window.search.generation  # only the newest generation is shown
    assert shown == sorted(shown)


def test_a_search_the_rep_typed_past_stops_and_the_newest_text_is_searched(qtbot, window, monkeypatch) -> None:
    real = search.search
    first_started, told_to_stop = threading.Event(), threading.Event()
    texts: list[str] = []

    def slow_first(ws, text, **kw):  # type: ignore[no-untyped-def]
        texts.append(text)
        if len(texts) == 1:  # the first search hangs until the window says it is no longer wanted
            first_started.set()
            for _ in range(500):
                if not kw["wanted"]():
                    told_to_stop.set()
                    raise search.Superseded
                time.sleep(0.01)
        return real(ws, text, **kw)

    monkeypatch.setattr(search, "search", slow_first)
    window.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(window.search_edit, "premier")
    qtbot.waitUntil(first_started.is_set)
    qtbot.keyClicks(window.search_edit, " support price")
    qtbot.waitUntil(lambda: answer_ready(window), timeout=10_000)
    assert told_to_stop.is_set()  # stopped by the newer search, not by running out of patience
    assert texts == ["premier", "premier support price"]  # the queued search ran once, with the whole text
    assert window._shown_query == "premier support price"
    assert "price-premier-support-cost" in visible_ids(window)[:3]


def test_up_down_move_through_results_while_typing(qtbot, window) -> None:
    ask(qtbot, window, "support tiers")
    assert window.results_model.rowCount() >= 3
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert window.current_hit()[1] == 3
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Up)
    assert window.current_hit()[1] == 2
    assert QApplication.focusWidget() is window.search_edit  # the rep keeps typing
    qtbot.waitUntil(lambda: answer_ready(window))
    assert window.answer_view.item.record.id == window.current_hit()[0].id


def test_escape_and_ctrl_k_focus_and_clear_the_search(qtbot, window) -> None:
    ask(qtbot, window, "support tiers")
    window.results_view.setFocus()
    qtbot.keyClick(window.results_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.text() == ""
    assert QApplication.focusWidget() is window.search_edit
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 0)
    qtbot.keyClicks(window.search_edit, "anything")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Escape)
    assert window.search_edit.text() == ""


def test_a_pasted_email_keeps_the_window_responsive(qtbot, window) -> None:
    paragraph = (
        "Hi team, following up on yesterday's call. Our security officer asked whether you have a SOC 2 "
        "Type II report, how you handle data residency in the EU, and what support tiers exist. "
    )
    email = (paragraph * 40)[:5000]
    assert len(email) == 5000
    ticks: list[int] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start()
    QGuiApplication.clipboard().setText(email)
    window.search_edit.setFocus()
    qtbot.keyClick(window.search_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.text() == email  # the whole email is kept in the box
    before = len(ticks)
    qtbot.waitUntil(lambda: answer_ready(window), timeout=20_000)
    heartbeat.stop()
    assert len(ticks) > before  # the event loop kept running while the search ran
    assert len(window.search.text()) <= MAX_QUERY
    assert window.results_model.rowCount() > 0
    qtbot.keyClicks(window.search_edit, " thanks")  # still typing after the paste
    qtbot.waitUntil(lambda: answer_ready(window), timeout=20_000)


def test_no_results_explains_the_gap_shortcut(qtbot, window) -> None:
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "zzqxv")
    qtbot.waitUntil(window.search.idle)
    assert window.results_model.rowCount() == 0
    assert "Ctrl+G" in window.answer_view.toPlainText()
