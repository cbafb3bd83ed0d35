"""The buyer-journey windows (Deals, Insight, Gap queue) and the "Journey" menu that opens them.

``install(window, workspace_getter)`` is the one entry point: the main window passes itself and a
callable returning its current ``Workspace`` (None while the first-launch import runs). Nothing is
global: the windows and runners hang off a ``Journey`` object parented to the main window.

Writes share the main window's serial writer (``window.writer``) when it has one, so a deal move
and a logged answer can never interleave; a bare window gets its own single-thread writer.
"""

from __future__ import annotations


from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop.journey import crm_actions
from desktop.secondary import fit_to_screen, make_closable, remember_geometry
from desktop.menus import add_menu
from desktop.workers import READ_THREADS, Runner
from indexer.app.workspace import Workspace, WorkspaceGetter

MENU_TITLE = "&Journey"
WINDOWS = (
    ("deals", "&Deals…", "Ctrl+Shift+D", "Deals and their journeys: stage moves, loops, questions asked"),
    ("insight", "&Insight…", "Ctrl+Shift+I", "What buyers ask at each stage, answer rates, items, loops"),
    ("gaps", "&Gap queue…", "Ctrl+Shift+G", "Open gaps grouped by similar question: the experts' to-do list"),
)
NOT_READY = "The knowledge base is still being prepared — try again in a moment."


def _runner(window: QWidget, attr: str, threads: int, name: str) -> Runner:
    existing = getattr(window, attr, None)
    return existing if isinstance(existing, Runner) else Runner(threads, name, window)


class Journey(QObject):
    """Opens (or raises) each journey window for the current workspace."""

    def __init__(self, window: QMainWindow, workspace_getter: WorkspaceGetter) -> None:
        super().__init__(window)
        self.setObjectName("journey")
        self._window, self._get = window, workspace_getter
        self.reads = _runner(window, "reads", READ_THREADS, "journey-read")
        self.writer = _runner(window, "writer", 1, "journey-write")
        self.windows: dict[str, QWidget] = {}
        self.actions: dict[str, QAction] = {}
        self.crm: crm_actions.CrmActions | None = None  # set by install()

    def _build(self, key: str, ws: Workspace) -> QWidget:
        if key == "deals":
            from desktop.journey.deals_view import DealsWindow

            return DealsWindow(ws, self.reads, self.writer, self._window)
        if key == "insight":
            from desktop.journey.insight_view import InsightWindow

            return InsightWindow(ws, self.reads, self._window, changed=self.writer.changed)
        from desktop.journey.gaps_view import GapsWindow

        return GapsWindow(ws, self.reads, self.writer, self._window)

    def open(self, key: str) -> QWidget | None:
        ws = self._get()
        if ws is None:
            bar = self._window.statusBar() if isinstance(self._window, QMainWindow) else None
            if bar is not None:
                bar.showMessage(NOT_READY, 6000)
            return None
        win = self.windows.get(key)
        if win is None or getattr(win, "workspace", None) is not ws:
            if win is not None:
                win.close()
                win.deleteLater()
            win = self.windows[key] = self._build(key, ws)
            make_closable(win)
            remember_geometry(win, getattr(self._window, "settings", None), key)
            fit_to_screen(win)
        win.refresh()  # type: ignore[attr-defined]
        win.show()
        win.raise_()
        win.activateWindow()
        return win


def install(window: QMainWindow, workspace_getter: WorkspaceGetter) -> None:
    """Add the "Journey" menu to ``window``'s menu bar: Deals…, Insight…, Gap queue…."""
    journey = Journey(window, workspace_getter)
    menu = add_menu(window, MENU_TITLE)
    menu.setObjectName("journeyMenu")
    for key, text, shortcut, tip in WINDOWS:
        action = QAction(text, window)
        action.setObjectName(f"journey-{key}")
        action.setShortcut(QKeySequence(shortcut))
        native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({native})")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, k=key: journey.open(k))
        menu.addAction(action)
        journey.actions[key] = action
    journey.crm = crm_actions.install(window, menu, workspace_getter, journey.writer)


def journey_of(window: QWidget) -> Journey | None:
    """The ``Journey`` installed on ``window`` (for tests and the main window's close handling)."""
    return window.findChild(Journey, "journey")
