"""Curation inside the app: the item editor, an item's history, and the experts' queues.

The main window calls :func:`install` once; it adds a "Content" menu whose commands open the
windows of this package. Everything here talks to the core through ``indexer.app.curation.Curation``
(expert writes that keep the search index in step) on the main window's runners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from desktop.curation import windows
from desktop.curation.context import CurationContext
from desktop.menus import add_menu
from indexer.app.workspace import WorkspaceGetter

STATUS_MS = 6000

__all__ = ["CurationContext", "install"]


def _action(window: Any, text: str, shortcut: str, tip: str, slot: Callable[[], None]) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({native})")
    action.setStatusTip(f"{tip} ({native})")
    action.triggered.connect(slot)
    window.addAction(action)  # the shortcut works wherever focus is in the window
    return action


def install(window: Any, workspace_getter: WorkspaceGetter) -> None:
    """Add the "&Content" menu to ``window`` (a QMainWindow with ``current_hit()``).

    ``workspace_getter()`` returns the open Workspace, or None while the first-launch import is
    still running (the commands then say so in the status bar). Writes use ``window.writer`` —
    the app's one serial database writer — and reads ``window.reads``, when the window has them.
    """
    ctx = CurationContext(workspace_getter, reads=getattr(window, "reads", None),
                          writer=getattr(window, "writer", None), parent=window)  # fmt: skip
    windows.answer_requests(ctx)
    window.curation = ctx
    status = window.statusBar()
    ctx.message.connect(lambda text: status.showMessage(text, STATUS_MS))

    def edit_selected() -> None:
        if workspace_getter() is None:
            ctx.open_editor()  # says the import is still running
            return
        selected = window.current_hit()
        if selected is None:
            status.showMessage("Select an answer in the results first, then Ctrl+E edits it.", STATUS_MS)
            return
        ctx.open_editor(selected[0].id)

    menu = add_menu(window, "&Content")
    actions = (
        _action(window, "&New Q&&A…", "Ctrl+Shift+N", "Write a new Q&A pair", lambda: ctx.open_editor()),
        _action(window, "&Edit selected item…", "Ctrl+E", "Edit the selected answer", edit_selected),
        _action(window, "&Curation…", "Ctrl+Shift+C", "Stale reviews, suggestions and gaps", ctx.open_queues),
    )
    for action in actions:
        menu.addAction(action)
    window.curation_actions = actions
    window.content_menu = menu
