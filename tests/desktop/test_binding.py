"""The installed Qt binding keeps CPython's reference counts straight.

PySide6 6.12.0 returned ``None`` from void methods and ``True`` from ``emit`` without taking a
reference; on CPython 3.11 a session aborted with ``bool_dealloc`` within a thousand signal emits.
6.11.3 (and 6.8–6.10) lose none, so ``pyproject.toml`` keeps PySide6 below 6.12 rather than patching
the interpreter. This test is what fails if a release with the defect is ever installed: it runs in a
child process, since the defect kills the interpreter it runs in.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject, QTimer, Signal

class Source(QObject):
    value = Signal(object)
    ping = Signal()

timer, source = QTimer(), Source()
got = []
source.value.connect(got.append)
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for n in range(100_000):
    timer.setInterval(n % 7)  # a void call: returns None
for n in range(20_000):
    source.ping.emit()  # returns True
    source.value.emit(n)
assert got == list(range(20_000))
print(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
"""


def test_a_long_session_of_qt_calls_loses_no_references() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr  # 6.12.0: "Fatal Python error: bool_dealloc"
    lost_none, lost_true = map(int, out.stdout.split())
    assert lost_none < 100 and lost_true < 100  # a leak loses one per call: 100,000 and 20,000
