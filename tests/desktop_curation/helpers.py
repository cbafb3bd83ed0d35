"""Opening the curation windows the way the menu does, and waiting for what an expert would see."""

from __future__ import annotations

from indexer.app import search as app_search
from typing import Any


TIMEOUT = 10_000


def open_editor(qtbot: Any, ctx: Any, item_id: str | None = None, gap_id: int | None = None) -> Any:
    """Build the editor from data loaded exactly as ``ctx.open_editor`` loads it."""
    from desktop.curation.editor import ItemEditor

    editor = ItemEditor(ctx, ctx.curation().editor_data(item_id, gap_id))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(editor.idle, timeout=TIMEOUT)
    return editor


def save(qtbot: Any, editor: Any, signal: str = "saved") -> Any:
    with qtbot.waitSignal(getattr(editor, signal), timeout=TIMEOUT) as blocker:
        editor.save_button.click()
    return blocker.args[0]


def save_refused(qtbot: Any, editor: Any, how: str = "save") -> Any:
    with qtbot.waitSignal(editor.refused, timeout=TIMEOUT) as blocker:
        getattr(editor, how)()
    return blocker.args[0]


def ids(ws: Any, text: str) -> list[str]:
    return [h.id for h in app_search.search(ws, text, limit=10, expert=True).hits]
