"""Can Qt open a window here? Checked before ``QApplication`` so a missing system library gives one
clear line instead of Qt's abort (a core dump on a fresh Debian: "xcb-cursor0 or libxcb-cursor0 is
needed to load the Qt xcb platform plugin … Aborted").

Only the X11 (xcb) path needs this: it is Qt's default on Linux desktops and the one whose
libraries a minimal system lacks. Offscreen, Wayland, macOS and Windows skip the check.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Libraries Qt's xcb plugin loads itself (dlopen), which ``ldd`` on the plugin cannot see.
DLOPENED = ("libxcb-cursor.so.0",)
#: Debian/Ubuntu package of each library the xcb plugin needs.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0", "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1", "libOpenGL.so.0": "libopengl0", "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
}  # fmt: skip


def uses_xcb(environ: dict[str, str] | os._Environ[str] = os.environ, platform: str = sys.platform) -> bool:
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def _xcb_plugin_files() -> list[Path]:
    try:
        import PySide6
    except ImportError:
        return []
    qt = Path(PySide6.__file__).parent / "Qt"
    return [p for p in (qt / "plugins" / "platforms" / "libqxcb.so", *(qt / "lib").glob("libQt6XcbQpa.so*")) if p.exists()]


def _not_found_by_ldd(files: list[Path]) -> list[str]:
    if not shutil.which("ldd"):
        return []
    missing: list[str] = []
    for f in files:
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True, check=False).stdout
        missing += [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
    return missing


def _cannot_load(names: tuple[str, ...]) -> list[str]:
    missing = []
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def missing_libraries(dlopened: tuple[str, ...] = DLOPENED) -> list[str]:
    """Sonames the xcb plugin needs that this system cannot load, in a stable order."""
    found = _not_found_by_ldd(_xcb_plugin_files()) + _cannot_load(dlopened)
    return sorted(dict.fromkeys(found))


def problem(environ: dict[str, str] | os._Environ[str] = os.environ, dlopened: tuple[str, ...] = DLOPENED) -> str | None:
    """One line naming what stops Qt from opening a window and how to fix it, or None."""
    if not uses_xcb(environ):
        return None
    if not environ.get("DISPLAY"):
        return ("Expert Answers cannot open a window: no display (DISPLAY is not set). Run it in a desktop "
                "session, or set QT_QPA_PLATFORM=offscreen for headless use.")  # fmt: skip
    missing = missing_libraries(dlopened)
    if not missing:
        return None
    packages = sorted({DEBIAN_PACKAGES.get(m, m) for m in missing})
    return (f"Expert Answers cannot open a window: missing system {'library' if len(missing) == 1 else 'libraries'} "
            f"{', '.join(missing)}. Install with: sudo apt-get install {' '.join(packages)} "
            "(or run: sh scripts/install-system-libs.sh)")  # fmt: skip
