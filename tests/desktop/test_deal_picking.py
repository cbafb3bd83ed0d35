"""Picking the deal as a rep does, with keys only: a log never lands at stage "unknown" by accident
(issue 21, items 1 and 2)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_helpers import ask


def _type_in_picker(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.deal_picker.lineEdit().hasFocus, timeout=5_000)
    qtbot.keyClicks(window.deal_picker.lineEdit(), text)


def test_typing_part_of_a_name_and_enter_picks_that_deal(qtbot, window, two_deals) -> None:  # type: ignore[no-untyped-def]
    beta = next(d for d, stage in two_deals.items() if stage == "decision")
    _type_in_picker(qtbot, window, "beta")
    qtbot.keyClick(window.deal_picker.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.deal_picker.deal_id() == beta, timeout=5_000)
    assert "Beta Logistics" in window.deal_picker.currentText()
    assert "Decision" in window.stage_label.text()
    qtbot.waitUntil(window.search_edit.hasFocus, timeout=5_000)  # back to the question


def test_ctrl_enter_without_a_deal_asks_for_it_and_logs_at_its_stage(qtbot, window, workspace, two_deals) -> None:  # type: ignore[no-untyped-def]
    from indexer.app import answers

    window.deal_picker.select_deal(None)
    ask(qtbot, window, "single sign-on with Okta")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.deal_picker.lineEdit().hasFocus, timeout=5_000)
    assert answers.list_log(workspace, limit=5) == [] or all(e.question != "single sign-on with Okta"
                                                             for e in answers.list_log(workspace, limit=5))
    qtbot.keyClicks(window.deal_picker.lineEdit(), "acme")
    with qtbot.waitSignal(window.logged, timeout=10_000):
        qtbot.keyClick(window.deal_picker.lineEdit(), Qt.Key.Key_Return)
    entry = answers.list_log(workspace, limit=1)[0]
    assert entry.question == "single sign-on with Okta" and entry.stage == "consideration"


def test_no_deal_chosen_on_purpose_is_remembered_for_the_call(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    from indexer.app import answers

    window.deal_picker.select_deal(None)
    ask(qtbot, window, "single sign-on with Okta")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.deal_picker.lineEdit().hasFocus, timeout=5_000)
    qtbot.keyClicks(window.deal_picker.lineEdit(), "no deal")
    with qtbot.waitSignal(window.logged, timeout=10_000):
        qtbot.keyClick(window.deal_picker.lineEdit(), Qt.Key.Key_Return)
    assert answers.list_log(workspace, limit=1)[0].stage == "unknown"
    window.search_edit.clear()
    ask(qtbot, window, "Do you support SCIM provisioning?")
    with qtbot.waitSignal(window.logged, timeout=10_000):  # the second one logs at once
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
