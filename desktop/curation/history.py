"""An item's history: every version with who saved it and when, the diff between any two
selected versions, and "Restore this version" (which saves a new version — history only grows).

Select one version to compare it with the current one (the current one alone: what its save
changed); select two to compare them, older → newer.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop.curation.context import CurationContext
from desktop.curation.models import VersionsModel
from desktop.curation.outcome import Outcome
from desktop.workers import describe
from indexer.app.changes import Changes
from desktop.curation.widgets import Banner, DiffView, selected_rows, table_view, titled


class HistoryWindow(QWidget):
    historyShown = Signal(int)  # number of versions listed
    diffShown = Signal(str)
    restored = Signal(object)  # ItemRecord

    def __init__(self, ctx: CurationContext, item_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx, self.item_id = ctx, item_id
        self._gen = 0
        self.setWindowTitle(f"History of {item_id} — Expert Answers")
        self.resize(980, 680)
        self.header = QLabel(f"<h3>History of {item_id}</h3>")
        self.model = VersionsModel(self)
        self.view = table_view(self.model, multi=True)
        self.view.setToolTip("Select one version to compare with the current one, or two to compare them")
        self.diff_view = DiffView()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(titled("&Versions", self.view))
        split.addWidget(titled("&Diff", self.diff_view))
        split.setSizes([220, 420])
        self.compare_label = QLabel()
        self.banner = Banner()
        self.restore_button = QPushButton("&Restore this version")
        self.restore_button.setToolTip("Save a new version with the selected version's content")
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_label, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.restore_button.clicked.connect(self.restore_selected)
        close.clicked.connect(self.close)
        self.restore_button.setEnabled(False)
        ctx.changed.connect(self._on_changed)  # the app's one broadcast of what was written
        self.reload()

    # -- loading ----------------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        """A version saved elsewhere (the editor, a sync) is listed at once; the history's own
        restore reloads when its outcome arrives."""
        if changes.from_elsewhere(self) and changes.touches_item(self.item_id):
            self.reload()

    def reload(self) -> None:
        self.ctx.read(self, self.ctx.curation().history, self.item_id, on_done=self._show_history,
                      on_failed=lambda e: self.banner.show_message(describe(e)))  # fmt: skip

    def _show_history(self, versions: list[Any]) -> None:
        self.model.set_rows(versions)
        self.view.resizeColumnsToContents()
        n = len(versions)
        self.header.setText(f"<h3>History of {self.item_id} · {n} version{'s' if n != 1 else ''}</h3>")
        if n:
            self.select_versions(*[v.version for v in versions[-2:]])
        self.historyShown.emit(n)

    def select_versions(self, *numbers: int) -> None:
        """Select these versions in the list (the diff follows the selection)."""
        sm, flags = self.view.selectionModel(), sm_flags()
        sm.clearSelection()
        for row, v in enumerate(self.model.rows()):
            if v.version in numbers:
                sm.select(self.model.index(row, 0), flags)
                sm.setCurrentIndex(self.model.index(row, 0), sm_flags(current=True))

    def selected_versions(self) -> list[Any]:
        return [self.model.row(r) for r in selected_rows(self.view)]

    # -- comparing --------------------------------------------------------------------------------
    def _pair(self) -> tuple[int, int] | None:
        chosen, rows = self.selected_versions(), self.model.rows()
        if len(chosen) >= 2:
            return chosen[0].version, chosen[-1].version
        if len(chosen) == 1:
            v, current = chosen[0].version, rows[-1].version
            if v != current:
                return v, current
            return (rows[-2].version, v) if len(rows) > 1 else (v, v)
        return None

    def _selection_changed(self) -> None:
        chosen = self.selected_versions()
        self.restore_button.setEnabled(len(chosen) == 1 and not chosen[0].current)
        pair = self._pair()
        if pair is None:
            self.compare_label.setText("")
            self.diff_view.set_diff("", "Select versions to compare.")
            return
        a, b = pair
        self.compare_label.setText(f"Comparing v{a} → v{b}")
        self._gen += 1
        gen = self._gen
        self.ctx.read(self, self.ctx.curation().diff, self.item_id, a, b,
                      on_done=lambda text: self._show_diff(gen, text))  # fmt: skip

    def _show_diff(self, gen: int, text: str) -> None:
        if gen == self._gen:
            self.diff_view.set_diff(text)
            self.diffShown.emit(text)

    # -- restoring --------------------------------------------------------------------------------
    def restore_selected(self) -> None:
        chosen = self.selected_versions()
        if len(chosen) != 1 or chosen[0].current:
            self.banner.show_message("Select one older version to restore.")
            return
        version = chosen[0].version
        self.ctx.act(self, self.ctx.curation().restore, self.item_id, version,
                     then=lambda o: self._restored(o, version))  # fmt: skip

    def _restored(self, outcome: Outcome, version: int) -> None:
        if not outcome.ok:
            prefix = "⚠ Not allowed — " if outcome.kind == "denied" else "Not restored: "
            self.banner.show_message(prefix + outcome.error)
            return
        record = outcome.value
        self.banner.show_message(f"Restored v{version} as v{record.version}.", "ok")
        self.restored.emit(record)
        self.reload()


def sm_flags(*, current: bool = False) -> Any:
    from PySide6.QtCore import QItemSelectionModel as S

    if current:
        return S.SelectionFlag.NoUpdate
    return S.SelectionFlag.Select | S.SelectionFlag.Rows
