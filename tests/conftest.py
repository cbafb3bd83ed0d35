"""Shared fixtures: every test gets its own home (database + index) under tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("EXPERT_ANSWERS_HOME", None)
os.environ.pop("EXPERT_ANSWERS_DB_URL", None)


import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def content_vectors(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The bundled content's meaning vectors, embedded once per session (about half a minute).

    Homes built from the bundled content copy them in (:func:`add_content_vectors`), so a window
    opened on such a home searches by words and meaning at once instead of embedding in the
    background during the test. None when the model package is not installed.
    """
    from indexer.app import semantic
    from indexer.app.content import SEED_CONTENT, open_home

    root = tmp_path_factory.mktemp("vectors") / "home"
    ws = open_home(root, seed=SEED_CONTENT)
    try:
        semantic.prepare(ws)
    except semantic.EmbeddingUnavailable:
        return None
    finally:
        ws.close()
    return ws.index.vectors.root


def add_content_vectors(vectors: Path | None, home_root: Path) -> None:
    if vectors is not None:
        from kb.paths import Home

        shutil.copytree(vectors, Home(home_root).index_dir / "vectors", dirs_exist_ok=True)
