"""Insight: which questions come up at which stage, how fast they are answered, and the loops.

``kb report …`` and the Insight window call these; the CSV written by either is the same
(:func:`write_csv`). Each report is one read over the answer log, so it can run over a laptop's
home or, through a workspace opened on the team server, over the whole team's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from kb.services import gap_groups, report_csv, reports
from kb.services.reports import BUCKETS, LOOP_LOOKBACK_DAYS

from indexer.app.journey import stage_labels
from indexer.app.team_sync import read_team
from indexer.app.workspace import Workspace

T = TypeVar("T")

__all__ = ["BUCKETS", "LOOP_LOOKBACK_DAYS", "Insight", "report", "report_rows", "write_csv"]


@dataclass(frozen=True)
class Insight:
    """Everything the Insight window shows, read together."""

    labels: dict[str, str]
    summary: dict[str, reports.StageFigures]
    over_time: dict[str, list[Any]]  # bucket → questions_over_time
    top: dict[str, list[reports.QuestionCount]]
    items: reports.ItemUsageReport
    loops: list[reports.DealLoops]


def _read(ws: Workspace, build: Callable[[Session], T], team: bool) -> T:
    """On this laptop's home, or (``team``) on the team server with this member's own role."""
    return read_team(ws, build) if team else ws.read(build)


def insight(ws: Workspace, *, team: bool = False) -> Insight:
    def read(s):  # type: ignore[no-untyped-def]
        return Insight(
            labels={},
            summary=reports.stage_summary(s),
            over_time={b: reports.questions_over_time(s, b) for b in BUCKETS},
            top=reports.top_questions_by_stage(s, limit=20),
            items=reports.item_usage(s),
            loops=reports.loops(s),
        )

    data = _read(ws, read, team)
    return Insight(stage_labels(ws), data.summary, data.over_time, data.top, data.items, data.loops)


def report(
    ws: Workspace,
    name: str,
    *,
    since: date | None = None,
    until: date | None = None,
    stage: str | None = None,
    limit: int | None = 10,
    bucket: str = "week",
    status: str | None = "open",
    team: bool = False,
) -> Any:
    """One named report: stages, questions, over-time, items, loops or gaps."""
    window = {"since": since, "until": until}

    def build(s):  # type: ignore[no-untyped-def]
        if name == "stages":
            return reports.stage_summary(s, **window)
        if name == "questions":
            if stage:
                return {stage: reports.top_questions(s, stage, limit, **window)}
            return reports.top_questions_by_stage(s, limit, **window)
        if name == "over-time":
            return reports.questions_over_time(s, bucket, **window)
        if name == "items":
            return reports.item_usage(s, limit=limit)
        if name == "loops":
            return reports.loops(s)
        if name == "gaps":
            return gap_groups.group_gaps(s, status)
        raise ValueError(f"unknown report {name!r}")

    return _read(ws, build, team)


def report_rows(name: str, data: Any) -> tuple[list[str], list[list[Any]]]:
    return report_csv.report_rows(name, data)


def write_csv(name: str, data: Any, path: str | Path) -> int:
    return report_csv.write_report_csv(name, data, path)
