"""CSV export of any insight report: one flat table per report, ready for a spreadsheet.

``report_rows`` turns a report's result (as returned by ``kb.services.reports``) into a header and
rows, so the desktop app can offer the same table for copy or export that the CLI writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kb import csv_cells

Rows = tuple[list[str], list[list[Any]]]


def _stages(data: dict[str, Any]) -> Rows:
    header = ["stage", "questions", "answered", "partial", "no_answer", "median_seconds"]
    return header, [[k, f.questions, f.answered, f.partial, f.no_answer, f.median_seconds] for k, f in data.items()]


def _over_time(data: list[tuple[date, dict[str, int]]]) -> Rows:
    stages = list(dict.fromkeys(s for _, counts in data for s in counts))
    rows = [[start, *(counts.get(s, 0) for s in stages), sum(counts.values())] for start, counts in data]
    return ["period_start", *stages, "total"], rows


def _questions(data: dict[str, list[Any]] | list[Any]) -> Rows:
    per_stage = data.items() if isinstance(data, dict) else [("", data)]
    header = ["stage", "rank", "question", "count", "answered", "partial", "no_answer", "last_asked"]
    rows = [
        [stage, n, q.question, q.count, q.answered, q.partial, q.no_answer, q.last_asked]
        for stage, questions in per_stage
        for n, q in enumerate(questions, start=1)
    ]
    return header, rows


def _items(data: Any) -> Rows:
    header = ["section", "item_id", "title", "kind", "status", "uses", "recent_uses", "last_used", "stale",
              "review_due"]  # fmt: skip
    rows = [
        [section, u.item_id, u.title, u.kind, u.status, u.uses, u.recent_uses, u.last_used, u.stale, u.review_due]
        for section in ("most_used", "never_used", "stale_in_use")
        for u in getattr(data, section)
    ]
    return header, rows


def _loops(data: list[Any]) -> Rows:
    header = ["deal_id", "deal", "from_stage", "to_stage", "moved_at", "note", "asked_at", "asked_stage", "question",
              "outcome"]  # fmt: skip
    rows = []
    for deal in data:
        for m in deal.moves:
            move = [deal.deal_id, deal.name, m.from_stage, m.to_stage, m.at, m.note]
            rows.extend([*move, q.at, q.stage, q.question, q.outcome] for q in m.questions)
            if not m.questions:
                rows.append([*move, None, None, None, None])
    return header, rows


def _gaps(data: list[Any]) -> Rows:
    header = ["count", "question", "stages", "newest", "gap_ids", "deal_ids", "wordings"]
    rows = [
        [g.count, g.question, "; ".join(f"{s}: {n}" for s, n in g.stages.items()), g.newest,
         " ".join(map(str, g.gap_ids)), " ".join(g.deal_ids), " | ".join(g.wordings)]  # fmt: skip
        for g in data
    ]
    return header, rows


REPORTS: dict[str, Callable[[Any], Rows]] = {
    "stages": _stages, "over-time": _over_time, "questions": _questions, "items": _items, "loops": _loops,
    "gaps": _gaps,
}  # fmt: skip


def report_rows(name: str, data: Any) -> Rows:
    """Header and rows of report ``name`` (one of ``REPORTS``) for ``data`` as the report returned it."""
    try:
        return REPORTS[name](data)
    except KeyError:
        raise ValueError(f"unknown report {name!r}; expected one of {', '.join(REPORTS)}") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # formulas are neutralised by the one CSV writer (kb.csv_cells)


def write_rows(header: list[str], rows: Iterable[list[Any]], path: str | Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    # utf-8-sig: spreadsheets then read accented names and dashes correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_cells.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            n += 1
    return n


def write_report_csv(name: str, data: Any, path: str | Path) -> int:
    """Write report ``name``'s result to ``path`` as CSV; returns the number of data rows."""
    header, rows = report_rows(name, data)
    return write_rows(header, rows, path)
