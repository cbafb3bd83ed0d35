"""Putting items into a home in a test, without a role: what ``kb import`` does, one record at a time.

Test set-up only (the app's saves go through the curation use cases, which check the role); still
through the one write entry, so the index follows exactly as it does for every other write.
"""

from __future__ import annotations

from indexer.app.workspace import Workspace
from kb.records import ItemRecord
from kb.services import items


def save_item(ws: Workspace, record: ItemRecord, *, saved_by: str = "") -> ItemRecord:
    summary = ws.write(lambda s: items.save_records(s, [record], saved_by=saved_by)).value
    return summary.changed[0] if summary.changed else record


def set_item_status(ws: Workspace, item_id: str, status: str, *, saved_by: str = "") -> ItemRecord:
    return ws.write(lambda s: items.set_status(s, item_id, status, saved_by=saved_by)).value
