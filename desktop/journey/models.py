"""Table models of the journey windows: plain records in, ``data()`` answered lazily (STYLE §6).

Colours come from the application palette at paint time (``desktop/theme.py``), so a backward
move reads as a warning in light and dark themes alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication

from indexer.app.journey import TimelineEvent, label_of
from desktop.theme import muted_color, ok_color, warn_color

Index = QModelIndex | QPersistentModelIndex
Display = Qt.ItemDataRole.DisplayRole
SortRole = Qt.ItemDataRole.UserRole + 1
RecordRole = Qt.ItemDataRole.UserRole + 2


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


class _Table(QAbstractTableModel):
    """Rows of records; subclasses name the columns and how each cell reads."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Display) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Display and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Display) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() >= len(self.headers):
            return None
        record = self._rows[index.row()]
        if role == RecordRole:
            return record
        return self.cell(record, index.column(), role)

    def cell(self, record: Any, column: int, role: int) -> Any:
        """What ``column`` of ``record`` shows for ``role``; every table below defines its own."""
        raise NotImplementedError(f"{type(self).__name__} must define cell()")


class DealsTableModel(_Table):
    headers = ("Deal", "Account", "Status", "Stage", "Moves back", "Last change")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}

    def set_deals(self, deals: Sequence[Any], labels: dict[str, str]) -> None:
        self._labels = dict(labels)
        self.set_rows(deals)

    def row_of(self, deal_id: str | None) -> int:
        return next((n for n, d in enumerate(self._rows) if d.id == deal_id), -1)

    def cell(self, d: Any, column: int, role: int) -> Any:
        backs = sum(1 for e in d.history if e.backward)
        if role in (Display, SortRole):
            values = (d.name, d.account, d.status, label_of(self._labels, d.stage), backs, d.updated_at)
            value = values[column]
            if role == SortRole:
                return value.isoformat() if isinstance(value, datetime) else value
            return fmt(value) if column != 4 else (f"↩ {backs}" if backs else "0")
        if role == Qt.ItemDataRole.ForegroundRole:
            palette = QGuiApplication.palette()
            if column == 4 and backs:
                return warn_color(palette)
            if column == 2 and d.status == "won":
                return ok_color(palette)
            if column == 2 and d.status == "lost":
                return muted_color(palette)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            people = ", ".join(f"{n} ({r})" for n, r in d.stakeholders) or "no stakeholders yet"
            return f"{d.name} — owner {d.owner or '—'}; {people}"
        return None


class TimelineModel(_Table):
    headers = ("When", "Event", "Stage", "Note / outcome")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}

    def set_events(self, events: Sequence[TimelineEvent], labels: dict[str, str]) -> None:
        self._labels = dict(labels)
        self.set_rows(events)

    def cell(self, ev: TimelineEvent, column: int, role: int) -> Any:
        if role == Display:
            return (fmt(ev.at), ev.text, label_of(self._labels, ev.stage), ev.detail or "")[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            palette = QGuiApplication.palette()
            if ev.kind == "back":
                return warn_color(palette)
            if ev.kind == "status":
                return ok_color(palette)
            if ev.kind == "question" and column in (0, 2, 3):
                return muted_color(palette)
        if role == Qt.ItemDataRole.FontRole and ev.kind != "question":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if ev.kind == "back":
                return "The buyer looped back: " + (ev.detail or "no note")
            if ev.kind == "question":
                return f"Asked in {label_of(self._labels, ev.stage)} — {ev.detail}"
        return None


class StageFiguresModel(_Table):
    headers = ("Stage", "Questions", "Answered", "Partial", "No answer", "Median seconds")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._labels: dict[str, str] = {}

    def set_summary(self, summary: dict[str, Any], labels: dict[str, str]) -> None:
        self._labels = dict(labels)
        self.set_rows(list(summary.items()))

    def cell(self, row: Any, column: int, role: int) -> Any:
        key, f = row
        if role == Display:
            values = (label_of(self._labels, key), str(f.questions), percent(f.rate("answered")),
                      percent(f.rate("partial")), percent(f.rate("no_answer")), fmt(f.median_seconds))  # fmt: skip
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 4 and (f.rate("no_answer") or 0) >= 0.25:
            return warn_color(QGuiApplication.palette())
        return None


class RowsModel(_Table):
    """A report as ``indexer.app.insight.report_rows`` flattens it: what is shown is what is exported."""

    def __init__(self, parent: Any = None, *, formatters: dict[str, Callable[[Any], str]] | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []
        self._formatters = formatters or {}

    def set_formatters(self, formatters: dict[str, Callable[[Any], str]]) -> None:
        """Per column key, how a cell reads (e.g. stage keys as their labels); export keeps raw values."""
        self._formatters = dict(formatters)

    def column_of(self, key: str) -> int:
        return self._keys.index(key) if key in self._keys else -1

    def set_table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._keys = list(header)
        self.headers = tuple(h.replace("_", " ").capitalize() for h in header)
        self._rows = [list(r) for r in rows]
        self.endResetModel()

    def cell(self, row: Any, column: int, role: int) -> Any:
        if role == Display:
            formatter = self._formatters.get(self._keys[column], fmt)
            return formatter(row[column])
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(row[column], str) and len(row[column]) > 40:
            return row[column]
        return None
