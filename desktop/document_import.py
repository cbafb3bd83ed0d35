"""Content → Import documents…: the team's PDFs, Word, PowerPoint, Excel, HTML exports and mail threads.

A dialog rather than the status-bar job: a folder of documents takes minutes and ends in a report
(what came in, what was skipped as unchanged, which files were refused and why, what repeats an
existing item) that the expert reads line by line — the same lines ``kb import`` prints. The work
runs on the window's one writer; Cancel stops at the next file, keeps the batches already saved and
says so (importing the same folder again resumes).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMenu,
                               QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout)

from desktop.workers import describe
from indexer.app import documents
from kb.progress import cancellable

KINDS = "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), HTML (Confluence, Zendesk exports), email (.eml, .mbox)"
FILTER = "Documents (*.pdf *.docx *.pptx *.xlsx *.xlsm *.csv *.html *.htm *.eml *.mbox);;All files (*)"


class DocumentImportDialog(QDialog):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Import documents")
        self.setObjectName("documentImportDialog")
        self._cancel: threading.Event | None = None
        self.report: documents.DocumentReport | None = None

        intro = QLabel(
            f"Bring in the team's expertise: {KINDS}. Documents become articles split by their headings, "
            "slides or pages; RFP answer spreadsheets become Q&A pairs; customer threads become "
            "suggestions in the experts' queue. Re-importing updates in place; unchanged files are skipped."
        )
        intro.setWordWrap(True)
        self.folder_button = QPushButton("Choose &folder…")
        self.file_button = QPushButton("Choose f&ile…")
        self.folder_button.clicked.connect(self._choose_folder)
        self.file_button.clicked.connect(self._choose_file)
        pick = QHBoxLayout()
        pick.addWidget(self.folder_button)
        pick.addWidget(self.file_button)
        pick.addStretch(1)

        self.status = QLabel("Nothing imported yet.")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.hide()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("importReport")
        self.text.setPlaceholderText("The import report appears here: every file that was not imported, and why.")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.cancel_button = self.buttons.addButton("Cancel import", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(pick)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(820, 520)

    # -- choosing --------------------------------------------------------------------------------
    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder of documents")
        if path:
            self.start(Path(path))

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a document", "", FILTER)
        if path:
            self.start(Path(path))

    # -- running ---------------------------------------------------------------------------------
    def busy(self) -> bool:
        return self._cancel is not None

    def start(self, path: Path) -> bool:
        win = self.window_
        if win.ws is None or self.busy():
            self.status.setText("Wait for the current import to finish.")
            return False
        ws = win.ws
        cancel = self._cancel = threading.Event()
        self._set_running(True, f"Importing {path} …")
        self.text.clear()
        win.writer.submit(
            lambda progress: documents.import_documents(ws, path, cancellable(progress, cancel)),
            on_done=self._finished, on_failed=self._failed, on_progress=self._progress,
        )  # fmt: skip
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("Cancelling after the current file…")

    def _progress(self, done: int, total: int, label: str) -> None:
        self.bar.setRange(0, total or 0)
        if total:
            self.bar.setValue(min(done, total))
            self.bar.setFormat("%v of %m files")
        self.status.setText(label)

    def _finished(self, report: documents.DocumentReport) -> None:
        self._show(report)
        self.status.setText("Done: everything in the report below is searchable now." if report.ok else
                            f"Done, with {len(report.errors)} file(s) not imported (listed below).")  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, documents.CancelledImport):
            self._show(exc.report)
            self.window_.writer.changed.emit(exc.changes)  # what was saved before the cancel
            self.status.setText("Cancelled. What was imported stays; import the same folder again to resume.")
        else:
            self._set_running(False, describe(exc))

    def _show(self, report: documents.DocumentReport) -> None:
        self.report = report
        self._set_running(False, "")
        self.text.setPlainText("\n".join(report.lines()))

    def _set_running(self, running: bool, message: str) -> None:
        if not running:
            self._cancel = None
        self.folder_button.setEnabled(not running)
        self.file_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.bar.setVisible(running)
        if running:
            self.bar.setRange(0, 0)
        self.status.setText(message)

    def reject(self) -> None:
        """Closing while an import runs cancels it (what was saved stays)."""
        self.cancel()
        super().reject()


class DocumentImport:
    """The Content menu's "Import documents…" action and its one dialog (made when first opened)."""

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        self.window = window
        self._dialog: DocumentImportDialog | None = None
        self.action = QAction("Import &documents…", window)
        tip = "Import PDF, Word, PowerPoint, Excel, HTML exports and email threads, with a report"
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.setObjectName("importDocumentsAction")
        self.action.triggered.connect(self.open)
        window.cancel_hooks.append(self._cancel)  # type: ignore[attr-defined]  # closing the window cancels
        menu.addAction(self.action)

    def dialog(self) -> DocumentImportDialog:
        if self._dialog is None:
            self._dialog = DocumentImportDialog(self.window)
        return self._dialog

    def open(self) -> None:
        dialog = self.dialog()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _cancel(self) -> None:
        if self._dialog is not None:
            self._dialog.cancel()
