from __future__ import annotations

from pathlib import Path

import pytest

from kb.paths import Home
from kb.store import Store


@pytest.fixture
def store(tmp_path: Path, db_url: str | None) -> Store:
    """On SQLite, and on PostgreSQL when the suite has a server (always in CI): the team path."""
    s = Store(Home(tmp_path / "home"), url=db_url)
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
