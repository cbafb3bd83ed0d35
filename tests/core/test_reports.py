"""Insight reports on a hand-built log: every expected figure below was worked out by hand from the
timeline in ``journey_log`` (see the comments there), not by calling the code under test."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kb.records import ItemRecord
from kb.services import answer_log, deals, gap_groups, gaps, report_csv, reports
from kb.services.gap_groups import similar
from kb.services.items import save_records
from kb.services.reports import BackwardMove, StageFigures
from kb.store import Store

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


ITEMS = [
    ItemRecord(id="a", kind="qa", title="Replace on-prem?", body=".", verified_on=date(2026, 3, 1)),  # due 2026-08-28
    ItemRecord(id="b", kind="qa", title="Pricing", body=".", verified_on=date(2025, 1, 1)),  # due 2025-06-30: stale
    ItemRecord(id="c", kind="qa", title="Never asked", body=".", verified_on=date(2026, 3, 1)),
    ItemRecord(id="d", kind="qa", title="A draft", body=".", status="draft"),
    ItemRecord(id="e", kind="article", title="Old guide", body=".", status="archived", verified_on=date(2024, 1, 1)),
    ItemRecord(id="f", kind="qa", title="SSO", body="."),  # never verified: stale
]


@pytest.fixture
def journey_log(store: Store) -> Store:
    """Two deals that loop back, a won deal, and one question logged with no deal.

    #   day deal  stage          outcome    secs  items     question
    2    1  acme  awareness      answered   10    a         Can Harbor replace our on-prem CRM?
    3    2  acme  awareness      partial    30    a         can harbor replace our on-prem CRM
    5    4  bolt  consideration  answered   20    b         How much does Enterprise cost?
    7    6  acme  consideration  no-answer  40    -         How much does Enterprise cost?!
    8    9  acme  consideration  answered   -     f         Do you support SAML SSO?
    9   12  acme  consideration  answered   50    b         Is our data stored in the EU?
    10  14  bolt  consideration  partial    25    b         Is our data stored in the EU
    10b 15  bolt  consideration  answered   18    -         Who else uses Harbor in logistics?
         15 acme  ↩ awareness "new CIO joined"
    12  16  acme  awareness      answered   15    a         What do other manufacturers use?
         20 bolt  → decision
    14  21  bolt  decision       no-answer  60    -         Can we get a multi-year discount?
         22 bolt  ↩ consideration "procurement added a competitor"
         25 acme  → decision
    17  26  acme  decision       answered   35    e, a      Can we get a multi-year discount
         30 acme  won → results
    19  35  acme  results        answered   12    gone      How do we train admins?
    20  36  —     unknown        no-answer  -     -         Do you have a Swiss data centre?
    """
    with store.session() as s:
        save_records(s, ITEMS)

        def ask(deal: str | None, n: int, question: str, outcome: str, secs: float | None, *items: str) -> str:
            entry = answer_log.add_entry(s, question, deal_id=deal, item_ids=items, outcome=outcome, seconds=secs,
                                         at=day(n))  # fmt: skip
            return entry.stage

        deals.create_deal(s, "Acme", deal_id="acme", at=day(0))
        assert ask("acme", 1, "Can Harbor replace our on-prem CRM?", "answered", 10, "a") == "awareness"
        ask("acme", 2, "can harbor replace our on-prem CRM", "partial", 30, "a")
        deals.create_deal(s, "Bolt", deal_id="bolt", stage="consideration", at=day(3))
        ask("bolt", 4, "How much does Enterprise cost?", "answered", 20, "b")
        deals.move_stage(s, "acme", "consideration", note="shortlist", at=day(5))
        ask("acme", 6, "How much does Enterprise cost?!", "no-answer", 40)
        ask("acme", 9, "Do you support SAML SSO?", "answered", None, "f")
        ask("acme", 12, "Is our data stored in the EU?", "answered", 50, "b")
        ask("bolt", 14, "Is our data stored in the EU", "partial", 25, "b")
        ask("bolt", 15, "Who else uses Harbor in logistics?", "answered", 18)
        deals.move_stage(s, "acme", "awareness", note="new CIO joined", at=day(15))
        ask("acme", 16, "What do other manufacturers use?", "answered", 15, "a")
        deals.move_stage(s, "bolt", "decision", at=day(20))
        ask("bolt", 21, "Can we get a multi-year discount?", "no-answer", 60)
        deals.move_stage(s, "bolt", "consideration", note="procurement added a competitor", at=day(22))
        deals.move_stage(s, "acme", "decision", at=day(25))
        ask("acme", 26, "Can we get a multi-year discount", "answered", 35, "e", "a")
        deals.set_status(s, "acme", "won", at=day(30))
        assert ask("acme", 35, "How do we train admins?", "answered", 12, "gone") == "results"
        assert ask(None, 36, "Do you have a Swiss data centre?", "no-answer", None) == "unknown"
    return store


def test_stage_summary_matches_the_hand_count(journey_log: Store) -> None:
    with journey_log.session() as s:
        summary = reports.stage_summary(s)
    assert list(summary) == ["awareness", "consideration", "decision", "results", "win-back", "unknown"]
    assert summary == {
        # secs 10, 30, 15 → median 15
        "awareness": StageFigures(questions=3, answered=2, partial=1, no_answer=0, median_seconds=15),
        # secs 20, 40, 50, 25, 18 (#8 has none) → sorted 18 20 25 40 50 → 25
        "consideration": StageFigures(questions=6, answered=4, partial=1, no_answer=1, median_seconds=25),
        # secs 60, 35 → 47.5
        "decision": StageFigures(questions=2, answered=1, partial=0, no_answer=1, median_seconds=47.5),
        "results": StageFigures(questions=1, answered=1, partial=0, no_answer=0, median_seconds=12),
        "win-back": StageFigures(questions=0, answered=0, partial=0, no_answer=0, median_seconds=None),
        "unknown": StageFigures(questions=1, answered=0, partial=0, no_answer=1, median_seconds=None),
    }
    assert summary["consideration"].rate("no-answer") == pytest.approx(1 / 6)
    assert summary["win-back"].rate("answered") is None


def test_stage_summary_window_is_since_inclusive_until_exclusive(journey_log: Store) -> None:
    # 2026-03-12 00:00 .. 2026-03-27 00:00 holds days 12, 14, 15, 16 and 21 (day 26 is 03-28).
    with journey_log.session() as s:
        summary = reports.stage_summary(s, since=date(2026, 3, 12), until=date(2026, 3, 27))
        exact = reports.stage_summary(s, since=day(12), until=day(14))  # #10 at exactly day 14 is out
    assert "unknown" not in summary
    assert summary["awareness"] == StageFigures(1, 1, 0, 0, 15)
    assert summary["consideration"] == StageFigures(3, 2, 1, 0, 25)  # secs 50, 25, 18
    assert summary["decision"] == StageFigures(1, 0, 0, 1, 60)
    assert summary["results"].questions == 0
    assert exact["consideration"] == StageFigures(1, 1, 0, 0, 50)


def test_a_log_entry_keeps_its_stage_after_the_deal_moves_on(journey_log: Store) -> None:
    with journey_log.session() as s:
        assert deals.get_deal(s, "acme").stage == "results"
        first = answer_log.list_entries(s, deal_id="acme", newest_first=False)[0]
        assert (first.question, first.stage) == ("Can Harbor replace our on-prem CRM?", "awareness")
        # Asked in consideration; the deal then moved back to awareness: the report keeps it in consideration.
        before = reports.stage_summary(s)
        deals.move_stage(s, "bolt", "awareness", note="starting over")
        after = reports.stage_summary(s)
    assert before == after


def test_questions_over_time_by_week_and_month(journey_log: Store) -> None:
    with journey_log.session() as s:
        weeks = reports.questions_over_time(s, "week")
        months = reports.questions_over_time(s, "month")
        with pytest.raises(reports.ReportError, match="unknown bucket"):
            reports.questions_over_time(s, "year")
    zero = {"awareness": 0, "consideration": 0, "decision": 0, "results": 0, "unknown": 0}  # no win-back asked
    assert weeks == [
        (date(2026, 3, 2), {**zero, "awareness": 2, "consideration": 2}),  # days 1, 2, 4, 6
        (date(2026, 3, 9), {**zero, "consideration": 2}),  # days 9, 12
        (date(2026, 3, 16), {**zero, "awareness": 1, "consideration": 2}),  # days 14, 15, 16
        (date(2026, 3, 23), {**zero, "decision": 2}),  # days 21, 26
        (date(2026, 3, 30), zero),  # nothing asked: still a bar
        (date(2026, 4, 6), {**zero, "results": 1, "unknown": 1}),  # days 35, 36
    ]
    assert list(weeks[0][1]) == list(zero)  # stage order, unknown last
    assert months == [
        (date(2026, 3, 1), {**zero, "awareness": 3, "consideration": 6, "decision": 2}),
        (date(2026, 4, 1), {**zero, "results": 1, "unknown": 1}),
    ]


def test_top_questions_group_by_normalised_text(journey_log: Store) -> None:
    with journey_log.session() as s:
        awareness = reports.top_questions(s, "awareness")
        consideration = reports.top_questions(s, "consideration")
        first = reports.top_questions(s, "consideration", limit=1)
        everywhere = reports.top_questions(s, None, limit=4)
        by_stage = reports.top_questions_by_stage(s, limit=1)
        with pytest.raises(reports.ReportError, match="unknown stage 'closing'"):
            reports.top_questions(s, "closing")
    assert [(q.key, q.count, q.answered, q.partial, q.no_answer) for q in awareness] == [
        ("can harbor replace our on prem crm", 2, 1, 1, 0),
        ("what do other manufacturers use", 1, 1, 0, 0),
    ]
    # Two wordings once each: the latest one (day 2) represents the group.
    assert awareness[0].question == "can harbor replace our on-prem CRM" and awareness[0].last_asked == day(2)
    assert [(q.question, q.count, q.no_answer, q.last_asked) for q in consideration] == [
        ("Is our data stored in the EU", 2, 0, day(14)),
        ("How much does Enterprise cost?!", 2, 1, day(6)),
        ("Who else uses Harbor in logistics?", 1, 0, day(15)),
        ("Do you support SAML SSO?", 1, 0, day(9)),
    ]
    assert [q.key for q in first] == ["is our data stored in the eu"]
    assert [(q.key, q.count) for q in everywhere] == [
        ("can we get a multi year discount", 2),  # across stages: decision twice (days 21, 26)
        ("is our data stored in the eu", 2),
        ("how much does enterprise cost", 2),
        ("can harbor replace our on prem crm", 2),
    ]
    assert {k: [q.key for q in v] for k, v in by_stage.items()} == {
        "awareness": ["can harbor replace our on prem crm"],
        "consideration": ["is our data stored in the eu"],
        "decision": ["can we get a multi year discount"],
        "results": ["how do we train admins"],
        "unknown": ["do you have a swiss data centre"],
    }


def test_item_usage(journey_log: Store) -> None:
    with journey_log.session() as s:
        usage = reports.item_usage(s, today=date(2026, 6, 10))  # window from 2026-03-12
    assert usage.window_start == date(2026, 3, 12)
    # a: #2 #3 #12 #17 · b: #5 #9 #10 · then one use each, latest first: gone (day 35), e (26), f (9)
    assert [(u.item_id, u.uses, u.recent_uses, u.last_used) for u in usage.most_used] == [
        ("a", 4, 2, day(26)),
        ("b", 3, 2, day(14)),
        ("gone", 1, 1, day(35)),
        ("e", 1, 1, day(26)),
        ("f", 1, 0, day(9)),
    ]
    gone = usage.most_used[2]
    assert (gone.status, gone.title) == ("deleted", "")
    assert [u.item_id for u in usage.never_used] == ["c"]  # the draft d is not offered to reps
    # b is stale and used in the window; f is stale but last used before it; e is archived; a is fresh.
    assert [(u.item_id, u.recent_uses, u.stale, u.review_due) for u in usage.stale_in_use] == [
        ("b", 2, True, date(2025, 6, 30))
    ]
    with journey_log.session() as s:
        assert [u.item_id for u in reports.item_usage(s, limit=2, today=date(2026, 6, 10)).most_used] == ["a", "b"]


def test_loops_list_backward_moves_with_the_questions_of_the_week_before(journey_log: Store) -> None:
    with journey_log.session() as s:
        result = reports.loops(s)
    assert [(d.deal_id, d.status, d.stage) for d in result] == [
        ("bolt", "open", "consideration"),  # the latest loop first
        ("acme", "won", "results"),
    ]
    (bolt_move,) = result[0].moves
    (acme_move,) = result[1].moves
    assert (bolt_move.from_stage, bolt_move.to_stage, bolt_move.at, bolt_move.note) == (
        "decision", "consideration", day(22), "procurement added a competitor"
    )  # fmt: skip
    # Window [day 15, day 22): the day-15 question sits exactly on the boundary and counts; day 14 does not.
    assert [(q.question, q.stage, q.outcome) for q in bolt_move.questions] == [
        ("Who else uses Harbor in logistics?", "consideration", "answered"),
        ("Can we get a multi-year discount?", "decision", "no-answer"),
    ]
    assert isinstance(acme_move, BackwardMove) and acme_move.note == "new CIO joined"
    # Window [day 8, day 15): acme's day 9 and 12; not day 6, and not bolt's day 14.
    assert [q.at for q in acme_move.questions] == [day(9), day(12)]


def _gap(s, question: str, deal_id: str, n: int) -> int:  # type: ignore[no-untyped-def]
    entry = answer_log.add_entry(s, question, deal_id=deal_id, outcome="no-answer", at=day(n))
    assert entry.gap_id is not None
    return entry.gap_id


def test_gap_grouping_on_crafted_questions(store: Store) -> None:
    with store.session() as s:
        for key, stage in (("aw", "awareness"), ("co", "consideration"), ("de", "decision")):
            deals.create_deal(s, key, deal_id=key, stage=stage, at=day(0))
        g1 = _gap(s, "Can Harbor store data in a Swiss data centre?", "co", 1)
        g2 = _gap(s, "can harbor store data in a swiss data centre", "de", 2)  # same normalised text
        g3 = _gap(s, "Do you have a Swiss data centre for storing data?", "co", 3)  # 3 of 6 words: exactly 0.5
        g4 = _gap(s, "Can we pay in Swiss francs?", "aw", 4)
        g5 = _gap(s, "Can we pay invoices in Swiss francs?", "co", 5)  # 3 of 4 words
        g7 = _gap(s, "What is it?", "aw", 6)  # only stop words: joins equal text only
        g8 = _gap(s, "what is it", "aw", 7)
        g6 = _gap(s, "Is there an offline mode?", "aw", 8)
        g9 = _gap(s, "Is it?", "aw", 9)
        g11 = _gap(s, "Can Harbor store files in Canada?", "aw", 10)  # 2 of 7 words with g1: apart
        g10 = _gap(s, "Is there an offline mode", "aw", 11)
        gaps.resolve_gap(s, g10, item_id=None, status="dismissed")
        groups = gap_groups.group_gaps(s)
        every = gap_groups.group_gaps(s, None)
    assert [(g.count, g.gap_ids) for g in groups] == [
        (3, (g3, g2, g1)),
        (2, (g8, g7)),  # newer than the francs group
        (2, (g5, g4)),
        (1, (g11,)),
        (1, (g9,)),
        (1, (g6,)),
    ]
    swiss, what, francs = groups[0], groups[1], groups[2]
    assert swiss.question == "can harbor store data in a swiss data centre"  # most frequent text, newest wording
    assert swiss.stages == {"consideration": 2, "decision": 1} and list(swiss.stages) == ["consideration", "decision"]
    assert swiss.newest == day(3) and swiss.deal_ids == ("co", "de")
    assert swiss.wordings[0] == "Do you have a Swiss data centre for storing data?" and len(swiss.wordings) == 3
    assert (what.question, what.stages) == ("what is it", {"awareness": 2})
    assert francs.question == "Can we pay invoices in Swiss francs?"
    assert francs.stages == {"awareness": 1, "consideration": 1}
    assert [g.gap_ids for g in every if g10 in g.gap_ids] == [(g10, g6)]


def test_similarity_rule() -> None:
    assert similar("Can we use Okta?", "can we use   OKTA")
    assert similar("Do you support SSO with Okta?", "Okta SSO support?")
    # {support} of {support, sso, okta, scim}: 0.25
    assert not similar("Do you support SSO with Okta?", "Do you support SCIM?")
    assert not similar("What is it?", "Is it?")


def test_reports_to_csv(journey_log: Store, tmp_path: Path) -> None:
    with journey_log.session() as s:
        answer_log.add_entry(s, "=HYPERLINK(\"http://x\") pricing?", outcome="no-answer", at=day(40))
        data = {
            "stages": reports.stage_summary(s),
            "over-time": reports.questions_over_time(s, "month"),
            "questions": reports.top_questions_by_stage(s),
            "items": reports.item_usage(s, today=date(2026, 6, 10)),
            "loops": reports.loops(s),
            "gaps": gap_groups.group_gaps(s),
        }
    rows = {}
    for name, report in data.items():
        n = report_csv.write_report_csv(name, report, tmp_path / f"{name}.csv")
        with (tmp_path / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows[name] = list(csv.DictReader(fh))
        assert len(rows[name]) == n > 0
    assert rows["stages"][1] == {"stage": "consideration", "questions": "6", "answered": "4", "partial": "1",
                                 "no_answer": "1", "median_seconds": "25.0"}  # fmt: skip
    assert rows["stages"][4]["median_seconds"] == ""  # win-back: no timings
    assert rows["over-time"][0]["period_start"] == "2026-03-01" and rows["over-time"][0]["total"] == "11"
    assert {r["item_id"] for r in rows["items"] if r["section"] == "never_used"} == {"c"}
    assert [r["question"] for r in rows["loops"] if r["deal_id"] == "acme"] == [
        "Do you support SAML SSO?", "Is our data stored in the EU?"
    ]  # fmt: skip
    formula = [r for r in rows["gaps"] if "HYPERLINK" in r["question"]]
    assert formula[0]["question"].startswith("'=")  # a spreadsheet shows it as text, never runs it
    with pytest.raises(ValueError, match="unknown report"):
        report_csv.write_report_csv("nope", [], tmp_path / "x.csv")


def test_cli_report_stages_json_on_the_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from indexer.cli import main

    home = str(tmp_path / "home")
    assert main(["--home", home, "demo", "--json"]) == 0
    demo = json.loads(capsys.readouterr().out)
    assert main(["--home", home, "report", "stages", "--json"]) == 0
    stages = json.loads(capsys.readouterr().out)
    assert list(stages)[:5] == ["awareness", "consideration", "decision", "results", "win-back"]
    for figures in stages.values():
        assert set(figures) == {"questions", "answered", "partial", "no_answer", "median_seconds"}
        assert figures["answered"] + figures["partial"] + figures["no_answer"] == figures["questions"]
    assert sum(f["questions"] for f in stages.values()) == demo["log_entries"] > 0
    assert sum(f["no_answer"] for f in stages.values()) >= demo["gaps"]
    for command in (["questions", "--stage", "decision"], ["over-time", "--bucket", "month"], ["items"], ["loops"],
                    ["gaps"]):  # fmt: skip
        csv_path = tmp_path / f"{command[0]}.csv"
        assert main(["--home", home, "report", *command, "--json", "--csv", str(csv_path)]) == 0, command
        assert json.loads(capsys.readouterr().out) and csv_path.exists()
    assert main(["--home", home, "report", "questions", "--stage", "closing"]) == 2
    assert "unknown stage 'closing'" in capsys.readouterr().err
