"""A damaged meaning index never bricks a home (issue 20, item 2): it is moved aside with one line,
every command works, words search answers, and it is embedded again."""

from __future__ import annotations

from tests.items import save_item
from indexer.app.content import open_home
from indexer.app import search as app_search
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from kb.records import ItemRecord
from indexer.app.workspace import SEED_NONE, Workspace
from indexer.engine.vectors import DIM, VectorStore

REPO = Path(__file__).resolve().parents[2]


def _fake_encode(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for n, text in enumerate(texts):
        out[n, sum(map(ord, text)) % DIM] = 1.0
    return out


def _home(tmp_path: Path) -> Path:
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    for n in range(4):
        save_item(ws, ItemRecord(id=f"q{n}", kind="qa", title=f"Question {n} about invoices?", body=f"Answer {n}."))
    ws.index.vectors.embed_pending(_fake_encode)
    ws.close()
    return tmp_path / "home" / "index" / "vectors"


def _vectors_file(root: Path) -> Path:
    return root / json.loads((root / "meta.json").read_text())["file"]


def _zero_bytes(root: Path) -> None:
    _vectors_file(root).write_bytes(b"")


def _truncated(root: Path) -> None:
    f = _vectors_file(root)
    f.write_bytes(f.read_bytes()[:200])


def _nan(root: Path) -> None:
    f = _vectors_file(root)
    m = np.load(f)
    m[1] = np.nan
    np.save(f, m)


def _zeros(root: Path) -> None:
    f = _vectors_file(root)
    np.save(f, np.zeros_like(np.load(f)))


def _meta_list(root: Path) -> None:
    (root / "meta.json").write_text("[]")


def _meta_without_hashes(root: Path) -> None:
    meta = json.loads((root / "meta.json").read_text())
    del meta["hashes"]
    (root / "meta.json").write_text(json.dumps(meta))


def _wrong_dtype(root: Path) -> None:
    f = _vectors_file(root)
    np.save(f, np.load(f).astype(np.float64))


@pytest.mark.parametrize("damage", [_zero_bytes, _truncated, _nan, _zeros, _meta_list, _meta_without_hashes,
                                    _wrong_dtype])
def test_a_damaged_store_is_set_aside_and_every_command_works(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    root = _home(tmp_path)
    damage(root)
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(tmp_path / "home")}
    first = subprocess.run([sys.executable, "-m", "indexer.cli", "stats"], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    lines = [ln for ln in first.stderr.splitlines() if "meaning index was damaged" in ln]
    assert len(lines) == 1 and "moved aside to" in lines[0], first.stderr
    for args in (["search", "invoices", "--mode", "lexical"], ["deal", "list"], ["backup"], ["reindex"]):
        done = subprocess.run([sys.executable, "-m", "indexer.cli", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
    assert list(root.glob("damaged-*/meta.json")) or list(root.glob("damaged-*/vectors*.npy"))
    ws = open_home(tmp_path / "home", seed=SEED_NONE)  # it opens, and embeds everything again
    assert [h.id for h in app_search.search(ws, "invoices", mode="lexical").hits]
    ws.index.vectors.reconciled = False
    from indexer.app import semantic

    semantic.reconcile(ws)
    assert len(ws.index.vectors.pending) == 4
    assert ws.index.vectors.embed_pending(_fake_encode) == 4
    ws.close()
    assert len(VectorStore(root).ids) == 4


def test_nan_or_zero_vectors_from_the_model_are_refused_not_stored(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "vectors")
    store.upsert([ItemRecord(id="a", kind="qa", title="Q?", body="A.")])
    with pytest.raises(ValueError, match="NaN, infinite or zero"):
        store.embed_pending(lambda texts: np.full((len(texts), DIM), np.nan, dtype=np.float32))
    assert store.ids == [] and "a" in store.pending


def test_saves_from_two_processes_never_collide(tmp_path: Path) -> None:
    root = _home(tmp_path)
    script = (
        "import sys, numpy as np\n"
        "from indexer.engine.vectors import VectorStore\n"
        "s = VectorStore(sys.argv[1])\n"
        "for _ in range(100):\n"
        "    s.save()\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(root)], cwd=REPO, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    reopened = VectorStore(root)
    assert len(reopened.ids) == 4 and not reopened.damaged
    assert len(list(root.glob("vectors*.npy"))) <= 2 and not list(root.glob("*.tmp"))
