"""Content → Import documents…: the dialog imports a folder with the same report as ``kb import``,
a bad file is named there, and the answer pane shows where an imported section came from."""

from __future__ import annotations

from pathlib import Path

from desktop_helpers import ask
from PySide6.QtWidgets import QMenu

from tests.documents.conftest import write_bad_files, write_documents
from tests.documents.makers import make_docx


def _action(window, name: str):  # type: ignore[no-untyped-def]
    return next(a for a in window.content_menu.actions() if a.text() == name)


def test_import_documents_from_the_content_menu_shows_the_report_and_provenance(  # type: ignore[no-untyped-def]
    qtbot, window, tmp_path: Path
) -> None:
    folder = write_documents(tmp_path / "docs")
    write_bad_files(folder / "bad", folder / "whitepaper.docx")
    _action(window, "Import &documents…").trigger()
    dialog = window.content_jobs.documents.dialog()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(window.writer.changed, timeout=60_000) as changed:
        assert dialog.start(folder)
    assert any(i.startswith("doc-whitepaper-") for i in changed.args[0].items)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=60_000)
    text = dialog.text.toPlainText()
    assert text.splitlines() == dialog.report.lines()  # the lines kb import prints
    assert "13 new" in text and "3 Q&A suggested" in text and "7 file(s) not imported" in text
    assert "bad/locked.pdf: password-protected PDF" in text and "zip bomb" in text
    assert "not imported (listed below)" in dialog.status.text()
    dialog.close()

    ask(qtbot, window, "Northwind")
    shown = window.answer_view.toPlainText()
    assert window.answer_view.item.record.title == "Deck — Why teams move to Harbor"
    assert "Source: deck.pptx, slide 1 · imported " in shown
    assert "check with a product expert before quoting" in shown  # no owner yet: not "check with no owner"


def test_cancel_keeps_what_was_saved_and_says_how_to_resume(  # type: ignore[no-untyped-def]
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    from indexer.app import documents

    monkeypatch.setattr(documents, "BATCH_FILES", 2)
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(30):
        make_docx(folder / f"n{i:02d}.docx", f"Note {i}", [("Detail", [f"Renewal note wombat{i}."])])
    dialog = window.content_jobs.documents.dialog()
    reading = []
    dialog.bar.valueChanged.connect(reading.append)
    assert dialog.start(folder)
    qtbot.waitUntil(lambda: bool(reading) and max(reading) >= 4, timeout=60_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=60_000)
    assert dialog.report.cancelled and "import the same folder again to resume" in dialog.status.text()
    saved = dialog.report.created
    assert 0 < saved < 30
    assert dialog.text.toPlainText().startswith("Cancelled — run the same import again to resume.")
    with qtbot.waitSignal(window.writer.changed, timeout=60_000):
        dialog.start(folder)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=60_000)
    assert dialog.report.same_hash == saved and dialog.report.created == 30 - saved


def test_the_content_menu_lists_import_documents(window) -> None:  # type: ignore[no-untyped-def]
    texts = [a.text() for a in window.content_menu.actions()]
    assert texts.index("Import &documents…") == texts.index("&Import content…") + 1
    assert isinstance(window.content_menu, QMenu)
