"""Laptops syncing at the same moment: nothing lost, nothing doubled, every row in its member's
name, and no login left behind — the load benchmark itself, at a size CI can afford."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.team.conftest import admin_url

REPO = Path(__file__).resolve().parents[2]


def test_concurrent_syncs_lose_and_double_nothing() -> None:
    url = admin_url()
    result = subprocess.run(
        [sys.executable, "benchmarks/team_load.py", "--laptops", "6", "--experts", "2", "--entries", "40",
         "--edits", "5", "--url", url], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing lost, nothing doubled" in result.stdout
    assert "log entries: 240 → 240, 240" in result.stdout and "item versions: 10 → 10, 10" in result.stdout
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bench\\_%'")).scalar() == 0
    engine.dispose()
