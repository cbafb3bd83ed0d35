"""The editor's fields: kind, id, question/title, phrasings, tags, stages, owner, status, review
days — each with an inline message under it. Knows how to fill itself from an ``ItemRecord`` and
how to turn its contents back into one; the window around it decides what to do with that.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import warn_color
from kb.content_format import ID_RE, slugify
from kb.records import DEFAULT_REVIEW_DAYS, STATUSES, ItemRecord
from kb.stages import Stage

KINDS = (("qa", "Q&A pair"), ("article", "Article"))
FIELDS = ("kind", "id", "title", "phrasings", "tags", "stages", "owner", "status", "review_days", "body")


def split_lines(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in text.replace(";", ",").split(",") if t.strip()))


class ItemForm(QWidget):
    edited = Signal()
    titleEdited = Signal(str)

    def __init__(self, stages: list[Stage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._auto_id = True  # a new item's id follows its question until the expert types one
        self._touched: set[str] = set()
        self.errors: dict[str, QLabel] = {}
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("made from the question; letters, digits, '.', '_' and '-'")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("The question as a prospect would ask it")
        self.phrasings = QPlainTextEdit()
        self.phrasings.setPlaceholderText("Other ways prospects ask it, one per line")
        self.phrasings.setTabChangesFocus(True)
        self.phrasings.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma-separated, e.g. security, sso")
        self.stage_boxes: dict[str, QCheckBox] = {}
        stage_row = QWidget()
        stage_layout = QHBoxLayout(stage_row)
        stage_layout.setContentsMargins(0, 0, 0, 0)
        for stage in stages:
            box = self.stage_boxes[stage.key] = QCheckBox(stage.label)
            box.setToolTip(stage.description or stage.key)
            box.toggled.connect(self.edited)
            stage_layout.addWidget(box)
        stage_layout.addStretch(1)
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("the expert who vouches for it")
        self.status = QComboBox()
        self.status.addItems(list(STATUSES))
        self.review_days = QSpinBox()
        self.review_days.setRange(1, 3650)
        self.review_days.setSuffix(" days")
        self.review_days.setValue(DEFAULT_REVIEW_DAYS)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title_label = QLabel("&Question")
        self.title_label.setBuddy(self.title_edit)
        rows = (("&Kind", self.kind, "kind"), ("&Id", self.id_edit, "id"), (self.title_label, self.title_edit, "title"),
                ("&Phrasings", self.phrasings, "phrasings"), ("&Tags", self.tags, "tags"),
                ("Stages", stage_row, "stages"), ("&Owner", self.owner, "owner"), ("Stat&us", self.status, "status"),
                ("&Review every", self.review_days, "review_days"))  # fmt: skip
        for label, widget, key in rows:
            form.addRow(label, self._with_error(widget, key))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.title_edit.textChanged.connect(self._title_changed)
        self.id_edit.textEdited.connect(self._id_edited)
        for signal in (self.phrasings.textChanged, self.tags.textChanged, self.owner.textChanged,
                       self.status.currentIndexChanged, self.review_days.valueChanged):  # fmt: skip
            signal.connect(self.edited)

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        error = self.errors[key] = QLabel()
        error.setWordWrap(True)
        error.setVisible(False)
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(error)
        return box

    # -- loading and reading back --------------------------------------------------------------------
    def load(self, record: ItemRecord | None, *, new: bool) -> None:
        r = record or ItemRecord(id="", kind="qa", title="", body="", status="draft")
        self.kind.setCurrentIndex(max(0, self.kind.findData(r.kind)))
        self.title_edit.setText(r.title)
        self.id_edit.setText(r.id)
        self.id_edit.setReadOnly(not new)
        self._auto_id = new and (not r.id or r.id == slugify(r.title))
        self.phrasings.setPlainText("\n".join(r.phrasings))
        self.tags.setText(", ".join(r.tags))
        for key, box in self.stage_boxes.items():
            box.setChecked(key in r.stages)
        self.owner.setText(r.owner)
        self.status.setCurrentText(r.status)
        self.review_days.setValue(r.review_days)
        self._touched.clear()
        self.show_errors({})

    def record(self, base: ItemRecord | None, body: str) -> ItemRecord:
        """The form's content on top of ``base`` (which keeps area, extra, verified date...)."""
        base = base or ItemRecord(id="", kind="qa", title="", body="", verified_on=date.today())
        return replace(
            base, id=self.id_edit.text().strip(), kind=self.kind.currentData(), title=self.title_edit.text().strip(),
            body=body, phrasings=split_lines(self.phrasings.toPlainText()), tags=split_tags(self.tags.text()),
            stages=tuple(k for k, b in self.stage_boxes.items() if b.isChecked()), owner=self.owner.text().strip(),
            status=self.status.currentText(), review_days=self.review_days.value(),
        )  # fmt: skip

    # -- validation --------------------------------------------------------------------------------
    def problems(self, *, all_fields: bool = False) -> dict[str, str]:
        """What would stop a save, by field; only touched fields unless ``all_fields``."""
        out: dict[str, str] = {}
        what = "question" if self.kind.currentData() == "qa" else "title"
        if not self.title_edit.text().strip():
            out["title"] = f"Write the {what}."
        item_id = self.id_edit.text().strip()
        if not item_id:
            out["id"] = "The item needs an id."
        elif not ID_RE.match(item_id):
            out["id"] = f"Invalid id {item_id!r}: start with a letter or digit; then letters, digits, '.', '_', '-'."
        return out if all_fields else {k: v for k, v in out.items() if k in self._touched}

    def show_errors(self, errors: dict[str, str]) -> None:
        colour = warn_color(self.palette()).name()
        for key, label in self.errors.items():
            text = errors.get(key, "")
            label.setStyleSheet(f"color: {colour};")
            label.setText(f"⚠ {text}" if text else "")
            label.setVisible(bool(text))

    def validate(self) -> None:
        self.show_errors(self.problems())

    def _kind_changed(self) -> None:
        self.title_label.setText("&Question" if self.kind.currentData() == "qa" else "&Title")
        self.edited.emit()

    def _title_changed(self, text: str) -> None:
        self._touched.add("title")
        if self._auto_id and not self.id_edit.isReadOnly():
            self.id_edit.setText(slugify(text) if text.strip() else "")
        self.validate()
        self.titleEdited.emit(text)
        self.edited.emit()

    def _id_edited(self, _text: str) -> None:
        self._auto_id = False
        self._touched.add("id")
        self.validate()
        self.edited.emit()
