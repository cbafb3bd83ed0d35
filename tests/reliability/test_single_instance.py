"""Only one app per home: a second start on the same data folder says so and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile

ROOT = Path(__file__).resolve().parents[2]


def test_second_instance_on_the_same_home_is_refused(tmp_path: Path) -> None:
    lock = QLockFile(str(tmp_path / "app.lock"))
    assert lock.tryLock(100)
    try:
        out = subprocess.run(
            [sys.executable, "-c",
             "import sys; from PySide6.QtWidgets import QMessageBox;"
             "QMessageBox.warning = staticmethod(lambda *a, **k: print('WARNED', a[2]));"
             "from desktop.app import main; sys.exit(main(['--home', sys.argv[1]]))", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )  # fmt: skip
    finally:
        lock.unlock()
    assert out.returncode == 1, out.stderr
    assert "already open on this data folder" in out.stdout
