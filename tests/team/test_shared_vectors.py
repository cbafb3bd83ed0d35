"""Meaning vectors are computed once for the team: an expert's laptop sends them, a new laptop
takes them on its first sync instead of embedding (issue 22, vectors travel with sync)."""

from __future__ import annotations

from tests.items import save_item
from pathlib import Path

import numpy as np
import psycopg
import pytest

from kb.team import server
from indexer.app import team_sync as app_sync
from indexer.engine.vectors import DIM
from tests.team.conftest import member_url
from tests.team.helpers import join_home, qa


def _fake_encode(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for n, text in enumerate(texts):
        out[n, sum(map(ord, text)) % DIM] = 1.0
    return out


def test_a_new_laptop_takes_the_teams_vectors_instead_of_embedding(pg_url: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    server.init(pg_url)
    expert, _ = join_home(tmp_path, pg_url, "expert", "expert")
    for n in range(12):
        save_item(expert, qa(f"q{n}", f"Question {n} about invoices in kroner?", f"Answer {n}: yes."))
    assert expert.index.vectors.embed_pending(_fake_encode) == 12
    report, _ = app_sync.sync_home(expert).value
    assert report.up["vectors"] == 12
    assert app_sync.sync_home(expert).value[0].up["vectors"] == 0  # already on the server

    rep, rep_name = join_home(tmp_path, pg_url, "rep", "rep")
    monkeypatch.setattr(rep.index.semantic, "embed_pending", lambda *_a, **_k: pytest.fail("embedded"))
    report, _ = app_sync.sync_home(rep).value
    assert report.down["items"] == 12 and report.down["vectors"] == 12
    store = rep.index.vectors
    assert store.ready and not store.pending
    mine, theirs = store.vectors_of(store.hashes), expert.index.vectors.vectors_of(store.hashes)
    assert all(np.array_equal(mine[h], theirs[h]) for h in mine)

    # A rep cannot add vectors: a forged one would steer every rep's search.
    with psycopg.connect(member_url(pg_url, rep_name, "pw").replace("postgresql+psycopg", "postgresql")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO shared_vectors (hash, model, vector, by) VALUES ('x', 'm', '\\x00', '')")
    expert.close()
    rep.close()
