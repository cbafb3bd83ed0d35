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
    """The bundled content's meaning vectors, once per session: taken from the shipped
    ``content/vectors/`` (seconds; embedding them here took 5-17 minutes on a loaded 2-core machine).

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


PG_ENV = "EXPERT_ANSWERS_TEST_PG_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) or os.environ.get("CI") else ["sqlite"]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh, empty database per test: a SQLite file, and (where a server is given) a PostgreSQL
    database created for the test and dropped after it. In CI the PostgreSQL run is required:
    ``.ci/postgres.sh`` starts a throwaway server, and a missing one fails rather than skips."""
    if request.param == "sqlite":
        yield None  # the home's own SQLite file
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.fail(f"CI runs the storage tests on PostgreSQL too, but {PG_ENV} is not set (.ci/postgres.sh)")
    import uuid

    from sqlalchemy import create_engine, text

    name = f"ea_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
