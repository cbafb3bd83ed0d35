"""Small widgets the curation windows share: the coloured diff view, a preview that never loads
anything, a message banner, and a table view set up the same way everywhere.

Colours come from the palette (``desktop.theme``) and are re-derived when it changes, so a diff
stays readable in dark mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl
from PySide6.QtGui import QColor, QFontDatabase, QPalette, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import blend, is_dark, muted_color, ok_color, warn_color

Role = QPalette.ColorRole


def removed_color(palette: QPalette) -> QColor:
    """A red with contrast on the window background in light and dark themes."""
    return QColor("#ff7b72") if is_dark(palette) else QColor("#b3261e")


def diff_formats(palette: QPalette) -> dict[str, QTextCharFormat]:
    base = palette.color(Role.Base)
    out = {}
    for key, colour in (("+", ok_color(palette)), ("-", removed_color(palette)), ("@", muted_color(palette))):
        fmt = QTextCharFormat()
        fmt.setForeground(colour)
        if key != "@":
            fmt.setBackground(blend(base, colour, 0.14))
        out[key] = fmt
    return out


class DiffHighlighter(QSyntaxHighlighter):
    """Added lines green, removed lines red, file and hunk headers muted."""

    def __init__(self, document: Any, palette: QPalette) -> None:
        super().__init__(document)
        self.formats = diff_formats(palette)

    def set_palette(self, palette: QPalette) -> None:
        self.formats = diff_formats(palette)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if text.startswith(("+++", "---", "@@")):
            key = "@"
        elif text[:1] in ("+", "-"):
            key = text[:1]
        else:
            return
        self.setFormat(0, len(text), self.formats[key])


class DiffView(QPlainTextEdit):
    """A unified diff in a monospace, read-only view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setPlaceholderText("Select versions to compare.")
        self.highlighter = DiffHighlighter(self.document(), self.palette())

    def set_diff(self, text: str, empty: str = "No differences: the content is the same.") -> None:
        self.setPlainText(text if text.strip() else empty)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
        super().changeEvent(event)


class SafePreview(QTextBrowser):
    """Shows sanitized HTML; never fetches a resource (images, style sheets), local or remote,
    and never follows a link — the preview is for reading, not browsing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, type: int, name: QUrl) -> Any:
        return None


class Banner(QLabel):
    """A message above the buttons: errors in the warning colour, confirmations in the ok colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)
        self.kind = ""

    def show_message(self, text: str, kind: str = "error") -> None:
        self.kind = kind
        colour = ok_color(self.palette()) if kind == "ok" else warn_color(self.palette())
        self.setStyleSheet(f"color: {colour.name()}; font-weight: 600;")
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setVisible(False)


def table_view(model: Any, parent: QWidget | None = None, *, multi: bool = False) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    mode = QAbstractItemView.SelectionMode
    view.setSelectionMode(mode.ExtendedSelection if multi else mode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setWordWrap(False)
    return view


def selected_rows(view: QTableView) -> list[int]:
    return sorted({i.row() for i in view.selectionModel().selectedRows()})


def titled(title: str, widget: QWidget) -> QWidget:
    """``widget`` under a label that is its buddy (Alt+mnemonic focuses it)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


def single_shot(parent: QObject, ms: int, slot: Callable[[], None]) -> QTimer:
    """A debounce timer: connect keystrokes to ``start`` so each one restarts it (STYLE §8)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


class SimilarPanel(QWidget):
    """The duplicate guard's side list: existing items close to the question being written."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from desktop.curation.models import SimilarModel

        super().__init__(parent)
        self.model = SimilarModel(self)
        self.view = table_view(self.model)
        self.view.setToolTip("Double-click to open an existing item and extend it instead")
        self.hint = QLabel("Similar existing items appear here while you write the question.")
        self.hint.setWordWrap(True)
        self.open_button = QPushButton("&Open selected to extend it")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Similar existing items</b>"))
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.open_button)
