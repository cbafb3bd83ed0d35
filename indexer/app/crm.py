"""The CRM round trip: deals in from a Salesforce or HubSpot export, answers out as activities.

``kb deal import`` / ``kb log export --format crm-csv`` and the Journey menu's "Import deals from
CRM…" / "Export answers for CRM…" call these.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kb.crm.activities import activities, write_activities
from kb.crm.deal_import import DealImportReport, import_deals
from kb.crm.exports import read_export
from kb.crm.stage_map import load_stage_map
from kb.progress import ProgressFn, no_progress

from indexer.app.changes import Done
from indexer.app.workspace import Workspace

__all__ = ["DealImportReport", "export_activities", "import_crm_deals"]


def import_crm_deals(ws: Workspace, path: Path, *, mapping: Path | None = None,
                     progress: ProgressFn = no_progress) -> Done[DealImportReport]:
    """Create or update a deal per export row in one transaction; a bad mapping changes nothing."""
    export = read_export(Path(path), progress)
    stage_map = load_stage_map(Path(mapping) if mapping else ws.home.crm_stages_path, ws.store.stage_keys(),
                               create=mapping is None)
    return ws.write(lambda s: import_deals(s, export, stage_map, progress=progress))


def export_activities(ws: Workspace, path: Path, *, since: datetime | None = None) -> int:
    """Answered questions as CRM activities; returns the number of rows written."""
    rows = ws.read(lambda s: activities(s, since=since))
    return write_activities(rows, Path(path))
