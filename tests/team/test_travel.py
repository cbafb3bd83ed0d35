"""Every kind of record and decision travels both ways through a real server, and joining a team
never publishes what a laptop held before."""

from __future__ import annotations

from indexer.app import search as app_search
from tests.items import save_item
from tests.items import set_item_status
from indexer.app.content import open_home
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.models import Deal, Gap, Item, SyncState
from kb.services import answer_log, deals
from kb.team import server
from kb.team.sync import server_engine
from indexer.app import answers, journey
from indexer.app import team_sync as app_sync
from indexer.app.actors import Actor, current_actor
from indexer.app.curation import Curation
from indexer.app.workspace import SEED_DEMO, SEED_NONE, Workspace
from tests.team.conftest import member_url, unique
from tests.team.helpers import join_as, join_home, qa


def _items(ws: Workspace) -> int:
    return ws.read(lambda s: s.scalar(select(func.count()).select_from(Item)) or 0)


def _seed_items(expert: Workspace) -> None:
    save_item(expert, qa("price", "How much per seat?", "USD 45 per seat and month."))
    for n in range(5):  # a few others: a one-document index scores oddly
        save_item(expert, qa(f"other-{n}", f"Other question number {n}?", "Yes."))


def _two_experts_and_a_rep(tmp_path: Path, pg_url: str) -> tuple[Workspace, str, Workspace, Workspace, str]:
    """A fresh server; two experts' and a rep's laptops joined; the first expert's content published."""
    server.init(pg_url)
    expert, expert_name = join_home(tmp_path, pg_url, "expert", "expert")
    other, _ = join_home(tmp_path, pg_url, "other", "expert")
    rep, rep_name = join_home(tmp_path, pg_url, "rep", "rep")
    _seed_items(expert)
    app_sync.sync_home(expert)
    return expert, expert_name, other, rep, rep_name


def test_stakeholders_and_stage_moves_reach_the_owners_other_laptop(pg_url: str, tmp_path: Path) -> None:
    server.init(pg_url)
    one, name = join_home(tmp_path, pg_url, "rep", "rep")
    two = join_as(tmp_path / "second-laptop", pg_url, name)
    with one.store.session() as s:
        deal = deals.create_deal(s, "Acme renewal", stage="awareness")
        deals.add_stakeholder(s, deal.id, "Dana CFO", "economic-buyer")
        deals.move_stage(s, deal.id, "consideration")
        deals.move_stage(s, deal.id, "awareness", note="a new CIO joined")  # the knowledge loop
    assert app_sync.status(one).pending_up["stakeholders"] == 1
    report, _ = app_sync.sync_home(one).value
    assert report.up["stakeholders"] == 1 and report.up["stage events"] == 3
    assert sum(app_sync.status(one).pending_up.values()) == 0
    app_sync.sync_home(two)
    with two.store.session() as s:
        there = deals.get_deal(s, deal.id)
    assert there.stakeholders == (("Dana CFO", "economic-buyer"),) and there.owner == name
    assert [e.to_stage for e in there.history] == ["awareness", "consideration", "awareness"]
    one.close()
    two.close()


def test_an_unpublished_or_archived_item_leaves_every_reps_search(pg_url: str, tmp_path: Path) -> None:
    server.init(pg_url)
    expert, _ = join_home(tmp_path, pg_url, "expert", "expert")
    rep, _ = join_home(tmp_path, pg_url, "rep", "rep")
    _seed_items(expert)
    app_sync.sync_home(expert)
    app_sync.sync_home(rep)
    assert [h.id for h in app_search.search(rep, "price per seat").hits][:1] == ["price"]

    set_item_status(expert, "price", "draft")  # a retracted price
    assert app_sync.status(expert).pending_up["content edits"] == 1
    app_sync.sync_home(expert)
    report, _ = app_sync.sync_home(rep).value
    assert "price" in report.changed_item_ids
    assert "price" not in [h.id for h in app_search.search(rep, "price per seat").hits]
    assert app_search.get_item(rep, "price") is None

    set_item_status(expert, "other-1", "archived")
    app_sync.sync_home(expert)
    app_sync.sync_home(rep)
    assert "other-1" not in [h.id for h in app_search.search(rep, "Other question number 1").hits]

    set_item_status(expert, "price", "published")  # and back, when it is right again
    app_sync.sync_home(expert)
    app_sync.sync_home(rep)
    assert [h.id for h in app_search.search(rep, "price per seat").hits][:1] == ["price"]
    expert.close()
    rep.close()


def test_experts_work_every_reps_gaps_and_the_answer_reaches_the_rep(pg_url: str, tmp_path: Path) -> None:
    expert, expert_name, other, rep, rep_name = _two_experts_and_a_rep(tmp_path, pg_url)
    with rep.store.session() as s:
        deal = deals.create_deal(s, "Globex", stage="decision")
    for question in ("Do you support SCIM provisioning?", "Can we pay in Norwegian kroner?"):
        rep_actor = current_actor(ws=rep)
        assert rep_actor == Actor(rep_name, "rep")  # the joined member, not the OS user
        answers.log_question(rep, rep_actor, question, deal_id=deal.id, outcome="no-answer")
    app_sync.sync_home(rep)
    for ws in (expert, other):
        app_sync.sync_home(ws)
        assert sum(g.count for g in journey.gap_queue(ws).groups) == 2  # in the expert's own gap queue
        open_gaps = ws.read(lambda s: s.scalars(select(Gap).where(Gap.status == "open")).all())
        assert sorted(g.by for g in open_gaps) == [rep_name, rep_name]

    # A rep cannot decide; an expert answers one and dismisses the other.
    with pytest.raises(PermissionError):
        journey.dismiss_gaps(rep, [1])
    gaps = {g.question: g.id for g in expert.read(lambda s: s.scalars(select(Gap)).all())}
    cur = Curation(expert, current_actor(ws=expert))
    draft = cur.gap_draft(gaps["Do you support SCIM provisioning?"])
    cur.answer_gap(gaps["Do you support SCIM provisioning?"], replace(draft, body="Yes, SCIM 2.0 with Okta and Entra."))
    journey.dismiss_gaps(expert, [gaps["Can we pay in Norwegian kroner?"]])
    assert app_sync.status(expert).pending_up["decisions"] == 2
    app_sync.sync_home(expert)

    # The other expert's queue no longer shows them; the rep sees both decided, and the answer.
    for ws in (other, rep):
        app_sync.sync_home(ws)
        decided = {g.question: (g.status, g.decided_by, g.answered_by) for g in
                   ws.read(lambda s: s.scalars(select(Gap)).all())}
        assert decided == {"Do you support SCIM provisioning?": ("answered", expert_name, draft.id),
                           "Can we pay in Norwegian kroner?": ("dismissed", expert_name, None)}
    assert [h.id for h in app_search.search(rep, "SCIM provisioning").hits][:1] == [draft.id]
    # The other expert's later, different decision of an already decided gap is refused locally
    # (and would be by the server), so both laptops keep the first one.
    with pytest.raises(ValueError, match="already"):
        journey.dismiss_gaps(other, [g.id for g in other.read(lambda s: s.scalars(select(Gap)).all())][:1])
    for ws in (expert, other, rep):
        ws.close()


def test_a_suggestion_decided_by_one_expert_leaves_every_experts_queue(pg_url: str, tmp_path: Path) -> None:
    expert, expert_name, other, rep, rep_name = _two_experts_and_a_rep(tmp_path, pg_url)
    app_sync.sync_home(rep)
    Curation(rep, current_actor(ws=rep)).suggest(qa("price", "How much per seat?", "USD 49 from January."))
    app_sync.sync_home(rep)
    for ws in (expert, other):
        app_sync.sync_home(ws)
        assert [(s.by, s.status) for s in Curation(ws, current_actor(ws=ws)).queue()] == [(rep_name, "open")]
    cur = Curation(expert, current_actor(ws=expert))
    cur.accept(cur.queue()[0].id, note="confirmed with finance")
    app_sync.sync_home(expert)
    app_sync.sync_home(other)
    assert Curation(other, current_actor(ws=other)).queue() == []
    app_sync.sync_home(rep)
    mine = Curation(rep, current_actor(ws=rep)).queue(status=None)
    assert [(s.status, s.decided_by) for s in mine] == [("accepted", expert_name)]
    assert app_search.get_item(rep, "price").body == "USD 49 from January."  # type: ignore[union-attr]
    for ws in (expert, other, rep):
        ws.close()


def test_joining_from_a_demo_home_publishes_nothing(pg_url: str, tmp_path: Path) -> None:
    server.init(pg_url)
    member = unique("expert")
    server.add_member(pg_url, member, "expert", "pw")
    url = member_url(pg_url, member)

    demo = open_home(tmp_path / "demo-home", seed=SEED_DEMO)
    held = _items(demo)
    assert held == 308
    with pytest.raises(app_sync.JoinNeedsChoice, match="--discard-demo") as err:
        app_sync.join(demo, url, member, None, "pw")
    assert "308 items" in str(err.value) and "\n" not in str(err.value)
    assert not app_sync.status(demo).joined

    team = app_sync.join(demo, url, member, None, "pw", discard_demo=True)
    assert team.role == "expert" and "removed the demo" in team.note
    assert _items(demo) == 0 and demo.read(lambda s: s.scalar(select(func.count()).select_from(Deal))) == 0
    assert app_search.search(demo, "single sign-on").hits == []
    report, _ = app_sync.sync_home(demo).value
    assert sum(report.up.values()) == 0
    demo.close()
    # The app opening that home again does not bring the demo back.
    again = open_home(tmp_path / "demo-home", seed=SEED_DEMO)
    assert _items(again) == 0
    again.close()

    kept = open_home(tmp_path / "kept-home", seed=SEED_DEMO)
    team = app_sync.join(kept, url, member, "expert", "pw", keep_local=True)
    assert "kept 308 items" in team.note
    save_item(kept, qa("team-faq", "A new team answer?", "Yes."))  # made after joining: it goes up
    report, _ = app_sync.sync_home(kept).value
    assert report.up["content edits"] == 1 and report.up["deals"] == 0 and report.up["log entries"] == 0
    assert [h.id for h in app_search.search(kept, "single sign-on SAML").hits][:1]  # the kept content still answers here
    engine = server_engine(pg_url)
    with Session(engine) as s:
        assert s.scalars(select(Item.id)).all() == ["team-faq"]
        assert s.scalar(select(func.count()).select_from(Deal)) == 0
    engine.dispose()
    kept.close()


def test_join_checks_the_role_and_keeps_no_password(pg_url: str, tmp_path: Path) -> None:
    server.init(pg_url)
    rep = unique("rep")
    server.add_member(pg_url, rep, "rep", "t0ps3cret")
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    with pytest.raises(app_sync.RoleMismatch, match="is a rep .* not an expert"):
        app_sync.join(ws, member_url(pg_url, rep, "t0ps3cret"), rep, "expert")
    team = app_sync.join(ws, member_url(pg_url, rep, "t0ps3cret"), rep)  # the password typed into the URL
    assert team.role == "rep" and "t0ps3cret" not in team.url
    stored = ws.read(lambda s: dict(s.execute(select(SyncState.key, SyncState.value)).all()))
    assert not any("t0ps3cret" in v for v in stored.values())
    assert app_sync.status(ws, probe=True).online
    ws.close()
    assert not any(b"t0ps3cret" in p.read_bytes() for p in (tmp_path / "home").rglob("*") if p.is_file())
