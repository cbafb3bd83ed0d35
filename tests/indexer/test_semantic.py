"""Search by meaning: a paraphrase with no shared words finds the answer; vectors follow saves,
resume after a stopped run, are redone for another model; without the model, search stays
lexical and says so; fusion keeps exact questions first and filters."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from indexer.app import search, semantic
from indexer.app.actors import current_actor
from indexer.app.content import SEED_NONE, open_home
from indexer.app.curation import Curation
from indexer.engine import embedding
from indexer.engine.results import SearchFilters
from indexer.engine.vectors import VectorStore, item_text, text_hash
from kb.progress import Cancelled
from kb.records import ItemRecord

needs_model = pytest.mark.skipif(embedding.available() is not None, reason="embedding model not installed")

SSO = ItemRecord(id="sec-sso", kind="qa", title="Single sign-on with SAML 2.0 identity providers",
                 body="Harbor supports SAML 2.0 SSO with Okta, Entra ID and Google Workspace, including SCIM provisioning.",
                 stages=("consideration",), status="published")  # fmt: skip
OTHERS = [
    ItemRecord(id="price-seat", kind="qa", title="What does a seat cost per month?",
               body="Business is 49 EUR per seat and month; Enterprise is 89 EUR.", status="published"),
    ItemRecord(id="data-eu", kind="article", title="Where your data lives",
               body="All customer data stays in Frankfurt and Dublin data centres.", status="published"),
    ItemRecord(id="backup", kind="qa", title="How often are backups taken?",
               body="Every hour, kept for 35 days, restored on request.", status="published"),
]  # fmt: skip


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    workspace = open_home(tmp_path / "home", seed=SEED_NONE)
    yield workspace
    workspace.close()


@needs_model
def test_a_saved_item_is_found_by_a_paraphrase_with_no_shared_words(ws) -> None:
    cur = Curation(ws, current_actor("Ada", "expert"))
    for record in OTHERS:
        cur.save(record)
    semantic.prepare(ws)
    cur.save(SSO)  # saved after the first embedding: the save queues it, the next prepare embeds it
    question = "can employees authenticate through their corporate Microsoft accounts"
    assert "sec-sso" not in search.search(ws, question, mode="lexical").ids()  # no word in common
    assert search.search(ws, question).notice  # waiting to be embedded: answered by words, and says so
    assert semantic.prepare(ws) == 1
    hybrid = search.search(ws, question)
    assert hybrid.mode == "hybrid" and hybrid.ids()[0] == "sec-sso" and not hybrid.notice


@needs_model
def test_fusion_keeps_exact_questions_first_and_filters(ws) -> None:
    cur = Curation(ws, current_actor("Ada", "expert"))
    for record in (SSO, *OTHERS):
        cur.save(record)
    semantic.prepare(ws)
    assert search.search(ws, "How often are backups taken?").ids()[0] == "backup"
    articles = search.search(ws, "where is customer data stored", filters=SearchFilters(kinds=("article",)))
    assert articles.ids() == ["data-eu"]
    assert search.search(ws, "zzqxv").hits == []  # gibberish: no answer, so the rep files a gap


def _fake_encoder(calls: list[int]):  # type: ignore[no-untyped-def]
    def encode(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        rows = [np.random.default_rng(int(text_hash(t)[:8], 16)).standard_normal(embedding.DIM) for t in texts]
        m = np.asarray(rows, dtype=np.float32)
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    return encode


def _records(n: int) -> list[ItemRecord]:
    return [ItemRecord(id=f"q{i}", kind="qa", title=f"Question {i}?", body=f"Answer number {i}.") for i in range(n)]


def test_a_stopped_embedding_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    records = _records(100)
    store = VectorStore(tmp_path / "vectors")
    store.upsert(records)
    calls: list[int] = []

    def stop_after_two_batches(done: int, total: int, label: str) -> None:
        if done >= 64:
            raise Cancelled(label)

    with pytest.raises(Cancelled):
        store.embed_pending(_fake_encoder(calls), stop_after_two_batches)
    assert sum(calls) == 64

    again = VectorStore(tmp_path / "vectors")  # a new process: only what was saved survives
    assert len(again.ids) == 64
    again.upsert(records)
    calls.clear()
    assert again.embed_pending(_fake_encoder(calls)) == 36 and sum(calls) == 36
    assert again.ready is False  # not compared with the database yet…
    again.reconciled = True
    assert again.ready and sorted(again.ids, key=lambda i: int(i[1:])) == [r.id for r in records]


def test_another_model_means_every_item_is_embedded_again(tmp_path: Path) -> None:
    records = _records(10)
    store = VectorStore(tmp_path / "vectors", model="old-model/1")
    store.upsert(records)
    store.embed_pending(_fake_encoder([]))
    assert VectorStore(tmp_path / "vectors", model="old-model/1").upsert(records) == 0  # nothing to redo

    newer = VectorStore(tmp_path / "vectors", model="new-model/2")
    assert newer.ids == [] and newer.upsert(records) == 10


def test_unchanged_text_and_duplicates_are_not_embedded_twice(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "vectors")
    base = _records(3)
    store.upsert(base)
    store.embed_pending(_fake_encoder([]))
    copy = ItemRecord(id="q0-copy", kind="qa", title=base[0].title, body=base[0].body)
    retitled = ItemRecord(id="q1", kind="qa", title="Question 1, reworded?", body=base[1].body)
    assert store.upsert([base[2], copy, retitled]) == 1  # only the reworded one waits
    assert list(store.pending) == ["q1"] and item_text(retitled) == store.pending["q1"][0]


def test_without_the_model_package_search_is_lexical_and_says_so(ws, monkeypatch) -> None:
    cur = Curation(ws, current_actor("Ada", "expert"))
    for record in (SSO, *OTHERS):
        cur.save(record)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "all_minilm_l6_v2" else real(name, *a))
    monkeypatch.setattr(embedding, "_shared", {})  # a process without the package never loaded the model
    with pytest.raises(semantic.EmbeddingUnavailable, match="not installed"):
        semantic.prepare(ws)
    result = search.search(ws, "How often are backups taken?")
    assert result.mode == "lexical" and result.ids()[0] == "backup"
    assert "words only" in result.notice and "not installed" in semantic.status(ws)


KILLED_RUN = """
import sys, time
from pathlib import Path
import numpy as np
from indexer.engine import vectors
from kb.records import ItemRecord

vectors.CHECKPOINT_S = 0.1
store = vectors.VectorStore(Path(sys.argv[1]))
store.upsert([ItemRecord(id=f"q{i}", kind="qa", title=f"Question {i}?", body=f"Answer number {i}.")
              for i in range(400)])

def encode(texts):
    time.sleep(0.05)  # a real model's pace, so the kill lands mid-run
    m = np.ones((len(texts), vectors.DIM), dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)

store.embed_pending(encode)
"""


def test_a_killed_embedding_run_resumes_from_its_last_checkpoint(tmp_path: Path) -> None:
    """SIGKILL, not a polite cancel: no ``finally`` runs, only the checkpoints survive."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "vectors"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(root)], cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 60
    while not (root / "meta.json").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)  # a checkpoint or two more
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"

    again = VectorStore(root)
    kept = len(again.ids)
    assert 0 < kept < 400 and len(set(again.ids)) == kept
    calls: list[int] = []
    assert again.upsert(_records(400)) == 400 - kept  # only the rest waits…
    assert again.embed_pending(_fake_encoder(calls)) == 400 - kept == sum(calls)  # …and only it is embedded
    assert sorted(again.ids, key=lambda i: int(i[1:])) == [f"q{i}" for i in range(400)]
