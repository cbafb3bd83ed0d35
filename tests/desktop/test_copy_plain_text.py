"""Enter copies the answer; pasted as plain text into a chat, its sentences are not broken at the
source file's hard wraps (issue 21, item 3)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_helpers import ask


def test_the_copied_plain_text_has_no_mid_sentence_breaks(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "hypercare first 90 days after go-live")  # an article whose source is hard-wrapped
    with qtbot.waitSignal(window.copied, timeout=10_000):
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    text = QGuiApplication.clipboard().mimeData().text()
    assert len(text) > 200
    assert not re.search(r"[a-z,;]\n[a-z]", text), text  # a line that stops mid-sentence
