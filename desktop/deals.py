"""The current-deal picker and the two-field "New deal" dialog.

Why the picker matters: the deal decides the stage recorded with every logged answer and boosts
answers that suit that stage. Why "No deal" is always row 0: a rep who has not set up the deal
yet must still be able to log (stage ``unknown``) — never blocked mid-call.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from desktop.models import DealsModel, IdRole, StageRole
from kb.stages import UNKNOWN


class DealPicker(QComboBox):
    """An editable combo: type any part of a deal's name, account or stage to find it; Enter takes
    the highlighted match, or the first (often only) one — typing "kest" and Enter picks Kestrel."""

    dealChanged = Signal(object, str)  # deal id (None for "No deal"), stage key
    #: The rep chose a deal (or "No deal") on purpose: Enter on a match, or a click in the list.
    picked = Signal(object)

    def __init__(self, model: DealsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # typing never creates a deal
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(44)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        completer = QCompleter(model, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        # QComboBox maps a chosen completion back to its own row (through the completer's proxy).
        self._edit().setPlaceholderText("Type to find a deal")
        self._edit().returnPressed.connect(self._take_match)
        self._edit().editingFinished.connect(self._restore_text)
        completer.activated[QModelIndex].connect(lambda _i: self._announce())
        self.activated.connect(lambda _row: self._announce())
        self.currentIndexChanged.connect(self._emit)
        self._model = model

    def matches(self, text: str) -> list[int]:
        """Rows whose label contains ``text`` (case-insensitive), in list order."""
        needle = text.strip().casefold()
        return [r for r in range(self.count()) if needle and needle in self.itemText(r).casefold()]

    def _take_match(self) -> None:
        """Enter: the completion the rep highlighted, else the first row that matches the typing."""
        popup = self.completer().popup()
        typed = self._edit().text()
        row: int | None = None
        if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
            row = self.findText(popup.currentIndex().data(), Qt.MatchFlag.MatchExactly)
        if row is None or row < 0:
            found = [r for r in self.matches(typed) if self.itemText(r) == typed] or self.matches(typed)
            row = found[0] if found else None
        if popup is not None:
            popup.hide()
        if row is not None and row >= 0:
            self.setCurrentIndex(row)
            self.setEditText(self.itemText(row))
        self._announce()

    def _announce(self) -> None:
        self._show_start()
        self.picked.emit(self.deal_id())

    def _edit(self) -> QLineEdit:
        edit = self.lineEdit()
        assert edit is not None  # the combo is editable from construction on
        return edit

    def _restore_text(self) -> None:
        """Unmatched typing is discarded: the box always names the deal really in use."""
        self.setEditText(self.itemText(self.currentIndex()))
        self._show_start()

    def _show_start(self) -> None:
        """Long names show their beginning (the name), not their end, when not being edited."""
        if not self._edit().hasFocus():
            self._edit().setCursorPosition(0)

    def _emit(self, row: int) -> None:
        self._show_start()
        self.dealChanged.emit(self.deal_id(), self.stage())

    def deal_id(self) -> str | None:
        return self.currentData(IdRole)

    def stage(self) -> str:
        return self.currentData(StageRole) or UNKNOWN

    def select_deal(self, deal_id: str | None) -> None:
        self.setCurrentIndex(self._model.row_of(deal_id))

    def reload(self, deals: list[Any], labels: dict[str, str], keep: str | None) -> None:
        """Refresh rows (stages may have moved in the CLI) and select ``keep`` (if still open)."""
        typing = self._edit().hasFocus() and self._edit().text() != self.itemText(self.currentIndex())
        typed, cursor = self._edit().text(), self._edit().cursorPosition()
        with QSignalBlocker(self):
            self._model.set_deals(deals, labels)
            self.setCurrentIndex(self._model.row_of(keep))
        if typing:  # a refresh (a sync, another window's write) must not wipe what the rep is typing
            self._edit().setText(typed)
            self._edit().setCursorPosition(cursor)
        self._emit(self.currentIndex())  # the stage may have moved even when the deal is the same

    def focus_for_search(self) -> None:
        """Ctrl+D: an empty box to type in (the deal's name comes back if the rep leaves it). Not a
        selection: a window's focus-in can arrive after it and clear it, and "kest" then landed
        after "No deal · stage unknown"."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._edit().clear()


class NewDealDialog(QDialog):
    """Two fields. Everything else about a deal can wait until after the call."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New deal")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Northwind CRM rollout")
        self.account = QLineEdit(self)
        self.account.setPlaceholderText("e.g. Northwind Traders (optional)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText("Create deal")
        self._ok.setEnabled(False)
        self.name.textChanged.connect(lambda text: self._ok.setEnabled(bool(text.strip())))
        form = QFormLayout(self)
        form.addRow("Deal &name:", self.name)
        form.addRow("&Account:", self.account)
        form.addRow(buttons)

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), self.account.text().strip()
