"""The PySide6 reference leak (desktop/qtcompat.py) cannot bring a long session down.

Unprotected, ~5,000 void Qt calls are enough to abort CPython 3.11 with ``none_dealloc``; this
test makes 100,000 of them plus 20,000 emits and checks the singletons still hold a safe margin.
"""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.qtcompat import PIN, pin_singletons


class Source(QObject):
    value = Signal(object)


def test_a_long_session_of_qt_calls_keeps_the_singletons_alive() -> None:
    active = pin_singletons()
    timer, source = QTimer(), Source()
    got: list[object] = []
    source.value.connect(got.append)
    for n in range(100_000):
        timer.setInterval(n % 7)  # void call: returns None
    for n in range(20_000):
        source.value.emit(n)
    assert got == list(range(20_000))
    if active:
        for obj in (None, True, False):
            assert sys.getrefcount(obj) > PIN // 2


def test_unprotected_process_survives_only_with_the_pin() -> None:
    """Documents the defect in a child process: with the pin, 200k void calls end normally."""
    code = (
        "from PySide6.QtCore import QTimer\n"
        "from desktop.qtcompat import pin_singletons\n"
        "pin_singletons()\n"
        "t = QTimer()\n"
        "for n in range(200_000): t.setInterval(n % 5)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
