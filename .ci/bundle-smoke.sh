#!/usr/bin/env bash
# Build the one-folder bundle for field laptops and check it for real: the bundled binary starts on
# a fresh home under Xvfb (the X11 path a rep's desktop uses, not offscreen), searches, logs one
# answer and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v xvfb-run >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends xvfb xauth >/dev/null
fi
.venv/bin/python -m pip install -q -e '.[bundle]'
env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m desktop.bundle --smoke
