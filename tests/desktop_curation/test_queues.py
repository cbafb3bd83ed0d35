"""The Curation window: stale list order and owner filter, suggestions with their diff (accept /
reject), and gap → Answer → saved item, gap closed, findable by the prospect's wording."""

from __future__ import annotations

from indexer.app import search as app_search
from dataclasses import replace
from datetime import date

import pytest

from desktop.curation.editor import ItemEditor
from desktop.curation.queues import QueuesWindow
from indexer.app.curation import Curation
from kb.services import gaps
from kb.services.roles import resolve_actor
from tests.desktop_curation.conftest import ITEM
from tests.desktop_curation.helpers import TIMEOUT, ids, save

WORDING = "Can the quokka dashboard forecast renewals for our Vulcan subsidiary?"


def _queues(qtbot, ctx) -> QueuesWindow:  # type: ignore[no-untyped-def]
    win = QueuesWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=TIMEOUT):
        win.show()
    return win


def _reloaded(qtbot, win: QueuesWindow, action) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(win.loaded, timeout=TIMEOUT):
        action()


def _select(view, row: int) -> None:  # type: ignore[no-untyped-def]
    view.setCurrentIndex(view.model().index(row, 0))


def _suggest(ws, body: str):  # type: ignore[no-untyped-def]
    rep = Curation(ws, resolve_actor("Rita Rep", "rep"))
    return rep.suggest(replace(app_search.get_item(ws, ITEM), body=body), "customer asked twice").value


def test_stale_tab_oldest_first_and_owner_filter(qtbot, ctx) -> None:
    cur = Curation(ctx.ws, resolve_actor())
    cur.verify(ITEM, on=date(2020, 1, 1))  # long overdue
    win = _queues(qtbot, ctx)
    rows = win.stale_model.rows()
    assert [s.id for s in rows] == [s.id for s in cur.stale()]
    dues = [s.due for s in rows]
    never = [d for d in dues if d is None]
    assert dues[: len(never)] == never and dues[len(never):] == sorted(dues[len(never):])  # fmt: skip
    assert ITEM in [s.id for s in rows if s.due is not None][:1]  # the oldest dated review
    owner = app_search.get_item(ctx.ws, ITEM).owner
    _reloaded(qtbot, win, lambda: win.owner_combo.setCurrentIndex(win.owner_combo.findData(owner)))
    assert win.stale_model.rowCount() and {s.record.owner for s in win.stale_model.rows()} == {owner}
    assert win.owner_combo.currentText() == owner


def test_verify_from_stale_tab(qtbot, ctx) -> None:
    Curation(ctx.ws, resolve_actor()).verify(ITEM, on=date(2020, 1, 1))
    win = _queues(qtbot, ctx)
    row = [s.id for s in win.stale_model.rows()].index(ITEM)
    _select(win.stale_view, row)
    with qtbot.waitSignal(win.loaded, timeout=TIMEOUT):
        win.verify_button.click()
    assert app_search.get_item(ctx.ws, ITEM).verified_on == date.today()
    assert ITEM not in [s.id for s in win.stale_model.rows()]


@pytest.mark.parametrize("accept", [True, False])
def test_suggestion_diff_then_accept_or_reject(qtbot, ctx, accept: bool) -> None:
    sug = _suggest(ctx.ws, "Short answer from the field.")
    win = _queues(qtbot, ctx)
    assert [s.id for s in win.suggestions_model.rows()] == [sug.id]
    assert win.tabs.tabText(1) == "Suggestions (1)"
    with qtbot.waitSignal(win.suggestionDiffShown, timeout=TIMEOUT) as blocker:
        _select(win.suggestions_view, 0)
    assert "+Short answer from the field." in blocker.args[0]
    assert "+Short answer from the field." in win.suggestion_diff.toPlainText()
    _reloaded(qtbot, win, (win.accept_button if accept else win.reject_button).click)
    assert win.suggestions_model.rowCount() == 0
    item = app_search.get_item(ctx.ws, ITEM)
    assert (item.body == "Short answer from the field.") is accept
    assert item.version == (2 if accept else 1)


def test_outdated_suggestion_offers_accept_anyway(qtbot, ctx) -> None:
    _suggest(ctx.ws, "Rep's version.")
    Curation(ctx.ws, resolve_actor()).save(replace(app_search.get_item(ctx.ws, ITEM), owner="Moved On"))
    win = _queues(qtbot, ctx)
    win.tabs.setCurrentIndex(1)
    _select(win.suggestions_view, 0)
    with qtbot.waitSignal(win.acted, timeout=TIMEOUT) as blocker:
        win.accept_button.click()
    assert not blocker.args[0].ok and win.force_button.isVisibleTo(win)
    _reloaded(qtbot, win, win.force_button.click)
    assert app_search.get_item(ctx.ws, ITEM).body == "Rep's version."


def test_rep_sees_queue_but_cannot_decide(qtbot, ctx, monkeypatch) -> None:
    _suggest(ctx.ws, "Rep's version.")
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "rep")
    win = _queues(qtbot, ctx)
    assert win.suggestions_model.rowCount() == 1
    assert not win.accept_button.isEnabled() and "Experts only" in win.accept_button.toolTip()
    _select(win.suggestions_view, 0)
    with qtbot.waitSignal(win.acted, timeout=TIMEOUT) as blocker:
        win.decide(accept=True)  # even if called, the core refuses
    assert blocker.args[0].kind == "denied" and "Not allowed" in win.banner.text()


def test_gap_answer_closes_gap_and_is_findable_by_the_prospects_wording(qtbot, ctx) -> None:
    with ctx.ws.store.session() as s:
        gap = gaps.add_gap(s, WORDING, stage="decision")
    assert not any(h.title == WORDING for h in app_search.search(ctx.ws, WORDING, expert=True).hits)
    win = _queues(qtbot, ctx)
    assert [g.id for g in win.gaps_model.rows()] == [gap.id]
    _select(win.gaps_view, 0)
    win.answer_button.click()
    qtbot.waitUntil(lambda: any(isinstance(w, ItemEditor) for w in ctx.windows), timeout=TIMEOUT)
    editor = next(w for w in ctx.windows if isinstance(w, ItemEditor))
    qtbot.waitUntil(editor.idle, timeout=TIMEOUT)
    assert editor.gap_id == gap.id and "Answer gap" in editor.header.text()
    assert editor.form.title_edit.text() == WORDING
    assert WORDING in editor.form.phrasings.toPlainText()  # the prospect's own wording
    assert editor.form.stage_boxes["decision"].isChecked()
    editor.form.title_edit.setText("Does forecasting cover subsidiaries?")  # the expert rewords it
    editor.body.setPlainText("Yes: forecasts roll up per subsidiary.")
    with qtbot.waitSignal(win.loaded, timeout=TIMEOUT):
        record = save(qtbot, editor)
    assert "Gap" in editor.banner.text() and "closed" in editor.banner.text()
    with ctx.ws.store.session() as s:
        closed = next(g for g in gaps.list_gaps(s, status=None) if g.id == gap.id)
    assert closed.status == "answered" and closed.answered_by == record.id
    assert ids(ctx.ws, WORDING)[0] == record.id
    assert win.gaps_model.rowCount() == 0


def test_every_queue_model_passes_the_model_tester(qtbot, qtmodeltester, ctx) -> None:
    _suggest(ctx.ws, "Rep's version.")
    with ctx.ws.store.session() as s:
        gaps.add_gap(s, WORDING, stage="decision")
    win = _queues(qtbot, ctx)
    for model in (win.stale_model, win.suggestions_model, win.gaps_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)
