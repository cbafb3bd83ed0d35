"""A member's own credentials, straight in psycopg (as in ``psql``): PostgreSQL stamps who they are
and refuses what is not theirs. Every attack from issue 19, each against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from kb.team import server
from tests.team.conftest import member_url, unique

LOG = ("INSERT INTO answer_log (uid, question, stage, outcome, search_text, rep, at, deal_id) "
       "VALUES (gen_random_uuid()::text, 'q', 'decision', 'answered', '', %s, now(), %s) RETURNING rep")
DEAL = ("INSERT INTO deals (id, name, account, owner, status, stage, created_at, updated_at) "
        "VALUES (%s, 'Acme renewal', 'Acme', %s, 'open', 'decision', now(), %s) RETURNING owner, updated_at")


def _conninfo(url: str, member: str) -> str:
    return member_url(url, member, "pw").replace("postgresql+psycopg", "postgresql")


@pytest.fixture
def team(pg_url: str) -> Iterator[dict[str, str]]:
    """A fresh server with two reps and two experts, each with their own login."""
    server.init(pg_url)
    names = {key: unique(key) for key in ("rep", "other_rep", "expert", "other_expert")}
    for key, name in names.items():
        server.add_member(pg_url, name, "expert" if "expert" in key else "rep", "pw")
    admin = create_engine(pg_url)
    with admin.begin() as c:
        c.execute(text("INSERT INTO journey_stages (key, label, description, position) VALUES ('decision','D','',0)"))
        c.execute(text("INSERT INTO items (id, kind, title, body, phrasings, area, tags, stages, owner, status, "
                       "review_days, extra, source, version, created_at, updated_at) VALUES "
                       "('price','qa','Price?','100','[]','','[]','[]','','published',180,'{}','',1,now(),now()), "
                       "('draft-price','qa','New price?','90','[]','','[]','[]','','draft',180,'{}','',1,now(),now())"))
    admin.dispose()
    yield {"url": pg_url, **names}


def connect(team: dict[str, str], who: str) -> psycopg.Connection:
    return psycopg.connect(_conninfo(team["url"], team[who]), autocommit=True)


def refused(conn: psycopg.Connection, sql: str, params: tuple = ()) -> str:  # type: ignore[type-arg]
    with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.CheckViolation)) as err:
        conn.execute(sql, params)
    return str(err.value)


def test_rows_carry_the_signed_in_member_whatever_the_laptop_claims(team: dict[str, str]) -> None:
    with connect(team, "rep") as rep:
        owner, _ = rep.execute(DEAL, ("d-rep", team["other_rep"], "2026-01-01")).fetchone()  # type: ignore[misc]
        assert owner == team["rep"]
        assert rep.execute(LOG, (team["other_rep"], None)).fetchone() == (team["rep"],)
        by = rep.execute("INSERT INTO suggestions (uid, snapshot, note, by, at, status, decision_note) VALUES "
                         "(gen_random_uuid()::text, '{}', '', %s, now(), 'open', '') RETURNING by",
                         (team["expert"],)).fetchone()
        assert by == (team["rep"],)
        gap_by = rep.execute("INSERT INTO gaps (uid, question, stage, status, created_at, by) VALUES "
                             "(gen_random_uuid()::text, 'q', 'decision', 'open', now(), %s) RETURNING by",
                             (team["other_rep"],)).fetchone()
        assert gap_by == (team["rep"],)
        # SET ROLE to the group does not change who the session is.
        rep.execute("SET ROLE ea_rep")
        assert rep.execute(LOG, (team["other_rep"], None)).fetchone() == (team["rep"],)


def test_a_rep_cannot_touch_another_reps_deal(team: dict[str, str]) -> None:
    with connect(team, "other_rep") as other:
        other.execute(DEAL, ("d-other", "", "2026-01-01"))
    with connect(team, "rep") as rep:
        assert rep.execute("UPDATE deals SET status = 'lost', stage = 'win-back' WHERE id = 'd-other'").rowcount == 0
        assert "row-level security" in refused(rep, LOG, (team["rep"], "d-other"))
        assert "row-level security" in refused(
            rep, "INSERT INTO stage_events (uid, deal_id, to_stage, at, note) VALUES "
                 "(gen_random_uuid()::text, 'd-other', 'win-back', now(), '')")
        refused(rep, "INSERT INTO stakeholders (uid, deal_id, name, role) VALUES "
                     "(gen_random_uuid()::text, 'd-other', 'Mallory', 'champion')")
        refused(rep, "INSERT INTO gaps (uid, question, stage, status, created_at, by, deal_id) VALUES "
                     "(gen_random_uuid()::text, 'q', 'decision', 'open', now(), '', 'd-other')")
        # Taking the deal over by changing its owner is not even a column a member may update.
        refused(rep, "UPDATE deals SET owner = %s WHERE id = 'd-other'", (team["rep"],))
    with connect(team, "other_rep") as other:
        assert other.execute("SELECT status, stage, owner FROM deals WHERE id = 'd-other'").fetchone() == (
            "open", "decision", team["other_rep"])


def test_a_deal_cannot_be_frozen_by_a_date_in_the_future(team: dict[str, str]) -> None:
    with connect(team, "rep") as rep:
        _, at = rep.execute(DEAL, ("d-rep", "", "2099-01-01")).fetchone()  # type: ignore[misc]
        assert at.year < 2099
        rep.execute("UPDATE deals SET updated_at = '2099-01-01', stage = 'decision' WHERE id = 'd-rep'")
        assert rep.execute("SELECT updated_at FROM deals WHERE id = 'd-rep'").fetchone()[0].year < 2099  # type: ignore[index]


def test_history_is_append_only_for_everyone(team: dict[str, str]) -> None:
    with connect(team, "rep") as rep:
        rep.execute(LOG, ("", None))
    for who in ("rep", "expert"):
        with connect(team, who) as conn:
            refused(conn, "UPDATE answer_log SET question = 'rewritten'")
            refused(conn, "DELETE FROM answer_log")
            refused(conn, "DELETE FROM item_versions")
            refused(conn, "UPDATE item_versions SET saved_by = 'me'")
            refused(conn, "DELETE FROM stage_events")
            refused(conn, "DELETE FROM items")


def test_only_experts_decide_and_each_decision_once_in_their_own_name(team: dict[str, str]) -> None:
    with connect(team, "rep") as rep:
        rep.execute("INSERT INTO gaps (uid, question, stage, status, created_at, by) VALUES "
                    "('g1', 'q', 'decision', 'open', now(), '')")
        rep.execute("INSERT INTO suggestions (uid, snapshot, note, by, at, status, decision_note) VALUES "
                    "('s1', '{}', '', '', now(), 'open', '')")
        refused(rep, "UPDATE gaps SET status = 'dismissed'")
        refused(rep, "UPDATE suggestions SET status = 'accepted'")
        # A rep cannot slip a decided row in either.
        assert "row-level security" in refused(
            rep, "INSERT INTO gaps (uid, question, stage, status, created_at, by) VALUES "
                 "('g2', 'q', 'decision', 'dismissed', now(), '')")
    with connect(team, "expert") as expert:
        done = expert.execute("UPDATE gaps SET status = 'dismissed', decided_by = %s WHERE uid = 'g1' "
                              "RETURNING decided_by", (team["other_expert"],)).fetchone()
        assert done == (team["expert"],)
        expert.execute("UPDATE suggestions SET status = 'rejected' WHERE uid = 's1'")
    with connect(team, "other_expert") as other:  # the first decision stands
        assert other.execute("UPDATE gaps SET status = 'answered' WHERE uid = 'g1'").rowcount == 0
        assert other.execute("UPDATE suggestions SET status = 'accepted' WHERE uid = 's1'").rowcount == 0
        assert other.execute("SELECT status, decided_by FROM suggestions").fetchone() == ("rejected", team["expert"])


def test_content_is_the_experts_and_drafts_stay_with_them(team: dict[str, str]) -> None:
    with connect(team, "rep") as rep:
        assert [r[0] for r in rep.execute("SELECT id FROM items ORDER BY id")] == ["price"]
        refused(rep, "UPDATE items SET status = 'draft' WHERE id = 'price'")
        refused(rep, "INSERT INTO item_versions (uid, item_id, version, snapshot, saved_by, saved_at) VALUES "
                     "(gen_random_uuid()::text, 'price', 2, '{}', '', now())")
        refused(rep, "UPDATE journey_stages SET label = 'X'")
        refused(rep, "INSERT INTO shared_files (name, body, sha, updated_at, updated_by) VALUES "
                     "('synonyms.txt', 'x', 'x', now(), '')")
    with connect(team, "expert") as expert:
        assert [r[0] for r in expert.execute("SELECT id FROM items ORDER BY id")] == ["draft-price", "price"]
        expert.execute("UPDATE items SET status = 'draft', version = 2 WHERE id = 'price'")  # unpublish
        saved_by = expert.execute("INSERT INTO item_versions (uid, item_id, version, snapshot, saved_by, saved_at) "
                                  "VALUES (gen_random_uuid()::text, 'price', 2, '{}', 'someone', now()) "
                                  "RETURNING saved_by").fetchone()
        assert saved_by == (team["expert"],)
    with connect(team, "rep") as rep:  # the unpublished price is gone from the rep's view
        assert rep.execute("SELECT count(*) FROM items").fetchone() == (0,)
        assert rep.execute("SELECT count(*) FROM item_versions").fetchone() == (0,)


def test_add_member_refuses_roles_that_are_not_members(team: dict[str, str]) -> None:
    for name in ("postgres", "ea_rep", "ea_expert"):
        with pytest.raises(server.TeamServerError, match="not a team member"):
            server.add_member(team["url"], name, "expert", "x")
    admin = create_engine(team["url"])
    boss = unique("boss")
    with admin.begin() as c:
        c.execute(text(f'CREATE ROLE "{boss}" SUPERUSER LOGIN'))
    try:
        with pytest.raises(server.TeamServerError, match="not a team member"):
            server.add_member(team["url"], boss, "rep", "x")
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP ROLE "{boss}"'))
        admin.dispose()
    with connect(team, "rep") as rep:  # groups hold no login and are not members of each other
        assert rep.execute("SELECT pg_has_role('ea_rep', 'ea_expert', 'MEMBER')").fetchone() == (False,)
        assert rep.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ea_rep'").fetchone() == (False,)
    # An existing member's role can change, and a removed member can no longer sign in.
    server.add_member(team["url"], team["rep"], "expert", "pw2")
    with psycopg.connect(_conninfo(team["url"], team["rep"]).replace(":pw@", ":pw2@")) as conn:
        assert conn.execute("SELECT ea_is_expert()").fetchone() == (True,)
    server.remove_member(team["url"], team["other_rep"])
    with pytest.raises(psycopg.OperationalError):
        connect(team, "other_rep")


def test_a_members_password_never_reaches_the_server_in_plain_text(team: dict[str, str]) -> None:
    """With every statement logged, the server's log shows the SCRAM verifier, never the password."""
    import os

    data = os.environ.get("EXPERT_ANSWERS_TEST_PG_DATA")
    if not data:
        pytest.skip("needs the test cluster's data directory (.ci/postgres.sh exports it)")
    admin = create_engine(team["url"], isolation_level="AUTOCOMMIT")
    db = team["url"].rsplit("/", 1)[1]
    with admin.connect() as c:
        c.execute(text(f"ALTER DATABASE {db} SET log_statement = 'all'"))
    admin.dispose()
    secret = "pl41n-" + unique("secret")
    name = unique("newrep")
    server.add_member(team["url"], name, "rep", secret)
    log = Path(data).parent / "log"
    body = log.read_bytes().decode("utf-8", "replace")
    assert f'ROLE "{name}"' in body and "SCRAM-SHA-256$" in body  # the statement was logged...
    assert secret not in body  # ...without the password
    with psycopg.connect(_conninfo(team["url"], name).replace(":pw@", f":{secret}@")) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (name,)


def test_init_without_the_admin_password_says_how_to_give_it(team: dict[str, str], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = member_url(team["url"], team["expert"])  # a login the server asks a password of
    with pytest.raises(server.AdminPasswordNeeded, match="PGPASSWORD") as err:
        server.status(url)
    assert "\n" not in str(err.value)
    assert server.status(url, "pw").items == 2
