"""A big folder: progress through the one shape, a cancel keeps finished batches, a second run resumes."""

from __future__ import annotations

from indexer.app import search as app_search
from pathlib import Path

import pytest

from indexer.app import documents
from indexer.app.documents import CancelledImport, import_documents
from indexer.app.workspace import Workspace
from kb.progress import Cancelled

from tests.documents.makers import make_docx


def _folder(root: Path, n: int) -> Path:
    root.mkdir()
    for i in range(n):
        make_docx(root / f"note-{i:03d}.docx", f"Field note {i}", [("Detail", [f"Customer zebracode{i} renewed."])])
    return root


def test_cancel_keeps_finished_batches_and_the_next_run_resumes(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "BATCH_FILES", 4)
    folder = _folder(tmp_path / "notes", 10)
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, label: str) -> None:
        seen.append((done, total, label))
        if done >= 6 and label.startswith("Reading"):
            raise Cancelled(label)

    with pytest.raises(CancelledImport) as stopped:
        import_documents(ws, folder, progress)
    assert stopped.value.report.cancelled and stopped.value.report.created == 4
    assert "run the same import again to resume" in stopped.value.report.lines()[0]
    assert {f"doc-note-{i:03d}" for i in range(4)} <= {i.rsplit("-", 2)[0] for i in stopped.value.changes.items}
    assert all(total == 10 for _, total, _ in seen) and any("note-002.docx" in label for *_, label in seen)
    assert app_search.search(ws, "zebracode3", mode="lexical").hits  # the saved batch is searchable at once

    report = import_documents(ws, folder).value
    assert report.same_hash == 4 and report.created == 6 and report.ok
    for i in range(10):
        assert app_search.search(ws, f"zebracode{i}", mode="lexical").hits, i
