"""The answer pane: the selected item, rendered, with its expert and freshness on top.

Why a ``QTextBrowser`` subclass: it must never fetch anything (the HTML is sanitized, but an item
could still name an image or a local file), and links must leave the app for the system browser
instead of replacing the answer the rep is reading aloud.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop.reads import LoadedItem
from desktop.render import answer_html
from desktop.theme import muted_color, warn_color

SAFE_LINK_SCHEMES = ("http", "https", "mailto")
#: How a clicked link leaves the app; a module attribute so tests can check it without a browser.
open_external = QDesktopServices.openUrl


class AnswerView(QTextBrowser):
    """Read-only rich text; resources are never loaded, links open outside the app."""

    linkOpened = Signal(QUrl)  # for tests and the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self._item: LoadedItem | None = None
        self._hint = ""
        self.document().setDocumentMargin(self.fontMetrics().height() * 0.6)
        self.show_hint("Type the prospect's question. The best answer appears here.")

    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 - Qt's signature
        """Nothing is fetched: not remote images, not local files, whatever the HTML asks for."""
        return None

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_LINK_SCHEMES:
            open_external(url)
            self.linkOpened.emit(url)

    @property
    def item(self) -> LoadedItem | None:
        return self._item

    def show_item(self, loaded: LoadedItem) -> None:
        self._item = loaded
        self._render()

    def show_hint(self, text: str) -> None:
        self._item = None
        self._hint = text
        self._render()

    def _render(self) -> None:
        pal = self.palette()
        muted = muted_color(pal).name()
        if self._item is None:
            self.setHtml(f'<p style="color:{muted}">{escape(self._hint)}</p>')
            return
        self.setHtml(answer_html(self._item.record, self._item.body_html, warn=warn_color(pal).name(), muted=muted))

    def changeEvent(self, event: QEvent) -> None:
        """Re-render when the OS switches light/dark: the inline colours come from the palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
