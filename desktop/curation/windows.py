"""Opening the curation windows when a window (or the Content menu) asks the context for one.

Why a module of its own: the windows hold a :class:`CurationContext` and ask it for other windows;
if the context built them itself, it would import every window and every window it (a circle).
Here the context stays below the windows, and this module, above both, answers its requests.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.curation.context import CurationContext
from desktop.curation.editor import ItemEditor
from desktop.curation.history import HistoryWindow
from desktop.curation.queues import QueuesWindow
from desktop.workers import describe
from indexer.app.curation import EditorData

STILL_IMPORTING = "The content is still being imported; try again in a moment."


def answer_requests(ctx: CurationContext) -> None:
    """Open the editor, the history and the queues whenever ``ctx`` is asked for them."""

    def open_editor(item_id: str | None, gap_id: int | None, on_open: Callable[[QWidget], None] | None) -> None:
        """Load (off the GUI thread) and show an editor for an item, a gap's answer, or a new item."""
        if ctx.ws is None:
            ctx.message.emit(STILL_IMPORTING)
            return

        def show(data: EditorData) -> None:
            win = ctx.show(ItemEditor(ctx, data))
            if on_open is not None:
                on_open(win)

        ctx.reads.submit(ctx.curation().editor_data, item_id, gap_id, on_done=show,
                         on_failed=lambda e: ctx.message.emit(f"Cannot open the editor: {describe(e)}"))  # fmt: skip

    def open_history(item_id: str) -> None:
        if ctx.ws is None:
            ctx.message.emit(STILL_IMPORTING)
            return
        ctx.show(HistoryWindow(ctx, item_id))

    def open_queues() -> None:
        if ctx.ws is None:
            ctx.message.emit(STILL_IMPORTING)
            return
        ctx.show(QueuesWindow(ctx))

    ctx.editorWanted.connect(open_editor)
    ctx.historyWanted.connect(open_history)
    ctx.queuesWanted.connect(open_queues)
