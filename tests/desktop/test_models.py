"""Every Qt model passes qtmodeltester, empty and filled, including the live window's models."""

from __future__ import annotations

from datetime import date, datetime

from desktop_helpers import ask

from indexer.app.search import NextQuestion
from desktop.models import DealsModel, FitsRole, HitRole, ResultsModel, NextQuestionsModel
from indexer.engine.results import Hit
from kb.services.deals import DealRecord


def hit(n: int, stages: tuple[str, ...] = ("decision",)) -> Hit:
    return Hit(
        id=f"item-{n}", kind="qa" if n % 2 else "article", title=f"Question {n}?", snippet="…a <mark>word</mark>…",
        score=10.0 - n, rank=n, stages=stages, owner="Priya", stale=n == 2, verified_on=date(2026, 1, n),
    )  # fmt: skip


def deal(n: int, stage: str) -> DealRecord:
    now = datetime(2026, 1, 1)
    return DealRecord(f"deal-{n}", f"Deal {n}", f"Account {n}", "", "open", stage, now, now)


def test_results_model(qtmodeltester) -> None:
    model = ResultsModel()
    qtmodeltester.check(model)
    model.set_hits([hit(1), hit(2, ("awareness",)), hit(3)])
    model.set_stage("decision")
    qtmodeltester.check(model)
    assert [model.index(r).data(FitsRole) for r in range(3)] == [True, False, True]
    assert model.index(1).data(HitRole).id == "item-2"
    model.set_hits([])
    qtmodeltester.check(model)


def test_deals_model(qtmodeltester) -> None:
    model = DealsModel()
    qtmodeltester.check(model)
    model.set_deals([deal(1, "decision"), deal(2, "awareness")], {"decision": "Decision"})
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.row_of("deal-2") == 2 and model.row_of("gone") == 0
    assert "Decision" in model.index(1).data()


def test_suggestions_model(qtmodeltester) -> None:
    model = NextQuestionsModel()
    qtmodeltester.check(model)
    model.set_rows([NextQuestion("What next?", "asked-next", 3), NextQuestion("Similar?", "similar", 0, "x")])
    qtmodeltester.check(model)


def test_live_window_models(qtbot, qtmodeltester, window) -> None:
    ask(qtbot, window, "support tiers")
    qtbot.waitUntil(lambda: window.suggestions_model.rowCount() > 0)
    for model in (window.results_model, window.deals_model, window.suggestions_model):
        qtmodeltester.check(model)
