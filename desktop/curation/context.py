"""What the curation windows share: the workspace, the two runners, who is acting, and how to
ask for one window from another (the Stale tab asks for the editor, the editor for the history;
:mod:`desktop.curation.windows` opens them).

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
from desktop.workers import READ_THREADS, Runner
from indexer.app.actors import Actor, current_actor
from indexer.app.curation import Curation
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
    #: One window asks for another (the Stale tab for the editor, the editor for the history) by
    #: these; :mod:`desktop.curation.windows` answers them, so no window module imports another.
    editorWanted = Signal(object, object, object)  # item id | None, gap id | None, on_open | None
    historyWanted = Signal(str)
    queuesWanted = Signal()

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

    def show(self, win: QWidget) -> QWidget:
        """Show a curation window and keep it alive while it is open."""
        self.windows = [w for w in self.windows if w.isVisible()]
        self.windows.append(win)
        win.show()
        win.raise_()
        win.activateWindow()
        return win

    # -- asking for a window: desktop.curation.windows opens it (this module imports no window) ----------
    def open_editor(self, item_id: str | None = None, *, gap_id: int | None = None,
                    on_open: Callable[[QWidget], None] | None = None) -> None:  # fmt: skip
        """An editor for an item, a gap's answer (``gap_id``), or a new item (neither)."""
        self.editorWanted.emit(item_id, gap_id, on_open)

    def open_history(self, item_id: str) -> None:
        self.historyWanted.emit(item_id)

    def open_queues(self) -> None:
        self.queuesWanted.emit()
