"""Real PostgreSQL for the team tests: a fresh database per test on the cluster .ci/postgres.sh starts.

Locally the tests skip without ``EXPERT_ANSWERS_TEST_PG_URL``; under CI (``CI`` set) they fail,
so a broken PostgreSQL set-up can never pass as silently skipped tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PG_ENV = "EXPERT_ANSWERS_TEST_PG_URL"


def admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: .ci/postgres.sh did not start PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (source .ci/postgres.sh to run against a real PostgreSQL)")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """Superuser URL of a brand-new database, dropped afterwards."""
    base = admin_url()
    name = f"ea_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)  # survives a server restart
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def member_url(url: str, name: str, password: str | None = None) -> str:
    """The member's own URL; CI's cluster asks members for their password (scram-sha-256)."""
    return make_url(url).set(username=name, password=password).render_as_string(hide_password=False)


def unique(name: str) -> str:
    """Roles are cluster-wide: give each test its own member names."""
    return f"{name}_{uuid.uuid4().hex[:6]}"
