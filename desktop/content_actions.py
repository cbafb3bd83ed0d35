"""Long content work from the app: import a folder, CSV library or pack, and rebuild the index.

Both run on the one writer with the status-bar progress bar and its Cancel button. Cancelling (or
closing the window) raises ``Cancelled`` from the progress callback at the next report: an import
then changes nothing (one transaction), and a rebuild keeps serving the old index generation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from desktop.document_import import DocumentImport
from desktop.workers import describe
from indexer.app import content
from indexer.app.documents import CancelledImport
from indexer.app.errors import Cancelled
from kb.progress import ProgressFn, cancellable

STATUS_MS = 8000


class ContentJobs:
    """Starts one long job at a time and wires its progress, cancel and result to the window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self._cancel: threading.Event | None = None
        self.documents: DocumentImport | None = None
        window.progress.cancelRequested.connect(self.cancel)

    def busy(self) -> bool:
        return self._cancel is not None

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _run(self, label: str, work: Callable[[ProgressFn], Any], done: Callable[[Any], str]) -> bool:
        win = self.window
        if win.ws is None or self.busy():
            win.statusBar().showMessage("Wait for the current work to finish.", STATUS_MS)
            return False
        cancel = self._cancel = threading.Event()
        win.cancel_hooks.append(cancel.set)  # closing the window cancels it too

        def finished(value: Any) -> None:
            self._end(cancel)
            win.statusBar().showMessage(done(value), STATUS_MS)

        def failed(exc: BaseException) -> None:
            self._end(cancel)
            message = f"{label} cancelled; nothing was changed." if isinstance(exc, Cancelled) else describe(exc)
            if isinstance(exc, CancelledImport):  # documents are saved in batches: say what stays
                message = f"{label} {exc}."
            win.statusBar().showMessage(message, STATUS_MS)

        win.progress.set_cancellable(True)
        win.show_progress(0, 0, label)
        win.writer.submit(lambda progress: work(cancellable(progress, cancel)), on_done=finished, on_failed=failed,
                          on_progress=win.show_progress)  # fmt: skip
        return True

    def _end(self, cancel: threading.Event) -> None:
        self._cancel = None
        if cancel.set in self.window.cancel_hooks:
            self.window.cancel_hooks.remove(cancel.set)
        self.window.progress.finish()

    def import_path(self, path: Path) -> bool:
        ws = self.window.ws

        def report(r: Any) -> str:
            skipped = f"; {len(r.errors)} skipped: {r.errors[0]}" if r.errors else ""
            return f"Imported {r.loaded} items from {Path(r.source).name}: {r.created} new, {r.updated} updated{skipped}"

        return self._run(f"Importing {Path(path).name}", lambda p: content.import_content(ws, Path(path), p), report)

    def rebuild_index(self) -> bool:
        ws = self.window.ws
        return self._run("Rebuilding the search index", lambda p: content.rebuild_index(ws, p),
                         lambda n: f"Search index rebuilt: {n:,} items.")  # fmt: skip


def install(window: QMainWindow, menu: QMenu) -> ContentJobs:
    """Add "Import content…" and "Rebuild search index" to ``menu`` (the Content menu)."""
    jobs = ContentJobs(window)

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(
            window, "Import content", "", "Content (*.md *.csv *.zip);;All files (*)"
        )
        if not path:
            path = QFileDialog.getExistingDirectory(window, "…or import a content folder")
        if path:
            jobs.import_path(Path(path))

    for text, shortcut, tip, slot in (
        ("&Import content…", "Ctrl+Shift+O", "Import a Markdown folder, a CSV answer library or a .zip pack", choose),
        ("&Rebuild search index", "", "Rebuild the search index from the database", jobs.rebuild_index),
    ):
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        if slot is choose:
            jobs.documents = DocumentImport(window, menu)  # Import documents… (PDF, Office, HTML, mail)
    return jobs
