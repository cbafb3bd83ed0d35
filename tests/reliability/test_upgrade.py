"""A home created by an older schema upgrades on open and keeps every row."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from kb.db import alembic_config
from kb.paths import Home
from kb.services import answer_log, deals
from kb.services.items import get_item
from kb.store import Store

FIRST_REVISION = "0001"


def test_a_first_release_database_upgrades_without_losing_data(tmp_path: Path) -> None:
    home = Home(tmp_path).ensure()
    engine = create_engine(home.db_url())
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, FIRST_REVISION)
    # Rows written the way the first release wrote them (plain SQL against its schema).
    with engine.begin() as conn:
        conn.execute(text("insert into journey_stages (key, label, description, position) values "
                          "('awareness', 'Awareness', '', 0), ('decision', 'Decision', '', 1)"))
        conn.execute(text(
            "insert into items (id, kind, title, body, phrasings, area, tags, stages, owner, status, verified_on, "
            "review_days, extra, source, version, created_at, updated_at) values ('old-1', 'qa', 'Old question?', "
            "'Old answer.', '[\"alt\"]', 'security', '[]', '[\"decision\"]', 'Priya', 'published', '2025-01-02', 180, "
            "'{}', '', 3, '2025-01-01 00:00:00', '2025-01-02 00:00:00')"
        ))
        conn.execute(text("insert into deals (id, name, account, owner, status, stage, created_at, updated_at) values "
                          "('d1', 'Old deal', 'Acme', 'jo', 'open', 'decision', '2025-01-01', '2025-01-01')"))
        conn.execute(text("insert into answer_log (question, deal_id, stage, outcome, search_text, rep, at) values "
                          "('Old log?', 'd1', 'awareness', 'answered', '', 'jo', '2025-01-03')"))
    engine.dispose()

    store = Store(home)  # upgrades to head

    with store.engine.connect() as conn:
        head = conn.execute(text("select version_num from alembic_version")).scalar()
    from alembic.script import ScriptDirectory

    assert head == ScriptDirectory.from_config(cfg).get_current_head()
    with store.session() as s:
        item = get_item(s, "old-1")
        assert item is not None and (item.title, item.phrasings, item.version) == ("Old question?", ("alt",), 3)
        assert deals.get_deal(s, "d1").stage == "decision"
        (entry,) = answer_log.list_entries(s)
        assert (entry.question, entry.stage) == ("Old log?", "awareness")


def test_the_quick_revision_check_agrees_with_alembic(tmp_path: Path) -> None:
    """Opening skips alembic when the database is at the newest revision read off the file names:
    that reading must be alembic's own head, and a database one revision behind still upgrades."""
    from alembic import command

    from kb import db

    assert db.newest_revision() == db.head_revision()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'behind.sqlite'}")
    assert db.current_revision(engine) is None
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    assert db.current_revision(engine) == "0005"
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
