"""The item editor: save → new version, searchable at once; validation; duplicate guard; conflicts;
the rep's path (suggest, never write); a preview that never carries script."""

from __future__ import annotations

from indexer.app import search as app_search
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QUrl

from indexer.app.curation import Curation
from kb.services.roles import resolve_actor
from tests.desktop_curation.conftest import ITEM
from tests.desktop_curation.helpers import TIMEOUT, ids, open_editor, save, save_refused

NEW_WORDING = "Will reps revolt against the quokka harvester?"


def test_edit_save_makes_version_2_findable_by_new_wording(qtbot, ctx) -> None:
    ws = ctx.ws
    assert ITEM not in ids(ws, "quokka harvester")
    editor = open_editor(qtbot, ctx, ITEM)
    assert editor.save_button.text() == "&Save"
    editor.form.phrasings.appendPlainText(NEW_WORDING)
    record = save(qtbot, editor)
    assert record.version == 2
    assert NEW_WORDING in app_search.get_item(ws, ITEM).phrasings
    assert ids(ws, "quokka harvester")[0] == ITEM  # searchable at once, no rebuild
    assert [v.saved_by for v in Curation(ws, resolve_actor()).history(ITEM)][-1] == "Ada Expert"
    assert "v2" in editor.header.text() and editor.banner.kind == "ok"


def test_inline_validation_next_to_the_field(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx)
    qtbot.keyClicks(editor.form.title_edit, "How fast is SSO setup?")
    assert editor.form.id_edit.text() == "how-fast-is-sso-setup"  # id follows the question
    editor.form.title_edit.clear()
    assert editor.form.errors["title"].isVisibleTo(editor)
    assert "Write the question" in editor.form.errors["title"].text()
    editor.form.id_edit.clear()
    qtbot.keyClicks(editor.form.id_edit, "bad id!")
    assert "Invalid id" in editor.form.errors["id"].text()
    editor.save_button.click()  # refused before anything is sent to the writer
    assert "Fix the marked fields" in editor.banner.text()
    assert app_search.get_item(ctx.ws, "bad id!") is None


def test_new_item_never_overwrites_an_existing_id(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx)
    editor.form.title_edit.setText("A different question")
    editor.form.id_edit.setText(ITEM)
    outcome = save_refused(qtbot, editor)
    assert outcome.field == "id"
    assert "already exists" in editor.form.errors["id"].text()
    assert app_search.get_item(ctx.ws, ITEM).version == 1


def test_duplicate_guard_lists_similar_items_while_typing(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx)
    with qtbot.waitSignal(editor.similarShown, timeout=TIMEOUT, check_params_cb=lambda n: n > 0):
        qtbot.keyClicks(editor.form.title_edit, "Will our reps object to email being captured?")
    assert ITEM in [h.id for h in editor.similar_model.rows()]
    assert "look similar" in editor.similar_hint.text()


def test_edit_conflict_is_shown_with_a_reload(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx, ITEM)
    other = Curation(ctx.ws, resolve_actor("Bo Other", "expert"))
    other.save(replace(app_search.get_item(ctx.ws, ITEM), body="Changed meanwhile."))
    editor.body.setPlainText("My edit.")
    outcome = save_refused(qtbot, editor, "save")
    assert outcome.kind == "conflict"
    assert "Edit conflict" in editor.banner.text() and "Bo Other" in editor.banner.text()
    assert editor.reload_button.isVisibleTo(editor)
    assert app_search.get_item(ctx.ws, ITEM).body == "Changed meanwhile."


def test_rep_save_is_a_suggestion_and_writes_nothing(qtbot, ctx, monkeypatch) -> None:
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "rep")
    before = app_search.get_item(ctx.ws, ITEM)
    editor = open_editor(qtbot, ctx, ITEM)
    assert editor.save_button.text() == "&Suggest edit"
    editor.body.setPlainText(before.body + "\n\nA rep's addition.")
    suggestion = save(qtbot, editor, "suggested")
    assert suggestion.by == "Ada Expert" and "A rep's addition." in suggestion.proposed.body
    assert app_search.get_item(ctx.ws, ITEM) == before  # the item itself is untouched
    assert [s.id for s in Curation(ctx.ws, resolve_actor()).queue()] == [suggestion.id]
    # A direct save and a verify go to the core, which refuses a rep: shown, not raised.
    assert save_refused(qtbot, editor, "save_direct").kind == "denied"
    assert "rep" in editor.banner.text() and "Suggest" in editor.banner.text()
    assert save_refused(qtbot, editor, "verify").kind == "denied"
    assert app_search.get_item(ctx.ws, ITEM) == before


def test_verify_stamps_today_and_keeps_unsaved_edits(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx, ITEM)
    editor.body.setPlainText("Unsaved words.")
    with qtbot.waitSignal(editor.verified, timeout=TIMEOUT) as blocker:
        editor.verify_button.click()
    assert blocker.args[0].verified_on == date.today()
    assert editor.body.toPlainText() == "Unsaved words."
    assert save(qtbot, editor).version == 3  # no conflict with one's own verify


HOSTILE = """# Hi
<script>alert('x')</script>
<img src="http://evil.example/pixel.png" onerror="alert(1)">
[click](javascript:alert(1)) <iframe src="http://evil.example"></iframe>
<a href="http://ok.example" onclick="steal()">ok</a> <style>body{display:none}</style>
"""


def test_preview_is_sanitized_and_debounced(qtbot, ctx) -> None:
    editor = open_editor(qtbot, ctx)
    renders = []
    editor.previewShown.connect(renders.append)
    with qtbot.waitSignal(editor.previewShown, timeout=TIMEOUT):
        qtbot.keyClicks(editor.body, "**Hello** ")  # many keystrokes...
        editor.body.insertPlainText(HOSTILE)
    qtbot.wait(editor.preview_timer.interval() + 100)
    assert len(renders) == 1  # ...one render
    for html in (editor.preview_html, editor.preview.toHtml()):
        low = html.lower()
        for bad in ("<script", "<img", "<iframe", "<style>body", "javascript:", "onerror", "onclick", "evil"):
            assert bad not in low
    assert "<strong>Hello</strong>" in editor.preview_html
    assert editor.preview.loadResource(2, QUrl("http://evil.example/x.png")) is None  # never fetched
