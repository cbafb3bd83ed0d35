"""Import and rebuild from the Content menu: progress in the status bar, Cancel that changes nothing,
and an import whose items every window can search at once."""

from __future__ import annotations

from pathlib import Path

from indexer.app import search


def _folder(root: Path, n: int, prefix: str) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"{prefix}{i:05d}.md").write_text(
            f"---\nid: {prefix}-{i}\ntype: qa\nquestion: Does the {prefix} connector sync record {i}?\n---\n"
            f"Yes: the {prefix} connector syncs record {i} every night.\n",
            encoding="utf-8",
        )
    return root


def test_an_import_from_the_app_is_searchable_at_once(qtbot, window, workspace, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "pack", 40, "zephyr")
    with qtbot.waitSignal(window.writer.changed, timeout=20_000) as changed:
        assert window.content_jobs.import_path(folder)
    assert "zephyr-7" in changed.args[0].items
    qtbot.waitUntil(lambda: not window.content_jobs.busy(), timeout=5_000)
    assert "Imported 40 items" in window.statusBar().currentMessage()
    assert search.search(workspace, "zephyr connector record 7").hits[0].id == "zephyr-7"


def test_cancel_stops_a_big_import_and_changes_nothing(qtbot, window, workspace, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "big", 6_000, "quasar")
    before = workspace.stats()["qa"]
    assert window.content_jobs.import_path(folder)
    assert window.progress.cancel_button.isVisibleTo(window.progress)
    qtbot.waitUntil(lambda: "Reading files" in window.progress.label.text(), timeout=10_000)  # mid-import
    window.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not window.content_jobs.busy(), timeout=10_000)
    assert "cancelled; nothing was changed" in window.statusBar().currentMessage()
    assert workspace.stats()["qa"] == before
    assert all(not h.id.startswith("quasar") for h in search.search(workspace, "quasar connector record 5").hits)
