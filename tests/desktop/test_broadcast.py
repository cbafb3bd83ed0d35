"""One application layer, one broadcast: a write in one window shows in every other at once, and
closing the app during a first-run import neither blocks nor loses anything."""

from __future__ import annotations

from indexer.app import search as app_search
from indexer.app import content as app_content
import os
import subprocess
import sys
from pathlib import Path

from desktop_helpers import ask

from indexer.app.content import SEED_CONTENT, open_home
from kb.paths import Home
from kb.store import Store


def test_an_edit_in_the_editor_shows_in_the_main_window_without_any_action(qtbot, window, monkeypatch) -> None:
    monkeypatch.setenv("EXPERT_ANSWERS_USER", "Ada Expert")
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")
    from desktop.curation.editor import ItemEditor

    ask(qtbot, window, "support tiers")
    shown = window.answer_view.item.record
    ctx = window.curation  # installed on the main window: the same writer, the same broadcast
    editor = ItemEditor(ctx, ctx.curation().editor_data(shown.id))
    qtbot.addWidget(editor)
    editor.body.setPlainText("Brand-new wording: **platinum** support answers in 15 minutes, day and night.")
    with qtbot.waitSignal(window.answerShown, timeout=10_000):  # no click, no refresh: the broadcast
        editor.save()
    assert "platinum" in window.answer_view.toPlainText()
    assert window.answer_view.item.record.version == shown.version + 1


def test_a_deal_moved_in_the_deals_window_updates_the_main_window_stage(qtbot, window, two_deals) -> None:
    from desktop.journey import journey_of

    deal_id = next(d for d, stage in two_deals.items() if stage == "consideration")
    window.deal_picker.select_deal(deal_id)
    deals = journey_of(window).open("deals")
    qtbot.waitUntil(lambda: deals.model.row_of(deal_id) >= 0, timeout=10_000)
    with qtbot.waitSignal(deals.detailLoaded, timeout=10_000):
        deals.select_deal(deal_id)
    deals.move_to("awareness")  # a loop back: a new stakeholder joined
    qtbot.waitUntil(lambda: window.deal_picker.stage() == "awareness", timeout=30_000)  # no refresh pressed
    deals.close()


def _big_folder(root: Path, n: int) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"q{i:05d}.md").write_text(
            f"---\nid: q-{i}\ntype: qa\nquestion: Question number {i} about topic {i % 97}?\n---\n"
            f"Answer {i}: the platform handles case {i} with setting {i % 13}.\n",
            encoding="utf-8",
        )
    return root


def test_closing_during_a_first_run_import_exits_fast_and_the_next_start_finishes(tmp_path: Path) -> None:
    folder = _big_folder(tmp_path / "big", 12_000)
    home = tmp_path / "home"
    script = (
        "import sys, time; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication\n"
        "from desktop import app; qa = QApplication(sys.argv[:1]); closed = []\n"
        "def close():\n"
        "    closed.append(time.monotonic())\n"
        "    [w.close() for w in qa.topLevelWidgets() if w.isWindow()]\n"
        "QTimer.singleShot(500, close)\n"
        f"code = app.main(['--home', {str(home)!r}, '--content', {str(folder)!r}])\n"
        "print(f'{time.monotonic() - closed[0]:.3f}'); sys.exit(code)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout.split()[-1]) < 2.0  # from the close to the end of main()
    store = Store(Home(home))
    try:  # the close really interrupted the import: nothing stored yet, or an index left to rebuild
        assert store.is_empty() or Home(home).abandoned_markers()
    finally:
        store.close()

    ws = open_home(home, seed=SEED_CONTENT, content=folder)  # the next start finishes the job
    try:
        stats = app_content.stats(ws)
        assert stats["qa"] == 12_000 and stats["indexed"] == 12_000
        assert app_search.search(ws, "Question number 11999").hits[0].id == "q-11999"
    finally:
        ws.close()


def test_a_write_on_the_writer_is_reindexed_and_broadcast_with_who_asked(qtbot, window) -> None:
    """Issue 23: a write anywhere (here one no use case names) reindexes and reaches ``changed``,
    carrying the window that asked, so that window alone can skip its own refresh."""
    from kb.models import Item

    item_id = app_content.records(window.ws, )[0].id

    def edit(ws):  # type: ignore[no-untyped-def]
        return ws.write(lambda s: setattr(s.get(Item, item_id), "body", "Now with axolotl-grade uptime."))

    asker = object()
    with qtbot.waitSignal(window.changed, timeout=10_000) as signal:
        window.writer.submit(edit, window.ws, initiator=asker)
    changes = signal.args[0]
    assert changes.touches_item(item_id) and changes.initiator is asker
    assert not changes.from_elsewhere(asker) and changes.from_elsewhere(window)
    assert [h.id for h in app_search.search(window.ws, "axolotl", expert=True).hits] == [item_id]
