"""Cold start of the pip-installed app against the PyInstaller bundle, on the same machine in one run.

Each launcher runs ``--smoke`` (open the home, search a question, log the answer, quit): first on a
fresh home (the first launch imports the bundled content), then again on that home (a rep's
everyday start). Run it where Qt can show a window, e.g.:

    python -m desktop.bundle                      # builds dist/expert-answers
    xvfb-run -a python benchmarks/cold_start.py --bundle dist/expert-answers/expert-answers --runs 3

Prints the median wall time of each launcher and start, and the bundle's size beside the venv's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str], home: Path) -> float:
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(home)}
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, "--smoke"], env=env, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} --smoke failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def _size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6, 1)


def measure(cmd: list[str], runs: int) -> dict[str, float]:
    first, again = [], []
    for _ in range(runs):
        home = Path(tempfile.mkdtemp(prefix="ea-cold-"))
        try:
            first.append(_timed(cmd, home))
            again.append(_timed(cmd, home))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    return {"first_run_s": round(statistics.median(first), 2), "next_start_s": round(statistics.median(again), 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, help="the bundled binary (dist/expert-answers/expert-answers)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    installed = Path(sys.executable).with_name("expert-answers")
    out = {"pip": {**measure([str(installed)], args.runs), "install_mb": _size_mb(Path(sys.prefix))}}
    if args.bundle:
        out["bundle"] = {**measure([str(args.bundle)], args.runs), "install_mb": _size_mb(args.bundle.parent)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
