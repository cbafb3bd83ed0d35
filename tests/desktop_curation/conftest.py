"""Fixtures for the curation windows: offscreen Qt, a fresh home per test, an expert by default.

The first-launch import is built once per session into a template home; each test copies it, so
saves, verifies and gap answers never leak into another test.
"""

from __future__ import annotations

from indexer.app.content import open_home
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import: tests never need a display

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import add_content_vectors

from indexer.app.workspace import Workspace
from kb.paths import Home


ITEM = "adopt-activity-logging-privacy"  # a Q&A pair of the bundled content


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory, content_vectors: Path | None) -> Path:
    root = tmp_path_factory.mktemp("template") / "home"
    open_home(root, seed="content").close()
    add_content_vectors(content_vectors, root)
    return root


@pytest.fixture(autouse=True)
def expert(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests act as an expert unless they set the role themselves."""
    monkeypatch.setenv("EXPERT_ANSWERS_USER", "Ada Expert")
    monkeypatch.setenv("EXPERT_ANSWERS_ROLE", "expert")


@pytest.fixture
def workspace(template_home: Path, tmp_path: Path) -> Iterator[Workspace]:
    root = tmp_path / "home"
    shutil.copytree(template_home, root)
    ws = open_home(Home(root), seed="content")
    yield ws
    ws.close()


@pytest.fixture
def ctx(qtbot, workspace: Workspace):  # type: ignore[no-untyped-def]
    from desktop.curation import CurationContext, windows

    context = CurationContext(lambda: workspace)
    windows.answer_requests(context)  # as desktop.curation.install does: asking for a window opens it
    yield context
    for win in context.windows:
        win.close()
    context.reads.wait(10)
    context.writer.wait(10)
    qtbot.wait(10)  # deliver the last queued results before the workspace closes
    context.reads.shutdown()
    context.writer.shutdown()
