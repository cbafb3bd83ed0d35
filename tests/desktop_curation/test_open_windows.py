"""Every window listens to ``changed`` (issue 23): an item saved elsewhere while its editor or
history is open shows there — the editor says so without touching the form, the history lists the
new version — and the window that saved skips its own broadcast."""

from __future__ import annotations

from tests.desktop_curation.conftest import ITEM
from tests.desktop_curation.helpers import TIMEOUT, open_editor, save

from desktop.curation.history import HistoryWindow


def test_an_edit_elsewhere_tells_an_open_editor_without_touching_its_form(qtbot, ctx) -> None:
    mine, other = open_editor(qtbot, ctx, ITEM), open_editor(qtbot, ctx, ITEM)
    mine.body.setPlainText("My unsaved wording.")
    other.body.setPlainText(other.body.toPlainText() + "\n\nA line added in the other window.")
    with qtbot.waitSignal(mine.changedElsewhere, timeout=TIMEOUT), qtbot.assertNotEmitted(other.changedElsewhere):
        save(qtbot, other)
    assert "changed since you opened it" in mine.banner.text() and mine.reload_button.isVisible()
    assert mine.body.toPlainText() == "My unsaved wording."  # non-blocking: nothing the expert typed is lost


def test_an_open_history_lists_a_version_saved_elsewhere(qtbot, ctx) -> None:
    history = HistoryWindow(ctx, ITEM)
    qtbot.addWidget(history)
    with qtbot.waitSignal(history.historyShown, timeout=TIMEOUT):
        history.show()
    editor = open_editor(qtbot, ctx, ITEM)
    editor.body.setPlainText(editor.body.toPlainText() + "\n\nOne more line.")
    with qtbot.waitSignal(history.historyShown, timeout=TIMEOUT) as shown:
        save(qtbot, editor)
    assert shown.args[0] == 2
