"""Where Qt cannot open a window, the app says why in one line and exits: never Qt's core dump."""

from __future__ import annotations

import os
import subprocess
import sys

from desktop import preflight


def test_only_the_x11_path_is_checked() -> None:
    assert preflight.uses_xcb({}, "linux")
    assert preflight.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not preflight.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not preflight.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not preflight.uses_xcb({}, "darwin")
    assert preflight.problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_a_missing_library_is_named_with_the_command_that_installs_it() -> None:
    line = preflight.problem({"DISPLAY": ":0"}, dlopened=("libxcb-cursor.so.0", "libdoes-not-exist.so.9"))
    assert line is not None and "\n" not in line
    assert "libdoes-not-exist.so.9" in line and "sudo apt-get install" in line
    assert "libdoes-not-exist.so.9" in line.split("apt-get install", 1)[1]  # no package known: the name itself


def test_the_app_started_without_a_display_prints_one_line_and_exits(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "desktop", "--home", str(tmp_path / "home")], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [out.stderr.strip()] and "no display" in out.stderr
