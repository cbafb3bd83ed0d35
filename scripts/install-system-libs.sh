#!/usr/bin/env sh
# The system libraries Qt needs to open a window on Linux (the xcb platform plugin, OpenGL, fonts,
# D-Bus), from Debian/Ubuntu's packages. Used by scripts/install.sh (the README's first command) and
# by .ci/run, so the list is written once. Elsewhere (macOS, Windows, other Linux) it says so and
# does nothing: Qt's wheels carry what those platforms need, or the distribution's own names differ.
set -eu

QT_SYSTEM_LIBS="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 \
libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1 fonts-dejavu-core"

if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-libs: not a Debian/Ubuntu system; skipping (Qt's wheels bring what they need elsewhere)."
  exit 0
fi

missing=""
for pkg in $QT_SYSTEM_LIBS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-system-libs: Qt needs these system packages:$missing" >&2
    echo "install-system-libs: run as root: apt-get install$missing" >&2
    exit 1
  fi
fi
echo "install-system-libs: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
