"""The Journey menu's CRM round trip: "Import deals from CRM…" and "Export answers for CRM…".

Both run on the app's one writer; the import's result (and every skipped row, by number) is shown
in a message box, and the deals it changed reach every open window through ``changed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from desktop.workers import Runner, describe
from indexer.app import crm
from indexer.app.workspace import Workspace, WorkspaceGetter

MAX_LISTED_ERRORS = 15


class CrmActions:
    def __init__(self, window: QMainWindow, workspace_getter: WorkspaceGetter, writer: Runner) -> None:
        self.window, self._get, self.writer = window, workspace_getter, writer

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _ready(self) -> Workspace | None:
        ws = self._get()
        if ws is None:
            self._status("The knowledge base is still being prepared — try again in a moment.")
        return ws

    def import_deals(self, path: Path | None = None) -> bool:
        if (ws := self._ready()) is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.window, "Import deals from a Salesforce or HubSpot export",
                                                    "", "CSV export (*.csv);;All files (*)")  # fmt: skip
            if not chosen:
                return False
            path = Path(chosen)
        self._status(f"Importing deals from {path.name}…")
        self.writer.submit(crm.import_crm_deals, ws, path, on_done=self._imported,
                           on_progress=lambda done, total, label: self._status(f"{label}: {done:,} of {total:,}…"),
                           on_failed=lambda e: self._show("Deals not imported", describe(e), error=True))  # fmt: skip
        return True

    def _imported(self, report: Any) -> None:
        name = {"salesforce": "Salesforce", "hubspot": "HubSpot"}.get(report.crm, report.crm)
        text = (f"{name}: {report.created} new deals, {report.updated} updated ({report.moved} stage moves, "
                f"{report.moved_back} back), {report.unchanged} unchanged.")  # fmt: skip
        if report.notes:
            text += " " + " ".join(n.message for n in report.notes)
        self._status(text)
        if report.errors:
            listed = "\n".join(f"• {e}" for e in report.errors[:MAX_LISTED_ERRORS])
            more = len(report.errors) - MAX_LISTED_ERRORS
            listed += f"\n… and {more} more" if more > 0 else ""
            self._show("Deals imported, some rows skipped", f"{text}\n\n{len(report.errors)} skipped:\n{listed}")

    def export_activities(self, path: Path | None = None) -> bool:
        if (ws := self._ready()) is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Export answered questions as CRM activities",
                                                    "expert-answers-activities.csv", "CSV (*.csv)")  # fmt: skip
            if not chosen:
                return False
            path = Path(chosen)
        self.writer.submit(crm.export_activities, ws, path,
                           on_done=lambda n: self._status(f"Wrote {n} activities to {path} — import them in your CRM."),
                           on_failed=lambda e: self._show("Not exported", describe(e), error=True))  # fmt: skip
        return True

    def _show(self, title: str, text: str, *, error: bool = False) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self.window)  # fmt: skip
        box.setObjectName("crmMessage")
        box.open()  # not exec(): the rep keeps working; tests read it without a nested loop


def install(window: QMainWindow, menu: QMenu, workspace_getter: WorkspaceGetter, writer: Runner) -> CrmActions:
    actions = CrmActions(window, workspace_getter, writer)
    menu.addSeparator()
    for text, tip, slot in (
        ("Import deals from &CRM…", "Deals from a Salesforce or HubSpot export; a re-import records stage moves",
         lambda: actions.import_deals()),
        ("E&xport answers for CRM…", "Answered questions as activities for your CRM's import",
         lambda: actions.export_activities()),
    ):  # fmt: skip
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
    return actions
