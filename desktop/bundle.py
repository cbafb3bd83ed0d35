"""``python -m desktop.bundle``: a one-folder app for field laptops (PyInstaller), demo content inside.

Reps do not run pip: this builds ``dist/expert-answers/`` with the interpreter, Qt, the search
engine, the embedding model, the alembic migrations and the bundled knowledge base. Copy the folder
and run ``expert-answers`` in it. ``--smoke`` then checks the build for real: it starts the bundled
binary on a fresh home, searches, logs one answer and exits (CI runs it under Xvfb).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "expert-answers"
#: Qt modules the app never imports; PySide6's hooks would otherwise drag some in.
EXCLUDED = ("PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore", "PySide6.QtQuick",
            "PySide6.QtQml", "PySide6.QtMultimedia", "PySide6.QtPdf", "tkinter", "torch", "matplotlib")  # fmt: skip


def build(dist: Path, work: Path) -> Path:
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        raise SystemExit("PyInstaller is not installed: pip install -e '.[bundle]'") from None
    sep = os.pathsep
    args = [
        str(ROOT / "packaging" / "expert_answers_main.py"), "--name", NAME, "--onedir", "--noconfirm", "--clean",
        "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
        "--add-data", f"{ROOT / 'content'}{sep}content",
        "--add-data", f"{ROOT / 'kb' / 'migrations'}{sep}kb/migrations",
        "--collect-data", "all_minilm_l6_v2", "--hidden-import", "all_minilm_l6_v2",
        "--hidden-import", "tokenizers", "--hidden-import", "onnxruntime", "--hidden-import", "onnx",
        "--collect-submodules", "whoosh",
        "--hidden-import", "sqlalchemy.dialects.sqlite", "--hidden-import", "sqlalchemy.dialects.postgresql.psycopg",
        "--hidden-import", "PySide6.QtCharts", "--log-level", "WARN",
    ]  # fmt: skip
    for module in EXCLUDED:
        args += ["--exclude-module", module]
    pyinstaller.run(args)
    return dist / NAME


def folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6, 1)


def smoke(app_dir: Path) -> int:
    """Run the bundled binary on a fresh home; returns its exit code and prints its cold start."""
    home = Path(tempfile.mkdtemp(prefix="ea-bundle-smoke-"))
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(home)}
    t0 = time.perf_counter()
    proc = subprocess.run([str(app_dir / NAME), "--smoke"], env=env, capture_output=True, text=True, timeout=600)
    print(proc.stdout.strip())
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
    print(f"bundle smoke: exit {proc.returncode} in {time.perf_counter() - t0:.1f} s (first run: imports the content)")
    shutil.rmtree(home, ignore_errors=True)
    return proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.bundle", description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--smoke", action="store_true", help="after building, run the bundled app's smoke check")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ea-pyinstaller-") as work:
        t0 = time.perf_counter()
        app_dir = build(args.dist, Path(work))
        print(f"bundle: {app_dir} ({folder_mb(app_dir)} MB) built in {time.perf_counter() - t0:.0f} s")
    return smoke(app_dir) if args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
