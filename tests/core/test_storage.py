"""Storage: alembic owns the schema, SQLite runs in WAL, stages are configurable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import pytest
from sqlalchemy import text

from kb.models import Base
from kb.paths import Home
from kb.store import Store


def test_migrations_build_exactly_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert conn.execute(text("select version_num from alembic_version")).scalar() is not None


def test_sqlite_runs_in_wal_mode(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("WAL is a SQLite setting; the PostgreSQL run of this module checks the rest")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_reopening_a_home_keeps_its_data(tmp_path: Path) -> None:
    from kb.services import deals

    first = Store(Home(tmp_path))
    with first.session() as s:
        deals.create_deal(s, "Kept")
    first.close()
    again = Store(Home(tmp_path))
    with again.session() as s:
        assert [d.name for d in deals.list_deals(s)] == ["Kept"]


def test_stages_come_from_the_home_config_when_present(tmp_path: Path) -> None:
    home = Home(tmp_path).ensure()
    home.stages_path.write_text(
        '[[stage]]\nkey = "discovery"\nlabel = "Discovery"\n\n[[stage]]\nkey = "proof"\nlabel = "Proof"\n'
    )
    assert Store(home).stage_keys() == ["discovery", "proof"]


def test_core_packages_never_import_qt() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'desktop'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import kb.store, kb.importing, kb.exporters, kb.demo, indexer.workspace, indexer.cli\n"
        "print('ok')\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
