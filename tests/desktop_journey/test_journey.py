"""The journey windows against a demo workspace: models, chart, deal moves, gap queue, menu."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

from PySide6.QtWidgets import QMainWindow

from desktop.journey import WINDOWS, install, journey_of
from indexer.app import insight, journey as tasks
from desktop.journey.deals_view import DealsWindow
from desktop.journey.gaps_view import GapGroupsModel, GapsWindow
from desktop.journey.insight_view import InsightWindow
from desktop.journey.models import DealsTableModel, RowsModel, StageFiguresModel, TimelineModel
from kb.services import deals, gaps, reports
from kb.services.deals import DealRecord, StageEventRecord
from kb.services.report_csv import report_rows


def test_models_pass_modeltester(qtmodeltester, demo_ws) -> None:  # type: ignore[no-untyped-def]
    overview = tasks.deals_overview(demo_ws)
    queue = tasks.gap_queue(demo_ws)
    data = insight.insight(demo_ws)
    assert overview.deals and queue.groups and data.loops
    detail = tasks.deal_detail(demo_ws, overview.deals[0].id)
    filled = [
        (DealsTableModel(), lambda m: m.set_deals(overview.deals, overview.labels)),
        (TimelineModel(), lambda m: m.set_events(detail.timeline, overview.labels)),
        (StageFiguresModel(), lambda m: m.set_summary(data.summary, data.labels)),
        (RowsModel(), lambda m: m.set_table(*report_rows("loops", data.loops))),
        (GapGroupsModel(), lambda m: m.set_groups(queue.groups, queue.labels)),
    ]
    for model, fill in filled:
        qtmodeltester.check(model)  # empty
        fill(model)
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_timeline_interleaves_and_marks_backward_moves() -> None:
    t0 = datetime(2026, 3, 2, 9)
    history = (
        StageEventRecord(None, "awareness", t0, "", "open", False),
        StageEventRecord("awareness", "decision", t0 + timedelta(days=2), "", None, False),
        StageEventRecord("decision", "consideration", t0 + timedelta(days=4), "CFO joined", None, True),
    )
    deal = DealRecord("d", "D", "A", "", "open", "consideration", t0, t0, history)

    class Entry:
        def __init__(self, q: str, at: datetime, stage: str) -> None:
            self.question, self.at, self.stage, self.outcome = q, at, stage, "answered"

    entries = [Entry("price?", t0 + timedelta(days=3), "decision"), Entry("sso?", t0 + timedelta(days=1), "awareness")]
    labels = {"awareness": "Awareness", "consideration": "Consideration", "decision": "Decision"}
    kinds = [e.kind for e in tasks.timeline(deal, entries, labels)]
    assert kinds == ["created", "question", "move", "question", "back"]
    back = tasks.timeline(deal, entries, labels)[-1]
    assert back.text == "↩ back to Consideration" and back.detail == "CFO joined"


def test_chart_renders_offscreen_with_data(qtbot, demo_ws, runners) -> None:  # type: ignore[no-untyped-def]
    win = InsightWindow(demo_ws, *runners[:1])
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    win.show()
    qtbot.waitExposed(win)
    weekly = win.chart.bar_totals()
    assert win.chart.series is not None and win.chart.series.count() > 0
    assert sum(weekly.values()) == sum(f.questions for f in win.data.summary.values()) > 0
    pixmap = win.chart.grab()
    assert not pixmap.isNull() and pixmap.width() > 100
    win.bucket.setCurrentIndex(win.bucket.findData("month"))
    assert sum(win.chart.bar_totals().values()) == sum(weekly.values())
    assert win.chart.series.barSets()[0].count() == len(win.data.over_time["month"])


def test_insight_exports_visible_report(qtbot, demo_ws, runners, tmp_path) -> None:  # type: ignore[no-untyped-def]
    win = InsightWindow(demo_ws, runners[0])
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    win.tabs.setCurrentIndex(1)
    n = win.export_to(tmp_path / "stages.csv")
    with (tmp_path / "stages.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["stage", "questions"] and len(rows) == n + 1
    win.tabs.setCurrentIndex(4)
    assert win.visible_report()[0] == "loops"
    assert win.loops_model.rowCount() == len(report_rows("loops", win.data.loops)[1])


def test_moving_a_deal_back_records_and_shows_a_loop(qtbot, fresh_ws, runners) -> None:  # type: ignore[no-untyped-def]
    with fresh_ws.store.session() as s:
        deal = next(d for d in deals.list_deals(s) if d.status == "open" and d.stage != "awareness")
        backs_before = sum(e.backward for e in deal.history)
    win = DealsWindow(fresh_ws, *runners)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    with qtbot.waitSignal(win.detailLoaded, timeout=10_000):
        assert win.select_deal(deal.id)
    assert win.back_btn.isEnabled()
    win.note.setText("Security team joined")
    with qtbot.waitSignal(win.written, timeout=10_000):
        win.back_btn.click()
    with fresh_ws.store.session() as s:
        after = deals.get_deal(s, deal.id)
    last = after.history[-1]
    assert last.backward and last.from_stage == deal.stage and last.note == "Security team joined"
    assert sum(e.backward for e in after.history) == backs_before + 1
    qtbot.waitUntil(lambda: win.timeline.rowCount() and win.timeline.record(win.timeline.rowCount() - 1).kind == "back")
    label = tasks.label_of({s.key: s.label for s in fresh_ws.store.stages()}, after.stage)
    texts = [win.timeline.index(r, 1).data() for r in range(win.timeline.rowCount())]
    assert f"↩ back to {label}" in texts
    with fresh_ws.store.session() as s:
        assert any(d.deal_id == deal.id for d in reports.loops(s))


def test_won_and_stakeholder_go_through_the_writer(qtbot, fresh_ws, runners) -> None:  # type: ignore[no-untyped-def]
    with fresh_ws.store.session() as s:
        deal = next(d for d in deals.list_deals(s) if d.status == "open")
    win = DealsWindow(fresh_ws, *runners)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    with qtbot.waitSignal(win.detailLoaded, timeout=10_000):
        win.select_deal(deal.id)
    win.person.setText("Dana Ruiz")
    win.role.setCurrentIndex(win.role.findData("legal"))
    with qtbot.waitSignal(win.written, timeout=10_000):
        win.add_person_btn.click()
    qtbot.waitUntil(lambda: win.actions_box.isEnabled())
    with qtbot.waitSignal(win.written, timeout=10_000):
        win.won_btn.click()
    with fresh_ws.store.session() as s:
        after = deals.get_deal(s, deal.id)
    assert ("Dana Ruiz", "legal") in after.stakeholders
    assert after.status == "won" and after.stage == "results"


def test_gap_queue_dismisses_a_group(qtbot, fresh_ws, runners, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = GapsWindow(fresh_ws, *runners)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10_000):
        win.refresh()
    group = win.current_group()
    assert group is not None and win.wordings.rowCount() == len(group.wordings)
    assert not win.dismiss_btn.isEnabled() and "Only experts" in win.dismiss_btn.toolTip()  # a rep's laptop
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")
    win.table.selectRow(1)
    win.table.selectRow(0)
    assert win.dismiss_btn.isEnabled()
    with fresh_ws.store.session() as s:
        before = gaps.count_gaps(s)
    with qtbot.waitSignal(win.loaded, timeout=10_000):  # the reload after the write
        win.dismiss_btn.click()
    with fresh_ws.store.session() as s:
        assert gaps.count_gaps(s) == before - group.count
        assert {g.id for g in gaps.list_gaps(s, status="dismissed")} >= set(group.gap_ids)


def test_install_adds_menu_and_opens_windows(qtbot, demo_ws) -> None:  # type: ignore[no-untyped-def]
    win = QMainWindow()
    qtbot.addWidget(win)
    current: list = [None]
    install(win, lambda: current[0])
    menus = [a for a in win.menuBar().actions() if a.text() == "&Journey"]
    assert len(menus) == 1
    actions = menus[0].menu().actions()[: len(WINDOWS)]  # then the CRM import/export
    assert [a.shortcut().toString() for a in actions] == [w[2] for w in WINDOWS]
    assert all(w[2] in a.toolTip() for a, w in zip(actions, WINDOWS))
    actions[0].trigger()  # no workspace yet: a message, no window
    assert "still being prepared" in win.statusBar().currentMessage()
    journey = journey_of(win)
    assert journey is not None and not journey.windows
    current[0] = demo_ws
    for action, (key, *_rest) in zip(actions, WINDOWS):
        action.trigger()
        assert journey.windows[key].isVisible()
    first = journey.windows["deals"]
    actions[0].trigger()  # raised, not rebuilt
    assert journey.windows["deals"] is first
    for r in (journey.reads, journey.writer):
        r.wait(10)
