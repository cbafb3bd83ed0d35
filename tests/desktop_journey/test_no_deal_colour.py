"""Insight shows questions logged without a deal in grey, labelled so: never in a stage's colour."""

from __future__ import annotations

from datetime import date

from desktop.journey.chart import NO_DEAL_LABEL, StageChart


def test_no_deal_is_grey_and_named(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = StageChart()
    qtbot.addWidget(chart)
    chart.set_data([(date(2026, 11, 2), {"awareness": 3, "unknown": 2, "decision": 1})], "week",
                   {"awareness": "Awareness", "decision": "Decision"})
    bars = {b.label(): b.color() for b in chart.series.barSets()}
    assert set(bars) == {"Awareness", NO_DEAL_LABEL, "Decision"}
    assert bars[NO_DEAL_LABEL].hslSaturationF() < 0.05
    assert min(bars["Awareness"].hslSaturationF(), bars["Decision"].hslSaturationF()) > 0.3
