"""SIGKILL in the middle of writes: committed data survives and the next start repairs the index."""

from __future__ import annotations

from tests.items import save_item
from indexer.app.content import open_home
from indexer.app import search as app_search
from indexer.app import content as app_content
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.app.workspace import SEED_NONE, Workspace
from kb.paths import Home
from kb.services import answer_log, deals
from kb.store import Store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics")

LOG_WRITER = """
import sys
from kb.paths import Home
from kb.store import Store
from kb.services import answer_log, deals
store = Store(Home(sys.argv[1]))
with store.session() as s:
    deals.create_deal(s, "Crash deal", deal_id="crash")
n = 0
while True:
    with store.session() as s:
        e = answer_log.add_entry(s, f"Question {n}?", deal_id="crash", outcome="partial")
    print(e.id, flush=True)  # printed only after the commit returned
    n += 1
"""


def _start(args: list[str], *, capture: bool = False) -> subprocess.Popen[str]:
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=out, text=True)


def test_killed_while_logging_keeps_every_committed_entry(tmp_path: Path) -> None:
    proc = _start([sys.executable, "-c", LOG_WRITER, str(tmp_path)], capture=True)
    committed: list[int] = []
    with proc:
        assert proc.stdout is not None and proc.stderr is not None
        while len(committed) < 40:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"writer died: {proc.stderr.read()}")
            committed.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    store = Store(Home(tmp_path))
    with store.session() as s:
        stored = {e.id for e in answer_log.list_entries(s)}
    assert set(committed) <= stored
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def _write_content(folder: Path, n: int) -> None:
    for i in range(n):
        path = folder / f"bulk-{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\nid: bulk-{i:05d}\nquestion: Bulk question number {i} about zebra{i} pricing?\n"
            f"stages: [decision]\n---\nAnswer {i} mentions quokka{i}.\n"
        )


def _kill_when(proc: subprocess.Popen[str], started: Callable[[], bool], delay: float) -> bool:
    """SIGKILL ``delay`` seconds after the work visibly started; True if it was still running."""
    deadline = time.monotonic() + 60
    while not started() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.25])
def test_killed_during_import_leaves_all_or_nothing_and_a_matching_index(tmp_path: Path, delay: float) -> None:
    home = tmp_path / "home"
    ws = open_home(home, seed=SEED_NONE)
    with ws.store.session() as s:  # a used home: `kb` must not seed the demo content into it
        deals.create_deal(s, "Existing deal")
    ws.close()
    src = tmp_path / "src"
    _write_content(src, 4000)
    proc = _start([sys.executable, "-m", "indexer.cli", "--home", str(home), "import", str(src)])
    assert _kill_when(proc, lambda: any(home.glob("index-pending.*")), delay), "import finished before the kill"

    ws = open_home(home, seed=SEED_NONE)
    stats = app_content.stats(ws)
    assert stats["qa"] in (0, 4000)  # one transaction: never a partial import
    assert stats["indexed"] == stats["qa"]
    if stats["qa"]:
        assert app_search.search(ws, "zebra1234").ids()[:1] == ["bulk-01234"]
    ws.close()


def test_killed_during_rebuild_keeps_a_working_index(tmp_path: Path) -> None:
    home = tmp_path / "home"
    src = tmp_path / "src"
    _write_content(src, 1500)
    ws = open_home(home, seed=SEED_NONE)
    app_content.import_content(ws, src)
    ws.close()
    generations = set((home / "index").glob("gen-*"))
    proc = _start([sys.executable, "-m", "indexer.cli", "--home", str(home), "reindex"])
    assert _kill_when(proc, lambda: set((home / "index").glob("gen-*")) - generations != set(), 0.1)

    ws = open_home(home, seed=SEED_NONE)
    assert app_content.stats(ws)["indexed"] == 1500
    assert app_search.search(ws, "quokka77").ids()[:1] == ["bulk-00077"]
    ws.close()


def test_a_write_that_never_reached_the_index_is_repaired_on_the_next_open(tmp_path: Path) -> None:
    from kb.records import ItemRecord
    from kb.services.items import save_records

    home = Home(tmp_path)
    ws = open_home(home, seed=SEED_NONE)
    save_item(ws, ItemRecord(id="a", kind="qa", title="Original wording?", body="x"))
    ws.close()
    # A process died after committing an edit but before updating the index.
    store = Store(home)
    with store.session() as s:
        save_records(s, [ItemRecord(id="a", kind="qa", title="Edited wallaby wording?", body="x")])
    store.close()
    home.pending_marker(999_999_999).touch()

    ws = open_home(home, seed=SEED_NONE)
    assert any("earlier run stopped" in n for n in ws.notices)
    assert app_search.search(ws, "wallaby").ids() == ["a"]
    assert not home.abandoned_markers()
    ws.close()


def test_a_save_while_another_process_holds_the_index_says_so_and_damages_nothing(tmp_path: Path, monkeypatch) -> None:
    from indexer.engine import search_index
    from indexer.engine.search_index import IndexBusyError
    from kb.records import ItemRecord

    monkeypatch.setattr(search_index, "WRITER_WAIT_S", 0.2)
    ws = open_home(tmp_path, seed=SEED_NONE)
    save_item(ws, ItemRecord(id="a", kind="qa", title="Kept wombat question?", body="x"))
    other = ws.index._require_index().writer()  # as if the app were mid-import
    try:
        with pytest.raises(IndexBusyError, match="being written by another program"):
            save_item(ws, ItemRecord(id="b", kind="qa", title="New question?", body="y"))
    finally:
        other.cancel()
    assert ws.index.needs_rebuild() is None
    assert app_search.search(ws, "wombat").ids() == ["a"]
    ws.close()
    ws = open_home(tmp_path, seed=SEED_NONE)  # the saved row reaches the index on the next open
    assert app_search.search(ws, "new question").ids()[:1] == ["b"]
    ws.close()
