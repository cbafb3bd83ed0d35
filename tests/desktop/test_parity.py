"""The same input gives the same behaviour from the ``kb`` CLI and from the app: one test per rule
that used to differ between the two front ends (issue 10), each going through both of them.
"""

from __future__ import annotations

from indexer.app import search as app_search
from indexer.app import content as app_content
import json
from pathlib import Path

import pytest
from desktop_helpers import ask, choose_no_deal
from PySide6.QtCore import Qt

from indexer.app import answers, journey
from indexer.app.actors import current_actor
from indexer.cli import main as kb_main
from indexer.engine.results import Hit
from kb.question_text import MAX_QUESTION_CHARS

CTRL = Qt.KeyboardModifier.ControlModifier


def kb(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = kb_main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_long_question_is_cut_at_the_same_length_when_logged(qtbot, window, workspace, capsys) -> None:
    pasted = "Can your platform keep our audit logs? " + "More context from the email thread. " * 120
    assert len(pasted) > MAX_QUESTION_CHARS
    code, out, _ = kb(capsys, workspace.home.root, "log", "add", "--question", pasted, "--json")
    assert code == 0
    from_cli = json.loads(out)["question"]

    choose_no_deal(qtbot, window)  # `kb log add` without --deal logs at stage unknown: the same here
    window.search_edit.setText(pasted)
    with qtbot.waitSignal(window.logged, timeout=10_000) as logged:
        window.commands.log_gap.trigger()
    from_app = logged.args[0].question
    assert len(from_cli) == len(from_app) <= MAX_QUESTION_CHARS
    assert from_cli == from_app


def test_the_answer_used_must_be_an_item_in_both(qtbot, window, workspace, capsys) -> None:
    code, _, err = kb(capsys, workspace.home.root, "log", "add", "--question", "SSO?", "--item", "no-such-item")
    assert code == 2 and "no item 'no-such-item'" in err

    choose_no_deal(qtbot, window)
    ask(qtbot, window, "support tiers")
    ghost = Hit(id="no-such-item", kind="qa", title="Gone", snippet="", score=1.0, rank=1)
    window.results_model.set_hits([ghost])
    window.results_view.setCurrentIndex(window.results_model.index(0))
    with qtbot.waitSignal(window.writer.failed, timeout=10_000) as failed:
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return, CTRL)
    assert "no item 'no-such-item'" in str(failed.args[0])
    assert window.log_queue.pending() == 0  # refused, not kept for a retry that cannot succeed
    assert not [e for e in answers.list_log(workspace) if "no-such-item" in e.item_ids]


def test_a_new_item_never_overwrites_an_existing_id_in_both(qtbot, window, workspace, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")
    from desktop.curation.editor import ItemEditor

    taken = app_content.records(workspace, )[0]
    path = tmp_path / "new.md"
    path.write_text(f"---\nid: {taken.id}\ntype: qa\nquestion: A different question?\n---\nA different answer.\n")
    code, _, err = kb(capsys, workspace.home.root, "item", "save", str(path), "--new")
    assert code == 2 and "already exists" in err

    ctx = window.curation
    editor = ItemEditor(ctx, ctx.curation().editor_data())
    qtbot.addWidget(editor)
    editor.form.title_edit.setText("A different question?")  # proposes an id from the question…
    editor.form.id_edit.setText(taken.id)  # …which the expert overrides with one already in use
    editor.body.setPlainText("A different answer.")
    with qtbot.waitSignal(editor.refused, timeout=10_000) as refused:
        editor.save()
    assert refused.args[0].field == "id" and "already exists" in refused.args[0].error
    assert app_search.get_item(workspace, taken.id) == taken  # untouched


def test_with_no_role_configured_both_front_ends_act_as_a_rep(qtbot, window, workspace, capsys, monkeypatch) -> None:
    monkeypatch.setenv("EXPERT_ANSWERS_USER", "Sam Field")
    monkeypatch.delenv("EXPERT_ANSWERS_ROLE", raising=False)
    from desktop.curation.editor import ItemEditor

    item = app_content.records(workspace, )[0]
    code, _, err = kb(capsys, workspace.home.root, "item", "verify", item.id)
    assert code == 2 and "Sam Field is a rep" in err

    ctx = window.curation
    editor = ItemEditor(ctx, ctx.curation().editor_data(item.id))
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.refused, timeout=10_000) as refused:
        editor.verify()
    assert refused.args[0].kind == "denied" and "Sam Field is a rep" in refused.args[0].error


def test_gaps_dismissed_from_either_front_end_end_the_same(qtbot, window, workspace, capsys, monkeypatch) -> None:
    from desktop.journey import journey_of

    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")  # deciding gaps is the experts' work, in both
    rep = current_actor("Rita Rep", "rep")
    cli_gap = answers.log_question(workspace, rep, "Do you integrate with SAP Ariba punch-out?").value.gap_id
    app_gap = answers.log_question(workspace, rep, "Is there a Kazakh language pack?").value.gap_id
    code, _, _ = kb(capsys, workspace.home.root, "gap", "dismiss", str(cli_gap))
    assert code == 0

    gaps_window = journey_of(window).open("gaps")
    qtbot.waitUntil(lambda: gaps_window.model.rowCount() > 0, timeout=10_000)
    row = next(r for r in range(gaps_window.model.rowCount()) if app_gap in gaps_window.model.record(r).gap_ids)
    gaps_window.table.selectRow(row)
    with qtbot.waitSignal(gaps_window.dismissed, timeout=10_000):
        gaps_window.dismiss_btn.click()
    code, out, _ = kb(capsys, workspace.home.root, "gaps", "--status", "all", "--json")
    status = {g["id"]: g["status"] for g in json.loads(out)}
    assert status[cli_gap] == status[app_gap] == "dismissed"
    gaps_window.close()


def test_the_deal_timeline_reads_the_same_in_both(qtbot, window, workspace, two_deals, capsys) -> None:
    from desktop.journey import journey_of

    deal_id = next(iter(two_deals))
    journey.move_stage(workspace, deal_id, "awareness", "a new stakeholder joined")
    answers.log_question(workspace, current_actor("Rita Rep", "rep"), "What does onboarding cost?", deal_id=deal_id)
    code, out, _ = kb(capsys, workspace.home.root, "deal", "show", deal_id, "--json")
    assert code == 0
    from_cli = [e["text"] for e in json.loads(out)["timeline"]]

    deals = journey_of(window).open("deals")
    qtbot.waitUntil(lambda: deals.model.row_of(deal_id) >= 0, timeout=10_000)
    with qtbot.waitSignal(deals.detailLoaded, timeout=10_000):
        deals.select_deal(deal_id)
    from_app = [deals.timeline.record(r).text for r in range(deals.timeline.rowCount())]
    assert from_cli == from_app and any(t.startswith("↩ back") for t in from_app)
    deals.close()
