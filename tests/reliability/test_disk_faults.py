"""A full disk, a read-only home: one line naming the home and the cause, a non-zero exit, nothing
committed lost, no partial backup left (issue 20, item 3). A real small tmpfs home, mounted as root
(CI runs as root; elsewhere these tests are skipped)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root and must be able to mount a small tmpfs home")
        pytest.skip("mounting a small tmpfs home needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8M", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs: {done.stderr}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def kb(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(home), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def _one_clear_line(done: subprocess.CompletedProcess[str], home: Path, cause: str) -> None:
    assert done.returncode == 3, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and str(home) in errors[0] and cause in errors[0], done.stderr


def _home_on(disk: Path) -> Path:
    home = disk / "home"
    folder = disk.parent / "content"
    folder.mkdir(exist_ok=True)
    (folder / "trial.md").write_text("---\nquestion: Is there a trial?\n---\nYes, 30 days.\n", encoding="utf-8")
    assert kb(home, "import", str(folder)).returncode == 0
    for n in range(3):
        assert kb(home, "log", "add", "--question", f"Asked before the disk filled {n}?").returncode == 0
    return home


def test_a_full_disk_is_one_line_and_loses_nothing(small_disk: Path) -> None:
    home = _home_on(small_disk)
    filler = _fill(small_disk)
    _one_clear_line(kb(home, "log", "add", "--question", "Asked on a full disk?"), home, "the disk is full")
    _one_clear_line(kb(home, "backup"), home, "the disk is full")
    assert not list((home / "backups").glob("*.part")) if (home / "backups").exists() else True
    filler.unlink()
    done = kb(home, "log", "list", "--json")
    assert done.returncode == 0, done.stderr
    asked = [e["question"] for e in json.loads(done.stdout)]
    assert sorted(asked) == [f"Asked before the disk filled {n}?" for n in range(3)]
    assert kb(home, "backup").returncode == 0


def test_a_read_only_home_is_one_line(small_disk: Path) -> None:
    home = _home_on(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (["stats"], ["search", "trial"], ["log", "add", "--question", "Read-only?"]):
        _one_clear_line(kb(home, *args), home, "cannot write to the data folder")


def test_the_app_on_a_read_only_home_says_so_not_already_open(small_disk: Path, tmp_path: Path) -> None:
    home = _home_on(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "desktop", "--home", str(home), "--screenshot",
                           str(tmp_path / "shot.png")], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "cannot write to its data folder" in done.stderr and "already open" not in done.stderr
