"""Start-up: first launch imports in the background while the rep can already type; the window
remembers its geometry; ``--screenshot`` writes a PNG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from desktop_helpers import answer_ready
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.app import Startup, parse_args, settings_for
from desktop.main_window import MainWindow
from kb.paths import Home

REPO = Path(__file__).resolve().parents[2]


def test_first_launch_imports_in_the_background_while_the_rep_types(qtbot, tmp_path: Path) -> None:
    home = Home(tmp_path / "fresh").ensure()
    window = MainWindow(settings_for(home))
    qtbot.addWidget(window)
    window.show()
    args, _ = parse_args(["--home", str(home.root), "--no-demo"])
    startup = Startup(QApplication.instance(), window, args, home)
    progress: list[tuple[int, int, str]] = []
    window.progress.bar.valueChanged.connect(lambda v: progress.append((v, 0, "")))
    try:
        with qtbot.waitSignal(window.workspaceReady, timeout=60_000):
            startup.start()
            assert window.progress.isVisibleTo(window)  # the progress bar is up during the import
            qtbot.keyClicks(window.search_edit, "support tiers")  # typing works before the import ends
        qtbot.waitUntil(lambda: answer_ready(window), timeout=10_000)
        assert not window.progress.isVisibleTo(window)
        assert "Imported" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: "items" in window.counts.text())
    finally:
        window.close()
        if startup.ws is not None:
            startup.ws.close()


def test_window_geometry_is_remembered_in_the_home(qtbot, home: Home) -> None:
    first = MainWindow(settings_for(home))
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)
    qtbot.waitUntil(lambda: first.size().width() == 720)
    first.close()
    assert (home.root / "desktop.ini").exists()
    second = MainWindow(settings_for(home))
    qtbot.addWidget(second)
    assert (second.size().width(), second.size().height()) == (720, 520)
    second.close()


@pytest.mark.slow
def test_screenshot_flag_writes_a_png(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "desktop", "--home", str(tmp_path / "home"), "--screenshot", str(shot),
           "--query", "support tiers"]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() > 400 and image.height() > 300


def test_a_fresh_demo_home_searches_by_meaning_from_the_first_paint(qtbot, tmp_path: Path) -> None:
    """The demo's vectors ship with it and are adopted before the window gets the home: the status
    bar never shows "Searching by words" on a fresh demo home."""
    home = Home(tmp_path / "fresh").ensure()
    window = MainWindow(settings_for(home))
    qtbot.addWidget(window)
    window.show()
    args, _ = parse_args(["--home", str(home.root)])
    startup = Startup(QApplication.instance(), window, args, home)
    labels: list[str] = []
    window.workspaceReady.connect(lambda: labels.append(window.meaning_label.text()))
    try:
        with qtbot.waitSignal(window.workspaceReady, timeout=120_000):
            startup.start()
        assert labels == ["Words + meaning"]
    finally:
        window.close()
        if startup.ws is not None:
            startup.ws.close()
