"""Importing item records: a Markdown folder, our CSV, a content pack or a BEIR folder, in one write.

Kept apart from :mod:`indexer.app.content` (which picks this or the document import by what the
path holds) because the document import also brings in the Markdown items found beside documents.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kb.importing import ImportReport, load_source
from kb.progress import ProgressFn, no_progress
from kb.services import items

from indexer.app.changes import Done
from indexer.app.workspace import Workspace


def import_records(ws: Workspace, path: Path, progress: ProgressFn = no_progress) -> Done[ImportReport]:
    """All or nothing: a ``Cancelled`` from ``progress`` while reading or saving changes nothing;
    one during indexing leaves the marker, so the next open rebuilds from the database."""
    path = Path(path)
    progress(0, 0, f"Reading {path.name}")
    kind, loaded = load_source(path, ws.store.stage_keys(), progress)
    report = ImportReport(str(path), kind, files=loaded.files, loaded=len(loaded.records), errors=loaded.errors)

    def save(s: Session) -> ImportReport:
        summary = items.save_records(s, loaded.records, saved_by="import", progress=progress)
        report.created, report.updated, report.unchanged = summary.created, summary.updated, summary.unchanged
        report.changed = summary.changed
        return report

    return ws.write(save, progress=progress)
