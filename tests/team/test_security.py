"""A rep's own database role is refused by PostgreSQL itself when it tries to change content or history."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from kb.db import head_revision
from kb.team import server
from tests.team.conftest import member_url, unique


def _seed(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO journey_stages (key, label, description, position) VALUES ('decision','D','',0)"))
        c.execute(text("INSERT INTO items (id, kind, title, body, phrasings, area, tags, stages, owner, status, "
                       "review_days, extra, source, version, created_at, updated_at) VALUES ('i1','qa','T','B','[]',"
                       "'','[]','[]','','published',180,'{}','',1,now(),now())"))
        c.execute(text("INSERT INTO answer_log (uid, question, stage, outcome, search_text, rep, at) VALUES "
                       "('00000000-0000-0000-0000-000000000001','Other rep asked','decision','answered','','x',now())"))
    engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE items SET body = 'hacked'",
    "DELETE FROM items",
    "INSERT INTO items (id, kind, title, body, phrasings, area, tags, stages, owner, status, review_days, extra, "
    "source, version, created_at, updated_at) VALUES ('i2','qa','T','B','[]','','[]','[]','','published',180,'{}','',1,"
    "now(),now())",
    "UPDATE item_versions SET saved_by = 'me'",
    "UPDATE answer_log SET question = 'rewritten'",
    "DELETE FROM answer_log",
    "DELETE FROM stage_events",
    "UPDATE suggestions SET status = 'accepted'",
])
def test_a_rep_cannot_change_content_or_history(pg_url: str, statement: str) -> None:
    server.init(pg_url)
    _seed(pg_url)
    rep = unique("rep")
    server.add_member(pg_url, rep, "rep", "pw")
    engine = create_engine(member_url(pg_url, rep, "pw"))
    with pytest.raises(ProgrammingError) as err, engine.begin() as c:
        c.execute(text(statement))
    assert isinstance(err.value.orig, psycopg.errors.InsufficientPrivilege)
    with engine.begin() as c:  # what a rep may do still works with the same role
        c.execute(text("INSERT INTO answer_log (uid, question, stage, outcome, search_text, rep, at) VALUES "
                       "('00000000-0000-0000-0000-000000000002','Mine','decision','answered','',:r,now())"), {"r": rep})
        assert c.execute(text("SELECT count(*) FROM items")).scalar() == 1
    engine.dispose()


def test_an_expert_can_publish(pg_url: str) -> None:
    server.init(pg_url)
    _seed(pg_url)
    expert = unique("expert")
    server.add_member(pg_url, expert, "expert", "pw")
    engine = create_engine(member_url(pg_url, expert, "pw"))
    with engine.begin() as c:
        c.execute(text("UPDATE items SET body = 'better', version = 2"))
    engine.dispose()
    st = server.status(pg_url)
    assert st.members[expert] == "expert" and st.items == 1 and st.revision == head_revision()


def test_init_refuses_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(server.TeamServerError, match="PostgreSQL"):
        server.init(f"sqlite:///{tmp_path / 'x.db'}")
