"""Fixtures for the desktop tests: offscreen Qt, a fresh home per test, a window wired to it.

The first-launch import is built once per session into a template home; every test gets its own
copy (database and index), so tests that log answers or create deals never leak into others.
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
from kb.services import deals




@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory, content_vectors: Path | None) -> Path:
    root = tmp_path_factory.mktemp("template") / "home"
    open_home(root, seed="content").close()
    add_content_vectors(content_vectors, root)
    return root


@pytest.fixture
def home(template_home: Path, tmp_path: Path) -> Home:
    root = tmp_path / "home"
    shutil.copytree(template_home, root)
    return Home(root)


@pytest.fixture
def workspace(home: Home) -> Iterator[Workspace]:
    ws = open_home(home, seed="content")
    yield ws
    ws.close()


@pytest.fixture
def two_deals(workspace: Workspace) -> dict[str, str]:
    """Two deals at different stages: deal id → stage."""
    with workspace.store.session() as s:
        a = deals.create_deal(s, "Acme rollout", account="Acme Corp", stage="consideration")
        b = deals.create_deal(s, "Beta Logistics", account="Beta GmbH", stage="decision")
    return {a.id: a.stage, b.id: b.stage}


@pytest.fixture
def window(qtbot, workspace: Workspace, home: Home, two_deals: dict[str, str]):  # type: ignore[no-untyped-def]
    from desktop.app import settings_for
    from desktop.main_window import MainWindow

    win = MainWindow(settings_for(home))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    with qtbot.waitSignal(win.overviewLoaded):
        win.set_workspace(workspace)
    yield win
    win.close()  # waits for queued writes and searches before the workspace fixture closes
