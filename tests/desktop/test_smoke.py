"""``expert-answers --smoke`` completes on a fresh home: the installation check CI runs on the
bundle must not stop at the deal picker (a log without a deal asks for one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_smoke_session_searches_and_logs_against_a_deal(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "desktop", "--home", str(tmp_path / "home"), "--smoke"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    logged = [ln for ln in done.stdout.splitlines() if ln.startswith("smoke: logged answer")]
    assert logged and "stage unknown" not in logged[0], done.stdout
    assert "smoke: search by meaning with onnx" in done.stdout, done.stdout  # the installed app runs ONNX Runtime


def test_the_smoke_session_fails_when_the_embedder_cannot_load(tmp_path: Path) -> None:
    """A bundle that lost ONNX Runtime must not pass its smoke run quietly searching by words."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXPERT_ANSWERS_EMBEDDER": "no-such-backend"}
    done = subprocess.run([sys.executable, "-m", "desktop", "--home", str(tmp_path / "home"), "--smoke"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "smoke: FAILED: the embedding model did not load" in done.stderr, done.stderr
