from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.paths import Home
from kb.store import Store
from tests.team.conftest import pg_url  # noqa: F401  (fixture, used by the postgresql backend)


# With a real PostgreSQL available (.ci/postgres.sh), every storage/reports test also runs against it.
BACKENDS = ["sqlite", "postgresql"] if os.environ.get("EXPERT_ANSWERS_TEST_PG_URL") else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        s = Store(Home(tmp_path / "home"))
        yield s
        s.close()
        return
    url = request.getfixturevalue("pg_url")
    s = Store(Home(tmp_path / "home"), url=url)
    yield s
    s.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


QA = """---
id: {id}
kind: qa
question: {question}
phrasings:
  - How do I log in with Okta?
area: security
tags: [sso, okta]
stages: [consideration]
owner: Priya Natarajan
status: published
verified_on: 2026-09-14
review_days: 180
custom_key: kept
---
Yes, SAML 2.0 on every edition.
"""
