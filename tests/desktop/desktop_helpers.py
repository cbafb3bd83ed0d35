"""Driving the window the way a rep does: keystrokes in, then wait for what they would see."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt


def visible_ids(win: Any) -> list[str]:
    model = win.results_model
    return [model.hit(r).id for r in range(model.rowCount())]


def answer_ready(win: Any) -> bool:
    """The search settled, a row is selected and the answer pane shows that row's item."""
    selected = win.current_hit()
    item = win.answer_view.item
    return win.search.idle() and selected is not None and item is not None and item.record.id == selected[0].id


def ask(qtbot: Any, win: Any, question: str) -> None:
    """Type the question key by key into the search box and wait for the answer to show."""
    win.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(win.search_edit, question)
    qtbot.waitUntil(lambda: answer_ready(win), timeout=10_000)


def choose_no_deal(qtbot: Any, win: Any) -> None:
    """As a rep does when the call is not for a deal yet: Ctrl+D, "no deal", Enter. Logging then
    records stage "unknown" on purpose (without this choice, Ctrl+Enter asks for the deal first)."""
    qtbot.keyClick(win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(win.deal_picker.lineEdit().hasFocus, timeout=5_000)
    qtbot.keyClicks(win.deal_picker.lineEdit(), "no deal")
    qtbot.keyClick(win.deal_picker.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.deal_picker.deal_id() is None and win.search_edit.hasFocus(), timeout=5_000)
