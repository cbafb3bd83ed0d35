"""Whether a writer is still alive is asked of an OS lock, not of the pid: on Windows
``os.kill(pid, 0)`` terminates the process it meant to test (issue 21, item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.paths import Home


def test_a_live_writers_marker_is_not_abandoned_and_a_dead_ones_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = Home(tmp_path).ensure()

    def no_kill(*_a: object) -> None:  # as on Windows: asking would kill
        raise AssertionError("os.kill must not be used to test a process")

    monkeypatch.setattr(os, "kill", no_kill)
    lock = home.hold_marker(os.getpid())
    again = home.hold_marker(os.getpid())  # nested in this process (another thread's write)
    assert home.abandoned_markers() == []
    again.release()
    assert home.abandoned_markers() == []
    lock.release()
    assert home.abandoned_markers() == [home.pending_marker(os.getpid())]  # released but left: a rebuild
    home.pending_marker(os.getpid()).unlink()

    script = ("import os, sys; from kb.paths import Home; h = Home(sys.argv[1]); held = h.hold_marker(os.getpid()); "
              "print(os.getpid(), flush=True); sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    pid = int(child.stdout.readline())  # type: ignore[union-attr]
    assert home.abandoned_markers() == []  # alive
    monkeypatch.undo()  # the test itself may kill its child
    child.kill()
    child.communicate()  # closes its pipes
    assert home.abandoned_markers() == [home.pending_marker(pid)]  # killed: its lock went with it


def test_a_save_on_windows_skips_the_directory_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no directory handles to fsync: the vector store's save must not try (os.name 'nt')."""
    import numpy as np

    from indexer.engine import vectors

    opened: list[object] = []
    real_open = os.open
    monkeypatch.setattr(vectors, "CAN_SYNC_DIRS", os.name == "nt")  # as the module decides on Windows
    monkeypatch.setattr(vectors.os, "open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k))
    store = vectors.VectorStore(tmp_path / "vectors")
    store._put_many(["a"], ["h"], np.eye(1, vectors.DIM, dtype=np.float32))
    store.save()
    assert opened == [] and vectors.VectorStore(tmp_path / "vectors").ids == ["a"]
