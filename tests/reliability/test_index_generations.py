"""An open home's search follows a rebuild made by another process, and no process deletes the
index generation another one is still reading (issue 20, item 1)."""

from __future__ import annotations

from tests.items import save_item
from indexer.app.content import open_home
from indexer.app import search as app_search
import os
import subprocess
import sys
from pathlib import Path

from kb.records import ItemRecord
from indexer.app.workspace import SEED_NONE, Workspace
from indexer.engine import generations

REPO = Path(__file__).resolve().parents[2]


def kb(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "indexer.cli", "--home", str(home), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ})


def _home(tmp_path: Path) -> Workspace:
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    for n in range(6):
        save_item(ws, ItemRecord(id=f"q{n}", kind="qa", title=f"Question {n} about per-seat pricing?",
                                body=f"Answer {n}: pricing is per seat."))
    return ws


def test_an_open_home_keeps_finding_answers_while_another_process_reindexes(tmp_path: Path) -> None:
    ws = _home(tmp_path)
    try:
        assert len(app_search.search(ws, "per-seat pricing", mode="lexical").hits) == 6
        for _ in range(2):  # twice: the second used to delete the generation the open home read
            done = kb(tmp_path / "home", "reindex")
            assert done.returncode == 0, done.stderr
            # Within the second after its last check the home still reads its generation (kept for it);
            # after that it reads the new one. Either way the rep gets every answer.
            result = app_search.search(ws, "per-seat pricing", mode="lexical")
            assert len(result.hits) == 6 and not result.index_problem
            ws.index._local.checked = 0.0  # as a search a second later
            result = app_search.search(ws, "per-seat pricing", mode="lexical")
            assert len(result.hits) == 6 and not result.index_problem
        live = generations.current_dir(ws.index.index_dir)
        assert live is not None and ws.index._ix_dir == live  # it follows the new generation
        # A write from the open home lands in the live generation, where the next kb command reads it.
        save_item(ws, ItemRecord(id="new", kind="qa", title="Is there a per-seat discount for NGOs?",
                                body="Yes, 30%."))
        found = kb(tmp_path / "home", "search", "discount NGOs", "--mode", "lexical", "--json")
        assert '"new"' in found.stdout, found.stdout + found.stderr
    finally:
        ws.close()
    kb(tmp_path / "home", "stats")  # nobody reads the old generations any more: they go
    assert [p.name for p in ws.index.index_dir.glob("gen-*")] == [live.name]


def test_a_generation_another_process_reads_is_never_deleted(tmp_path: Path) -> None:
    ws = _home(tmp_path)
    reading = ws.index._ix_dir
    assert reading is not None
    script = ("import sys; from indexer.engine import generations; from pathlib import Path; "
              "print(generations.cleanup(Path(sys.argv[1]), keep=set()))")
    out = subprocess.run([sys.executable, "-c", script, str(ws.index.index_dir)], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.strip() == "[]" and reading.is_dir()
    ws.close()  # the reader is gone (a SIGKILLed one too: the OS drops its lock)
    out = subprocess.run([sys.executable, "-c", script, str(ws.index.index_dir)], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert reading.name in out.stdout and not reading.exists()


def test_a_search_that_meets_a_vanished_generation_reopens_the_current_one(tmp_path: Path) -> None:
    """Even if the files went (a generation deleted by an older version), the next search switches
    to the live generation and answers; it never returns an unexplained empty list."""
    import shutil

    ws = _home(tmp_path)
    other = open_home(tmp_path / "home", seed=SEED_NONE)
    other.rebuild_index()
    other.close()
    old = ws.index._ix_dir
    assert old is not None and old != generations.current_dir(ws.index.index_dir)
    shutil.rmtree(old)
    ws.index._local.checked = 0.0  # as a search a second later would
    assert len(app_search.search(ws, "per-seat pricing", mode="lexical").hits) == 6
    ws.close()
