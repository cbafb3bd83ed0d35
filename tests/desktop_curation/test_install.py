"""``install``: the Content menu, its shortcuts and tooltips, and what it does without a workspace."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow

from desktop.curation import install
from desktop.curation.editor import ItemEditor
from desktop.curation.queues import QueuesWindow
from indexer.engine.results import Hit
from tests.desktop_curation.conftest import ITEM
from tests.desktop_curation.helpers import TIMEOUT


class Host(QMainWindow):
    """What the main window offers: ``current_hit()`` and a status bar."""

    def __init__(self) -> None:
        super().__init__()
        self.hit: Hit | None = None

    def current_hit(self):  # type: ignore[no-untyped-def]
        return (self.hit, 1) if self.hit else None


def _host(qtbot, ws):  # type: ignore[no-untyped-def]
    host = Host()
    qtbot.addWidget(host)
    holder = {"ws": ws}
    install(host, lambda: holder["ws"])
    host.show()
    return host, holder


def _close_all(host) -> None:  # type: ignore[no-untyped-def]
    for win in host.curation.windows:
        win.close()
    host.curation.reads.wait(10)
    host.curation.writer.wait(10)


def test_menu_shortcuts_and_tooltips(qtbot, workspace) -> None:
    host, _ = _host(qtbot, workspace)
    menu = next(a for a in host.menuBar().actions() if a.text() == "&Content").menu()
    by_text = {a.text(): a for a in menu.actions()}
    expected = {"&New Q&&A…": "Ctrl+Shift+N", "&Edit selected item…": "Ctrl+E", "&Curation…": "Ctrl+Shift+C"}
    assert set(by_text) == set(expected)
    for text, keys in expected.items():
        action = by_text[text]
        assert action.shortcut() == QKeySequence(keys)
        assert QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) in action.toolTip()


def test_no_workspace_yet_says_so(qtbot) -> None:
    host, _ = _host(qtbot, None)
    for action in host.curation_actions:
        action.trigger()
        assert "still being imported" in host.statusBar().currentMessage()
    assert host.curation.windows == []


def test_edit_selected_and_new_and_curation(qtbot, workspace) -> None:
    host, _ = _host(qtbot, workspace)
    new, edit, queues = host.curation_actions
    edit.trigger()
    assert "Select an answer" in host.statusBar().currentMessage()
    host.hit = Hit(id=ITEM, kind="qa", title="t", snippet="", score=1.0, rank=1)
    edit.trigger()
    new.trigger()
    queues.trigger()
    qtbot.waitUntil(lambda: len(host.curation.windows) == 3, timeout=TIMEOUT)
    editors = [w for w in host.curation.windows if isinstance(w, ItemEditor)]
    assert sorted(e.item.id if e.item else "" for e in editors) == ["", ITEM]
    assert any(isinstance(w, QueuesWindow) for w in host.curation.windows)
    for e in editors:
        qtbot.waitUntil(e.idle, timeout=TIMEOUT)
    _close_all(host)
