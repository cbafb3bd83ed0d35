"""The item editor: fields on the left, Markdown with a live preview below them, and the
duplicate guard (similar existing items) on the right.

Why the role decides the button: experts save (a new version, searchable at once); reps
"Suggest edit" and the proposal lands in the experts' queue. The core refuses a rep's direct
save anyway; when that happens the refusal is shown here, not raised. The preview goes through
``desktop.render.render_markdown`` — the answer pane's renderer and sanitizer — on a worker, and
a generation counter drops renders overtaken by newer keystrokes (STYLE §8).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.curation.context import CurationContext
from desktop.curation.editor_form import ItemForm
from desktop.curation.outcome import Outcome
from desktop.curation.widgets import Banner, SafePreview, SimilarPanel, single_shot, titled
from desktop.render import render_markdown
from indexer.app.changes import Changes
from indexer.app.curation import EditorData, ItemRecord, SuggestionRecord

PREVIEW_DELAY_MS = 250
SIMILAR_DELAY_MS = 400
MAX_PREVIEW = 200_000


class ItemEditor(QWidget):
    previewShown = Signal(str)  # the sanitized HTML now in the preview
    similarShown = Signal(int)
    saved = Signal(object)  # ItemRecord
    suggested = Signal(object)  # SuggestionRecord
    verified = Signal(object)  # ItemRecord
    refused = Signal(object)  # an Outcome with an error
    changedElsewhere = Signal(str)  # item id: saved by another window or a sync while open here

    def __init__(self, ctx: CurationContext, data: EditorData, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.gap_id = data.gap_id
        self.item: ItemRecord | None = data.record if data.gap_id is None else None  # stored item
        self._draft = data.record  # what the form was filled from
        self._gen = {"preview": 0, "similar": 0}
        self._shown = {"preview": 0, "similar": 0}
        self.preview_html = ""
        self.is_expert = ctx.actor().is_expert
        self.resize(1180, 760)

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.form = ItemForm(data.stages)
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("The answer, in Markdown. **bold**, - lists, [links](https://…)")
        self.preview = SafePreview()
        body_split = QSplitter(Qt.Orientation.Horizontal)
        body_split.addWidget(titled("&Answer (Markdown)", self.body))
        body_split.addWidget(titled("Preview", self.preview))

        self.similar = SimilarPanel(self)
        self.similar_model, self.similar_view = self.similar.model, self.similar.view
        self.similar_hint, self.open_similar = self.similar.hint, self.similar.open_button

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.form)
        left.addWidget(body_split)
        left.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(self.similar)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        main.setSizes([860, 300])

        self.banner = Banner()
        self.reload_button = QPushButton("&Reload latest (drops your changes)")
        self.reload_button.setVisible(False)
        self.history_button = QPushButton("&History…")
        self.verify_button = QPushButton("&Verify")
        self.verify_button.setToolTip("Stamp today as verified: you vouch the answer is still true")
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        for b in (self.history_button, self.verify_button, self.reload_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(main, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)

        self.preview_timer = single_shot(self, PREVIEW_DELAY_MS, self._render)
        self.similar_timer = single_shot(self, SIMILAR_DELAY_MS, self._find_similar)
        self.body.textChanged.connect(self.preview_timer.start)  # restart = debounce
        self.form.titleEdited.connect(lambda _t: self.similar_timer.start())
        self.similar_view.doubleClicked.connect(lambda _i: self._open_similar())
        self.open_similar.clicked.connect(self._open_similar)
        self.save_button.clicked.connect(self.save)
        self.verify_button.clicked.connect(self.verify)
        self.history_button.clicked.connect(lambda: self.item and self.ctx.open_history(self.item.id))
        self.reload_button.clicked.connect(self.reload)
        close.clicked.connect(self.close)
        ctx.changed.connect(self._on_changed)  # the app's one broadcast of what was written
        self._fill(data.record)

    def _fill(self, record: ItemRecord | None) -> None:
        self.form.load(record, new=self.item is None)
        self.body.setPlainText(record.body if record else "")
        self._update_chrome()
        self._render()
        self._find_similar()

    def _update_chrome(self) -> None:
        from desktop.theme import warn_color

        item, warn = self.item, warn_color(self.palette()).name()
        if item is None:
            what = f"Answer gap #{self.gap_id}" if self.gap_id is not None else "New item"
            self.header.setText(f"<h3>{what}</h3>")
        else:
            fresh = f"verified {item.verified_on.isoformat()}" if item.verified_on else "never verified"
            badge = f' · <span style="color:{warn}">⚠ stale</span>' if item.is_stale(date.today()) else ""
            self.header.setText(f"<h3>{item.id} · v{item.version} · {fresh}{badge}</h3>")
        self.setWindowTitle(f"{'Edit ' + item.id if item else 'New item'} — Expert Answers")
        self.save_button.setText("&Save" if self.is_expert else "&Suggest edit")
        self.save_button.setToolTip(
            "Save a new version; searchable at once (Ctrl+S)" if self.is_expert
            else "Send your change to the experts' review queue (Ctrl+S)"
        )  # fmt: skip
        self.verify_button.setEnabled(item is not None)
        self.history_button.setEnabled(item is not None)

    def idle(self) -> bool:
        """No keystroke is waiting for its preview or its similar items."""
        timers = self.preview_timer.isActive() or self.similar_timer.isActive()
        return not timers and self._shown == self._gen

    # -- preview and duplicate guard ------------------------------------------------------------------
    def _render(self) -> None:
        self._gen["preview"] += 1
        gen = self._gen["preview"]
        self.ctx.read(self, render_markdown, self.body.toPlainText()[:MAX_PREVIEW],
                      on_done=lambda html: self._show_preview(gen, html))  # fmt: skip

    def _show_preview(self, gen: int, html: str) -> None:
        if gen == self._gen["preview"]:  # a newer render is under way: drop this one
            self._shown["preview"] = gen
            self.preview_html = html
            self.preview.setHtml(html)
            self.previewShown.emit(html)

    def _find_similar(self) -> None:
        ws, text = self.ctx.ws, self.form.title_edit.text()
        self._gen["similar"] += 1
        gen = self._gen["similar"]
        if ws is None or not text.strip():
            self._show_similar(gen, [])
            return
        exclude = self.item.id if self.item else None
        self.ctx.read(self, self.ctx.curation().similar, text, exclude=exclude,
                      on_done=lambda hits: self._show_similar(gen, hits))  # fmt: skip

    def _show_similar(self, gen: int, hits: list[Any]) -> None:
        if gen != self._gen["similar"]:
            return
        self._shown["similar"] = gen
        self.similar_model.set_rows(hits)
        self.similar_hint.setText(
            f"{len(hits)} existing item(s) look similar: extend one rather than writing a duplicate."
            if hits else "No similar items yet."
        )  # fmt: skip
        self.similarShown.emit(len(hits))

    def _open_similar(self) -> None:
        hit = self.similar_model.row(self.similar_view.currentIndex().row())
        if hit is not None:
            self.ctx.open_editor(hit.id)

    # -- writes --------------------------------------------------------------------------------------
    def current_record(self) -> ItemRecord:
        return self.form.record(self.item or self._draft, self.body.toPlainText())

    def save(self) -> None:
        """Save: ``Curation.submit`` decides that experts save and reps suggest (the role is
        resolved now; the chrome follows it)."""
        self.is_expert = self.ctx.actor().is_expert
        self._update_chrome()
        self._write(direct=False)

    def save_direct(self) -> None:
        """A save through the core whatever the role: a rep gets the core's refusal, shown."""
        self._write(direct=True)

    def _write(self, *, direct: bool) -> None:
        problems = self.form.problems(all_fields=True)
        self.form.show_errors(problems)
        if problems:
            self.banner.show_message("Fix the marked fields before saving.")
            return
        ws = self.ctx.ws
        if ws is None:
            self.banner.show_message("The content is still being imported; try again in a moment.")
            return
        record, cur = self.current_record(), self.ctx.curation()
        self.save_button.setEnabled(False)
        base = self.item.version if self.item else None
        if not direct:
            submit = functools.partial(cur.submit, base_version=base, new=self.item is None, gap_id=self.gap_id)
            self.ctx.act(self, submit, record, then=self._submitted)
        elif self.gap_id is not None:
            self.ctx.act(self, cur.answer_gap, self.gap_id, record, then=self._saved)
        else:
            save = functools.partial(cur.save, base_version=base, new=self.item is None)
            self.ctx.act(self, save, record, then=self._saved)

    def _submitted(self, outcome: Outcome) -> None:
        """A submit's outcome: a saved item, or a suggestion when the role was a rep's."""
        (self._suggested if isinstance(outcome.value, SuggestionRecord) else self._saved)(outcome)

    def verify(self) -> None:
        if self.item is None or self.ctx.ws is None:
            return
        self.ctx.act(self, self.ctx.curation().verify, self.item.id, then=self._verified)

    def reload(self) -> None:
        if self.item is not None:
            self.ctx.read(self, self.ctx.curation().editor_data, self.item.id, on_done=self._reloaded)

    def _on_changed(self, changes: Changes) -> None:
        """This item saved elsewhere (another window, a sync): say so without touching the form;
        Reload shows the new version. The editor's own saves arrive here too and are skipped."""
        if self.item is None or not changes.from_elsewhere(self) or not changes.touches_item(self.item.id):
            return
        self.banner.show_message(f"{self.item.id} changed since you opened it; Reload to see the new version.")
        self.reload_button.setVisible(True)
        self.changedElsewhere.emit(self.item.id)

    def _reloaded(self, data: EditorData) -> None:
        self.item = self._draft = data.record
        self._fill(data.record)
        self.banner.show_message(f"Reloaded v{data.record.version if data.record else '?'}.", "ok")
        self.reload_button.setVisible(False)

    def _refused(self, outcome: Outcome) -> bool:
        self.save_button.setEnabled(True)
        if outcome.ok:
            return False
        if outcome.field in self.form.errors:
            self.form.show_errors({outcome.field: outcome.error})
        prefix = {"conflict": "⚠ Edit conflict — ", "denied": "⚠ Not allowed — "}.get(outcome.kind, "Not saved: ")
        self.banner.show_message(prefix + outcome.error)
        self.reload_button.setVisible(outcome.kind == "conflict")
        self.refused.emit(outcome)
        return True

    def _saved(self, outcome: Outcome) -> None:
        if self._refused(outcome):
            return
        record: ItemRecord = outcome.value
        answered = f" Gap #{self.gap_id} is closed." if self.gap_id is not None else ""
        self.item = self._draft = record
        self.gap_id = None
        self.form.id_edit.setReadOnly(True)
        self._update_chrome()
        self.banner.show_message(f"Saved {record.id} v{record.version} — searchable now.{answered}", "ok")
        self.saved.emit(record)  # other windows follow through the writer's ``changed``

    def _suggested(self, outcome: Outcome) -> None:
        if self._refused(outcome):
            return
        self.banner.show_message(
            f"Suggestion #{outcome.value.id} sent to the experts' queue; the item itself is unchanged.", "ok"
        )
        self.suggested.emit(outcome.value)

    def _verified(self, outcome: Outcome) -> None:
        if self._refused(outcome):
            return
        record: ItemRecord = outcome.value
        if self.item is not None:  # keep the expert's unsaved edits; only the base moves on
            self.item = replace(self.item, verified_on=record.verified_on, version=record.version)
        self._update_chrome()
        self.banner.show_message(f"Verified {record.id} today (v{record.version}).", "ok")
        self.verified.emit(record)
