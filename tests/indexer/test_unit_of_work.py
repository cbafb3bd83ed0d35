"""One write entry that knows what it touched (issue 23): a write anywhere reindexes and says so.

``Workspace.write`` records the rows a write flushes (SQLAlchemy session events), reindexes the
items among them and returns the Changes it computed — no call site lists them by hand. A read's
session refuses to write, so a write sent down the reads path fails instead of broadcasting nothing.
"""

from __future__ import annotations

from tests.items import save_item
from indexer.app import search as app_search
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer.app import answers, journey
from indexer.app.actors import Actor
from indexer.app.changes import Changes
from indexer.app.content import SEED_NONE, open_home
from indexer.app.unit_of_work import ReadOnlyError, touch
from indexer.app.workspace import Workspace
from kb.models import Deal, Item
from kb.records import ItemRecord
from kb.services import items


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    save_item(ws, ItemRecord(id="sso", kind="qa", title="Do you support SAML single sign-on?", body="Yes, on every edition."))
    yield ws
    ws.close()


def _found(ws: Workspace, text: str) -> list[str]:
    return [h.id for h in app_search.search(ws, text, expert=True).hits]


def test_a_write_the_use_case_never_declared_is_reindexed_and_broadcast(ws: Workspace) -> None:
    def sneaky(s):  # type: ignore[no-untyped-def]  # any ORM write, with no ids named anywhere
        s.get(Item, "sso").body = "Yes, and also with quokka-shaped hardware keys."

    done = ws.write(sneaky, initiator="the editor")
    assert done.changes == Changes.of(items=["sso"])
    assert done.changes.initiator == "the editor" and not done.changes.from_elsewhere("the editor")
    assert _found(ws, "quokka") == ["sso"]  # reindexed without being asked


def test_a_new_item_and_a_deleted_one_reach_the_index(ws: Workspace) -> None:
    record = ItemRecord(id="fresh", kind="qa", title="Is there a wombat import tool?", body="Yes.")
    done = ws.write(lambda s: items.save_records(s, [record], saved_by="t"))
    assert "fresh" in done.changes.items and _found(ws, "wombat") == ["fresh"]

    done = ws.write(lambda s: s.delete(s.get(Item, "fresh")))
    assert done.changes.items == {"fresh"} and _found(ws, "wombat") == []


def test_use_cases_return_what_they_touched(ws: Workspace) -> None:
    deal = journey.create_deal(ws, "Acme", stage="awareness")
    assert deal.changes.deals == {deal.value.id} and not deal.changes.items
    logged = answers.log_question(ws, Actor("Rita", "rep"), "Any gaps?", deal_id=deal.value.id, outcome="no-answer")
    assert logged.changes.log and logged.changes.gaps and deal.value.id in logged.changes.deals


def test_a_bulk_write_names_what_it_touched(ws: Workspace) -> None:
    def core_level(s):  # type: ignore[no-untyped-def]  # like a sync: commits on its own, Core statements
        with s.get_bind().begin() as conn:
            conn.execute(Item.__table__.update().where(Item.id == "sso").values(body="Now with platypus keys."))
        touch(s, Changes.of(items=["sso"]))

    done = ws.write(core_level, bulk=True)
    assert done.changes.items == {"sso"} and _found(ws, "platypus") == ["sso"]


def test_a_read_cannot_write(ws: Workspace) -> None:
    with pytest.raises(ReadOnlyError):
        ws.read(lambda s: s.add(Deal(id="d1", name="Ghost", stage="awareness")) or s.flush())
    with pytest.raises(ReadOnlyError):
        ws.read(lambda s: setattr(s.get(Item, "sso"), "body", "changed on the reads path") or s.flush())
    with pytest.raises(ReadOnlyError):
        ws.read(lambda s: s.execute(Item.__table__.delete().where(Item.id == "sso")))
    assert ws.read(lambda s: s.scalar(select(func.count()).select_from(Deal))) == 0
    assert app_search.get_item(ws, "sso").body == "Yes, on every edition."


def test_a_refused_write_changes_nothing_and_leaves_no_marker(ws: Workspace) -> None:
    def refused(s):  # type: ignore[no-untyped-def]
        s.get(Item, "sso").body = "half-written"
        s.flush()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        ws.write(refused)
    assert app_search.get_item(ws, "sso").body == "Yes, on every edition."
    assert not ws.home.abandoned_markers()
