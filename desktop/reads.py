"""Reads that add presentation to a use case: an item with its body rendered to safe HTML.

Rendering is the desktop's concern (``desktop.render``: python-markdown + nh3), so it is done here,
on the worker thread that loaded the item, and the GUI thread only paints.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.render import render_markdown
from indexer.app import search
from indexer.app.workspace import Workspace
from kb.records import ItemRecord


@dataclass(frozen=True)
class LoadedItem:
    record: ItemRecord
    body_html: str


def load_item(ws: Workspace, item_id: str) -> LoadedItem | None:
    record = search.get_item(ws, item_id)
    return None if record is None else LoadedItem(record, render_markdown(record.body))
