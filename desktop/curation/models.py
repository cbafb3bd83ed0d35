"""Table models over the plain records the curation core returns (STYLE §6: model/view).

One small generic model: a list of frozen rows and a column spec of (header, getter). A new
list is one reset; ``data`` is answered lazily. Each concrete model only names its columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1
Column = tuple[str, Callable[[Any], Any]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RowsModel(QAbstractTableModel):
    columns: Sequence[Column] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> Any:
        return self._rows[n] if 0 <= n < len(self._rows) else None

    def rows(self) -> list[Any]:
        return list(self._rows)

    def tooltip(self, row: Any) -> str:
        return ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row) or _text(self.columns[index.column()][1](row))
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(self.columns[index.column()][1](row))
        if role == RowRole:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        return self.columns[section][0] if horizontal and 0 <= section < len(self.columns) else None


def _overdue(s: Any) -> str:
    return "never verified" if s.days_overdue is None else f"{s.days_overdue} days"


class SimilarModel(RowsModel):
    """The duplicate guard: existing items close to the question being written."""

    columns = (("Existing item", lambda h: h.title + (" ⚠ stale" if h.stale else "")),)

    def tooltip(self, row: Any) -> str:
        return f"{row.title}\n{row.id} · owner {row.owner or 'none'} — double-click to open and extend it"


class VersionsModel(RowsModel):
    columns = (
        ("Version", lambda v: f"v{v.version}" + (" (current)" if v.current else "")),
        ("Saved by", lambda v: v.saved_by or "unknown"),
        ("When", lambda v: v.saved_at),
        ("Title", lambda v: v.title),
        ("Status", lambda v: v.status),
    )


class StaleModel(RowsModel):
    columns = (
        ("Item", lambda s: s.record.title),
        ("Owner", lambda s: s.record.owner or "—"),
        ("Verified", lambda s: s.record.verified_on or "never"),
        ("Review due", lambda s: s.due or "—"),
        ("Overdue", _overdue),
    )


class SuggestionQueueModel(RowsModel):
    columns = (
        ("#", lambda s: s.id),
        ("Item", lambda s: s.proposed.title + (" (new)" if s.is_new_item else "")),
        ("By", lambda s: s.by),
        ("When", lambda s: s.at),
        ("Note", lambda s: s.note),
    )


class GapsModel(RowsModel):
    columns = (
        ("Prospect's question", lambda g: g.question),
        ("Stage", lambda g: g.stage),
        ("Deal", lambda g: g.deal_id or ""),
        ("Logged", lambda g: g.created_at),
    )
