"""The main window's geometry and splitters, kept in the home's ``desktop.ini`` between sessions.

A first start (no saved state, or state from another screen that no longer restores) sizes the
window to 85% of the screen, up to 1280×820, results on the left two fifths.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication


def restore(win: Any, settings: QSettings) -> None:
    geometry = settings.value("window/geometry")
    if geometry is None or not win.restoreGeometry(geometry):
        screen = QGuiApplication.primaryScreen().availableGeometry()
        win.resize(min(1280, int(screen.width() * 0.85)), min(820, int(screen.height() * 0.85)))
    width, height = win.width(), win.height()
    defaults = ((win.splitter, "window/splitter", [width * 2 // 5, width * 3 // 5]),
                (win.right_splitter, "window/answer-splitter", [height * 3 // 4, height // 4]))  # fmt: skip
    for splitter, key, sizes in defaults:
        state = settings.value(key)
        if state is None or not splitter.restoreState(state):
            splitter.setSizes(sizes)


def save(win: Any, settings: QSettings) -> None:
    settings.setValue("window/geometry", win.saveGeometry())
    settings.setValue("window/splitter", win.splitter.saveState())
    settings.setValue("window/answer-splitter", win.right_splitter.saveState())
    settings.sync()
