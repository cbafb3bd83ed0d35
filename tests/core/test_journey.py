"""Deals loop back, and the answer log keeps the stage a question was asked in."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from kb.records import ItemRecord
from kb.services import answer_log, deals, gaps
from kb.services.items import save_records
from kb.store import Store


def test_moving_back_is_recorded_as_a_regression_not_rejected(store: Store) -> None:
    with store.session() as s:
        d = deals.create_deal(s, "Acme 400 seats", account="Acme")
        deals.move_stage(s, d.id, "consideration", note="shortlist")
        deals.move_stage(s, d.id, "decision")
        d = deals.move_stage(s, d.id, "awareness", note="new CIO joined")
    assert d.stage == "awareness"
    assert [(e.from_stage, e.to_stage, e.backward) for e in d.history] == [
        (None, "awareness", False),
        ("awareness", "consideration", False),
        ("consideration", "decision", False),
        ("decision", "awareness", True),
    ]
    assert d.history[-1].note == "new CIO joined"


def test_won_enters_results_and_lost_enters_win_back(store: Store) -> None:
    with store.session() as s:
        a = deals.create_deal(s, "Won deal", stage="decision")
        b = deals.create_deal(s, "Lost deal", stage="decision")
        a = deals.set_status(s, a.id, "won")
        b = deals.set_status(s, b.id, "lost", note="chose a competitor")
    assert (a.status, a.stage) == ("won", "results")
    assert (b.status, b.stage) == ("lost", "win-back")
    assert b.history[-1].status == "lost" and b.history[-1].note == "chose a competitor"


def test_unknown_stage_is_a_clear_error(store: Store) -> None:
    with store.session() as s:
        d = deals.create_deal(s, "X")
        with pytest.raises(deals.DealError, match="unknown stage 'closing'"):
            deals.move_stage(s, d.id, "closing")


def test_deal_ids_are_readable_and_unique_beyond_this_laptop(store: Store) -> None:
    """Two reps' "Acme Corp" meet on the team server: a per-laptop counter would give both
    ``acme-corp``; a random suffix keeps them two deals."""
    with store.session() as s:
        ids = [deals.create_deal(s, "Acme Corp").id for _ in range(50)]
    assert len(set(ids)) == 50
    assert all(re.fullmatch(r"acme-corp-[a-z2-7]{12}", i) for i in ids)


def test_log_entry_keeps_its_stage_after_the_deal_moves_on(store: Store) -> None:
    with store.session() as s:
        save_records(s, [ItemRecord(id="sec-sso", kind="qa", title="SSO?", body="Yes")])
        d = deals.create_deal(s, "Acme", stage="consideration")
        deals.add_stakeholder(s, d.id, "Felix", "technical-evaluator")
        e = answer_log.add_entry(
            s, "Can we use Okta?", deal_id=d.id, item_ids=["sec-sso"], role="technical-evaluator",
            search_text="okta sso", chosen_rank=2, seconds=14.5, rep="jordan",
        )  # fmt: skip
        deals.move_stage(s, d.id, "decision")
        deals.move_stage(s, d.id, "awareness")
    with store.session() as s:
        (entry,) = answer_log.list_entries(s, deal_id=d.id)
    assert entry.id == e.id and entry.stage == "consideration"
    assert entry.item_ids == ("sec-sso",) and entry.outcome == "answered"
    assert (entry.chosen_rank, entry.seconds, entry.role, entry.rep) == (2, 14.5, "technical-evaluator", "jordan")


def test_log_without_a_deal_records_stage_unknown(store: Store) -> None:
    with store.session() as s:
        e = answer_log.add_entry(s, "Do you have a Swiss region?", outcome="no-answer")
    assert e.stage == "unknown" and e.deal_id is None and e.gap_id is not None


def test_no_answer_files_a_gap_that_an_item_can_close(store: Store) -> None:
    with store.session() as s:
        d = deals.create_deal(s, "Globex", stage="decision")
        e = answer_log.add_entry(s, "Can we pay in CHF?", deal_id=d.id)
        assert e.outcome == "no-answer"
        (gap,) = gaps.list_gaps(s)
        assert (gap.question, gap.stage, gap.deal_id, gap.log_entry_id) == ("Can we pay in CHF?", "decision", d.id, e.id)
        save_records(s, [ItemRecord(id="price-chf", kind="qa", title="CHF billing?", body="Yes, from 2027.")])
        closed = gaps.resolve_gap(s, gap.id, item_id="price-chf")
        assert closed.status == "answered" and closed.answered_by == "price-chf"
        assert gaps.list_gaps(s) == []


def test_bad_log_input_names_the_problem(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(answer_log.LogError, match="empty"):
            answer_log.add_entry(s, "   ")
        with pytest.raises(answer_log.LogError, match="unknown outcome 'great'"):
            answer_log.add_entry(s, "Q?", outcome="great")
        with pytest.raises(answer_log.LogError, match="no deal 'nope'"):
            answer_log.add_entry(s, "Q?", deal_id="nope")
    with store.session() as s:
        assert answer_log.count_entries(s) == 0


def test_asked_next_follows_the_same_deal(store: Store) -> None:
    t = datetime(2026, 5, 1, 10)
    with store.session() as s:
        a = deals.create_deal(s, "A")
        b = deals.create_deal(s, "B")
        for deal in (a, b):
            answer_log.add_entry(s, "SSO?", deal_id=deal.id, item_ids=["sec-sso"], at=t)
            answer_log.add_entry(s, "And SCIM?", deal_id=deal.id, item_ids=["sec-scim"], at=t.replace(hour=11))
        answer_log.add_entry(s, "Price?", deal_id=a.id, at=t.replace(hour=12))
        assert answer_log.asked_next(s, "sec-sso") == [("And SCIM?", 2)]
        assert answer_log.asked_next(s, "sec-scim") == [("Price?", 1)]


def test_ahead_of_buyer_flags_answers_for_later_stages_only() -> None:
    from kb.stages import DEFAULT_STAGES, ahead_of_buyer

    order = [s.key for s in DEFAULT_STAGES]
    assert ahead_of_buyer(("decision",), "awareness", order)
    assert not ahead_of_buyer(("awareness", "decision"), "awareness", order)
    assert not ahead_of_buyer(("consideration",), "decision", order)  # behind is a loop, not a jump
    assert not ahead_of_buyer(("decision",), None, order) and not ahead_of_buyer((), "awareness", order)
