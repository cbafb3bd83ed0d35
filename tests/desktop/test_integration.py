"""The main window carries the Journey and Content menus; a second app on one home is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_main_window_has_journey_and_content_menus(qtbot, tmp_path: Path) -> None:
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    titles = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert {"Deal", "Answer", "Journey", "Content", "Help"} <= set(titles)
    shortcuts = [s.toString() for a in win.findChildren(type(win.commands.quit)) for s in a.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"


def test_stage_boost_can_be_switched_off(qtbot, tmp_path: Path) -> None:
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert win.commands.stage_boost.isChecked() and win.search.boost_stage
    win.commands.stage_boost.trigger()
    assert not win.search.boost_stage
    assert "Ctrl+Shift+S" in win.commands.stage_boost.toolTip()


def test_alignment_hint_when_the_answer_fits_only_later_stages(qtbot, tmp_path: Path) -> None:
    from indexer.engine.results import Hit

    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win._stage_labels = {"awareness": "Awareness", "consideration": "Consideration", "decision": "Decision"}
    win._deal_changed("d1", "awareness")
    contract = Hit(id="c", kind="qa", title="Contract terms?", snippet="", score=1.0, rank=1, stages=("decision",))
    win._hint_if_ahead(contract)
    assert "fits Decision; the buyer is in Awareness" in win.statusBar().currentMessage()
    win.statusBar().clearMessage()
    fitting = Hit(id="f", kind="qa", title="Why cloud?", snippet="", score=1.0, rank=2, stages=("awareness",))
    win._hint_if_ahead(fitting)
    assert win.statusBar().currentMessage() == ""
