"""What every secondary window (Deals, Insight, Gap queue) does the same way: Esc and Ctrl+W close
it, it reopens where the rep left it, and it opens no larger than the screen it opens on (a 1440-px window on a 1366-px laptop cut off
its right-hand columns and buttons)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

#: The share of the available screen a window may take at most when it opens.
MAX_SHARE = 0.92


class _Geometry(QObject):
    """Saves the window's geometry when it closes or hides, under ``geometry/<key>``."""

    def __init__(self, win: QWidget, settings: QSettings, key: str) -> None:
        super().__init__(win)
        self._settings, self._key = settings, key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Close, QEvent.Type.Hide) and isinstance(watched, QWidget):
            self._settings.setValue(f"geometry/{self._key}", watched.saveGeometry())
        return False


def remember_geometry(win: QWidget, settings: QSettings | None, key: str) -> None:
    """Open where the rep left it last time (then kept within the screen by :func:`fit_to_screen`)."""
    if settings is None:
        return
    saved = settings.value(f"geometry/{key}")
    if saved:
        win.restoreGeometry(saved)
    win.installEventFilter(_Geometry(win, settings, key))


class _Closer(QObject):
    """Closes its window on Esc or Ctrl+W (Cmd+W on macOS) that no child widget used: a key event
    a child ignores travels up to the window, where this filter sees it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            close = event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier
            close = close or event.matches(QKeySequence.StandardKey.Close) or (
                event.key() == Qt.Key.Key_W and event.modifiers() == Qt.KeyboardModifier.ControlModifier)
            if close and isinstance(watched, QWidget):
                watched.close()
                return True
        return False


def make_closable(win: QWidget) -> None:
    if win.property("closable"):
        return
    closer = _Closer(win)
    win.installEventFilter(closer)
    win.setProperty("closable", True)


def fit_to_screen(win: QWidget) -> None:
    screen = win.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    avail = screen.availableGeometry()
    width = min(win.width(), int(avail.width() * MAX_SHARE))
    height = min(win.height(), int(avail.height() * MAX_SHARE))
    if (width, height) != (win.width(), win.height()):
        win.resize(width, height)
    geo = win.frameGeometry()
    if not avail.contains(geo):
        geo.moveCenter(avail.center())
        win.move(geo.topLeft())
