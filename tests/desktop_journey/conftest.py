"""Fixtures for the journey windows: offscreen Qt, a demo home built once, fresh copies to mutate.

``open_home(home, seed="demo")`` takes a few seconds, so it runs once per module into a
template; read-only tests share one workspace on it, tests that write get their own copy.
"""

from __future__ import annotations

from indexer.app.content import open_home
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import add_content_vectors

from indexer.app.workspace import Workspace



@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory, content_vectors: Path | None) -> Path:
    root = tmp_path_factory.mktemp("journey") / "demo-home"
    open_home(root, seed="demo").close()
    add_content_vectors(content_vectors, root)
    return root


@pytest.fixture(scope="module")
def demo_ws(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Shared, read-only: tests that write use ``fresh_ws``."""
    root = tmp_path_factory.mktemp("journey-shared") / "home"
    shutil.copytree(demo_template, root)
    ws = open_home(root, seed="demo")
    yield ws
    ws.close()


@pytest.fixture
def fresh_ws(demo_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    root = tmp_path / "home"
    shutil.copytree(demo_template, root)
    ws = open_home(root, seed="demo")
    yield ws
    ws.close()


@pytest.fixture
def runners(qapp):  # type: ignore[no-untyped-def]
    from desktop.workers import Runner

    reads, writer = Runner(2, "test-read"), Runner(1, "test-write")
    yield reads, writer
    for r in (reads, writer):
        r.wait(10)
        r.shutdown()
