"""History: versions with who and when, the diff of any two (coloured from the palette), restore."""

from __future__ import annotations

from indexer.app import search as app_search
from dataclasses import replace

from PySide6.QtGui import QColor

from desktop.curation.history import HistoryWindow
from desktop.curation.widgets import removed_color
from desktop.theme import ok_color
from indexer.app.curation import Curation
from kb.services.roles import resolve_actor
from tests.desktop_curation.conftest import ITEM
from tests.desktop_curation.helpers import TIMEOUT, open_editor, save

NEW_LINE = "Reps stop objecting once they see the private flag."


def _edit_first_line(qtbot, ctx) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, ctx, ITEM)
    body = editor.body.toPlainText()
    old_line = body.splitlines()[0]
    editor.body.setPlainText(body.replace(old_line, NEW_LINE, 1))
    assert save(qtbot, editor).version == 2
    return old_line, body


def _history(qtbot, ctx) -> HistoryWindow:  # type: ignore[no-untyped-def]
    win = HistoryWindow(ctx, ITEM)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.diffShown, timeout=TIMEOUT):
        win.show()
    return win


def _line_colour(win: HistoryWindow, prefix: str) -> QColor:
    block = win.diff_view.document().firstBlock()
    while block.isValid() and not (block.text().startswith(prefix) and not block.text().startswith(prefix * 3)):
        block = block.next()
    assert block.isValid(), f"no {prefix!r} line"
    ranges = block.layout().formats()  # keep the list alive while reading from it
    fmt = ranges[0].format
    return QColor(fmt.foreground().color())


def test_diff_shows_the_changed_line_in_palette_colours(qtbot, ctx) -> None:
    old_line, _ = _edit_first_line(qtbot, ctx)
    win = _history(qtbot, ctx)
    versions = win.model.rows()
    assert [v.version for v in versions] == [1, 2] and versions[-1].saved_by == "Ada Expert"
    text = win.diff_view.toPlainText()  # the last two versions are selected on open
    assert f"-{old_line}" in text and f"+{NEW_LINE}" in text
    assert "Comparing v1 → v2" in win.compare_label.text()
    assert _line_colour(win, "+") == ok_color(win.diff_view.palette())
    assert _line_colour(win, "-") == removed_color(win.diff_view.palette())


def test_any_two_versions_and_restore(qtbot, ctx) -> None:
    old_line, original = _edit_first_line(qtbot, ctx)
    cur = Curation(ctx.ws, resolve_actor())
    cur.save(replace(app_search.get_item(ctx.ws, ITEM), owner="Someone Else"))  # v3
    win = _history(qtbot, ctx)
    with qtbot.waitSignal(win.diffShown, timeout=TIMEOUT) as blocker:
        win.select_versions(1, 3)
    assert f"-{old_line}" in blocker.args[0] and "+owner: Someone Else" in blocker.args[0]
    with qtbot.waitSignal(win.diffShown, timeout=TIMEOUT):
        win.select_versions(1)
    assert win.restore_button.isEnabled()
    with qtbot.waitSignal(win.restored, timeout=TIMEOUT) as blocker:
        win.restore_button.click()
    assert blocker.args[0].version == 4
    restored = app_search.get_item(ctx.ws, ITEM)
    assert restored.body == original and restored.owner != "Someone Else"
    qtbot.waitUntil(lambda: win.model.rowCount() == 4, timeout=TIMEOUT)
    assert "Restored v1 as v4" in win.banner.text()
    win.select_versions(4)
    assert not win.restore_button.isEnabled()  # the current version is not "restored"


def test_rep_cannot_restore(qtbot, ctx, monkeypatch) -> None:
    _edit_first_line(qtbot, ctx)
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "rep")
    win = _history(qtbot, ctx)
    with qtbot.waitSignal(win.diffShown, timeout=TIMEOUT):
        win.select_versions(1)
    win.restore_selected()
    qtbot.waitUntil(lambda: "Not allowed" in win.banner.text(), timeout=TIMEOUT)
    assert app_search.get_item(ctx.ws, ITEM).version == 2


def test_versions_model(qtbot, qtmodeltester, ctx) -> None:
    _edit_first_line(qtbot, ctx)
    win = _history(qtbot, ctx)
    qtmodeltester.check(win.model)
