"""What every report shares: the order stages are listed in and the time window filter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import Select
from sqlalchemy.orm import Session

from kb.models import AnswerLogEntry
from kb.services.deals import stage_order
from kb.stages import UNKNOWN


class ReportError(ValueError):
    pass


def ordered_stages(session: Session, present: Iterable[str] = ()) -> list[str]:
    """Every configured stage in order, then stages only the log names, then ``unknown`` if present."""
    order = stage_order(session)
    present = set(present)
    extra = sorted(present - set(order) - {UNKNOWN})
    return order + extra + ([UNKNOWN] if UNKNOWN in present else [])


def check_stage(session: Session, stage: str) -> None:
    order = stage_order(session)
    if stage not in order and stage != UNKNOWN:
        raise ReportError(f"unknown stage {stage!r}; expected one of {', '.join([*order, UNKNOWN])}")


def as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min)


Window = date | datetime | None


def in_window(stmt: Select, since: Window, until: Window) -> Select:  # type: ignore[type-arg]
    """Keep log entries asked at or after ``since`` and before ``until``; a date means its midnight."""
    if since is not None:
        stmt = stmt.where(AnswerLogEntry.at >= as_datetime(since))
    if until is not None:
        stmt = stmt.where(AnswerLogEntry.at < as_datetime(until))
    return stmt
