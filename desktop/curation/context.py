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

from desktop.curation.outcome import Outcome, refusal
from desktop.workers import READ_THREADS, Runner, describe
from indexer.app.actors import Actor, current_actor
from indexer.app.curation import Curation, EditorData
from indexer.app.workspace import Workspace, WorkspaceGetter


def _bound(owner: QObject, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Wrap ``on_done``/``on_failed`` so a result arriving after ``owner`` was deleted is dropped."""

    def guard(callback: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any) -> None:
            if shiboken6.isValid(owner):
                callback(*args)

        return call

    return {k: guard(v) if k in ("on_done", "on_failed") and v is not None else v for k, v in kwargs.items()}


class CurationContext(QObject):
    message = Signal(str)  # for a status bar

    def __init__(
        self,
        workspace_getter: WorkspaceGetter,
        *,
        reads: Runner | None = None,
        writer: Runner | None = None,
        actor: Callable[[], Actor] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace_getter = workspace_getter
        self.reads = reads or Runner(READ_THREADS, "curation-read", self)
        self.writer = writer or Runner(1, "curation-write", self)
        self._actor = actor
        self.windows: list[QWidget] = []  # kept alive while open; results may still arrive
        #: The app's one broadcast (the writer's): what any write changed, for every open window.
        self.changed = self.writer.changed

    # -- running work: results only reach windows that still exist --------------------------------------
    def read(self, owner: QObject, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.reads.submit(fn, *args, **_bound(owner, kwargs))

    def write(self, owner: QObject, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """On the one serial writer; the write happens even if ``owner`` is closed meanwhile. Its
        Changes are broadcast as made by ``owner``."""
        kwargs.setdefault("initiator", owner)
        self.writer.submit(fn, *args, **_bound(owner, kwargs))

    def act(self, owner: QObject, fn: Callable[..., Any], *args: Any, then: Callable[[Outcome], None]) -> None:
        """A curation write whose end, success or expected refusal, ``then`` shows as an Outcome."""
        self.write(owner, fn, *args, on_done=lambda value: then(Outcome(value)),
                   on_failed=lambda exc: then(refusal(exc)))  # fmt: skip

    @property
    def ws(self) -> Workspace | None:
        return self.workspace_getter()

    def actor(self) -> Actor:
        """Resolved each time: the team member this home joined as, else the environment
        (``EXPERT_ANSWERS_ROLE``)."""
        return self._actor() if self._actor is not None else current_actor(ws=self.ws)

    def curation(self) -> Curation:
        """The curation use cases for the current workspace, as the current actor."""
        return Curation(self.ws, self.actor())

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

        def show(data: EditorData) -> None:
            from desktop.curation.editor import ItemEditor

            win = self._show(ItemEditor(self, data))
            if on_open is not None:
                on_open(win)

        self.reads.submit(self.curation().editor_data, item_id, gap_id, on_done=show,
                          on_failed=lambda e: self.message.emit(f"Cannot open the editor: {describe(e)}"))  # fmt: skip

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
