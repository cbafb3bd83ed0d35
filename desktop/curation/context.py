"""What the curation windows share: the workspace, the two runners, who is acting, and how to
open one window from another (the Stale tab opens the editor, the editor opens the history).

Built once by :func:`desktop.curation.install` (or by a test) and passed to every window — no
global lookup. Writes go through the main window's one serial writer when there is one, so a
curation save never races the rep's answer log for the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.curation import tasks
from desktop.workers import READ_THREADS, Runner
from kb.services.roles import Actor, resolve_actor


def _bound(owner: QObject, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Wrap ``on_done``/``on_failed`` so a result arriving after ``owner`` was deleted is dropped."""

    def guard(callback: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any) -> None:
            if shiboken6.isValid(owner):
                callback(*args)

        return call

    return {k: guard(v) if k in ("on_done", "on_failed") and v is not None else v for k, v in kwargs.items()}


class CurationContext(QObject):
    changed = Signal(str)  # an item id whose content changed (saved, verified, restored)
    message = Signal(str)  # for a status bar

    def __init__(
        self,
        workspace_getter: Callable[[], Any],
        *,
        reads: Runner | None = None,
        writer: Runner | None = None,
        actor: Callable[[], Actor] = resolve_actor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace_getter = workspace_getter
        self.reads = reads or Runner(READ_THREADS, "curation-read", self)
        self.writer = writer or Runner(1, "curation-write", self)
        self._actor = actor
        self.windows: list[QWidget] = []  # kept alive while open; results may still arrive

    # -- running work: results only reach windows that still exist --------------------------------------
    def read(self, owner: QObject, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.reads.submit(fn, *args, **_bound(owner, kwargs))

    def write(self, owner: QObject, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """On the one serial writer; the write happens even if ``owner`` is closed meanwhile."""
        self.writer.submit(fn, *args, **_bound(owner, kwargs))

    @property
    def ws(self) -> Any:
        return self.workspace_getter()

    def actor(self) -> Actor:
        """Resolved each time: the role comes from the environment (``EXPERT_ANSWERS_ROLE``)."""
        return self._actor()

    def _show(self, win: QWidget) -> QWidget:
        self.windows = [w for w in self.windows if w.isVisible()]
        self.windows.append(win)
        win.show()
        win.raise_()
        win.activateWindow()
        return win

    # -- opening windows ---------------------------------------------------------------------------
    def open_editor(self, item_id: str | None = None, *, gap_id: int | None = None,
                    on_open: Callable[[QWidget], None] | None = None) -> None:  # fmt: skip
        """Load (off the GUI thread) and show an editor for an item, a gap's answer, or a new item."""
        ws = self.ws
        if ws is None:
            self.message.emit("The content is still being imported; try again in a moment.")
            return

        def show(data: tasks.EditorData) -> None:
            from desktop.curation.editor import ItemEditor

            win = self._show(ItemEditor(self, data))
            if on_open is not None:
                on_open(win)

        self.reads.submit(tasks.editor_data, ws, item_id, gap_id, on_done=show,
                          on_failed=lambda m: self.message.emit(f"Cannot open the editor: {m}"))  # fmt: skip

    def open_history(self, item_id: str) -> QWidget | None:
        from desktop.curation.history import HistoryWindow

        if self.ws is None:
            self.message.emit("The content is still being imported; try again in a moment.")
            return None
        return self._show(HistoryWindow(self, item_id))

    def open_queues(self) -> QWidget | None:
        from desktop.curation.queues import QueuesWindow

        if self.ws is None:
            self.message.emit("The content is still being imported; try again in a moment.")
            return None
        return self._show(QueuesWindow(self))
