"""Qt models over plain records: search hits, deals, and "asked next" suggestions.

Why models and not item widgets (STYLE §6): a new result set is one reset, rows are painted on
demand from frozen dataclasses, and the same model can be checked by ``qtmodeltester``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from indexer.app.search import NextQuestion
from kb.stages import UNKNOWN

Index = QModelIndex | QPersistentModelIndex
HitRole = Qt.ItemDataRole.UserRole + 1
FitsRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3
DealRole = Qt.ItemDataRole.UserRole + 4
StageRole = Qt.ItemDataRole.UserRole + 5
SuggestionRole = Qt.ItemDataRole.UserRole + 6


class ResultsModel(QAbstractListModel):
    """Search hits, best first. Knows the current deal's stage to flag hits that fit it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Any] = []  # indexer.engine.results.Hit; typed loosely to keep imports light
        self._stage: str | None = None
        self._stage_labels: dict[str, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == Qt.ItemDataRole.ToolTipRole:
            owner = f" — expert: {hit.owner}" if hit.owner else ""
            return f"{hit.title}{owner}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{'Q and A' if hit.kind == 'qa' else 'Article'}: {hit.title}"
        if role == HitRole:
            return hit
        if role == IdRole:
            return hit.id
        if role == FitsRole:
            return self.fits(hit)
        return None

    def fits(self, hit: Any) -> bool:
        return bool(self._stage) and self._stage in hit.stages

    def set_hits(self, hits: Sequence[Any]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Any | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def set_stage(self, stage: str | None) -> None:
        """The "fits <Stage>" chip follows the deal picker without a new search."""
        self._stage = stage if stage and stage != UNKNOWN else None
        if self._hits:
            self.dataChanged.emit(self.index(0), self.index(len(self._hits) - 1), [FitsRole])

    @property
    def stage(self) -> str | None:
        return self._stage

    def set_stage_labels(self, labels: dict[str, str]) -> None:
        self._stage_labels = dict(labels)

    def stage_label(self, key: str) -> str:
        return self._stage_labels.get(key, key.replace("-", " ").title())


class DealsModel(QAbstractListModel):
    """Row 0 is "No deal" (logging still works, stage ``unknown``); then open deals, newest first."""

    NO_DEAL = "No deal"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._deals: list[Any] = []  # indexer.app.journey.DealRecord
        self._labels: dict[str, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._deals) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() <= len(self._deals):
            return None
        deal = self._deals[index.row() - 1] if index.row() else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if deal is None:
                return f"{self.NO_DEAL} · stage unknown"
            account = f" ({deal.account})" if deal.account and deal.account not in deal.name else ""
            status = f" ({deal.status})" if deal.status != "open" else ""
            return f"{deal.name}{account} · {self.label(deal.stage)}{status}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if deal is None:
                return "Log without a deal: the stage is recorded as unknown"
            return f"{deal.name} — {deal.account}, stage {self.label(deal.stage)}, owner {deal.owner or '—'}"
        if role == DealRole:
            return deal
        if role == IdRole:
            return deal.id if deal else None
        if role == StageRole:
            return deal.stage if deal else UNKNOWN
        return None

    def set_deals(self, deals: Sequence[Any], labels: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._deals = list(deals)
        if labels is not None:
            self._labels = dict(labels)
        self.endResetModel()

    def label(self, stage: str) -> str:
        return self._labels.get(stage, stage.replace("-", " ").title())

    def deals(self) -> list[Any]:
        return list(self._deals)

    def row_of(self, deal_id: str | None) -> int:
        """Row of a deal id; 0 ("No deal") when absent, so a deleted deal never blocks logging."""
        for n, deal in enumerate(self._deals, start=1):
            if deal.id == deal_id:
                return n
        return 0


class NextQuestionsModel(QAbstractListModel):
    """Questions asked next in other deals, then similar items; one click searches the text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NextQuestion] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            prefix = "→ " if row.source == "asked-next" else "≈ "
            return prefix + row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.source == "asked-next":
                times = "once" if row.count == 1 else f"{row.count} times"
                return f"Asked next {times} after this answer in other deals — click to search it"
            return "A similar item — click to search it"
        if role == SuggestionRole:
            return row
        return None

    def set_rows(self, rows: Sequence[NextQuestion]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> NextQuestion | None:
        return self._rows[n] if 0 <= n < len(self._rows) else None
