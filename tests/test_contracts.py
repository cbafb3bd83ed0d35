"""The layer contracts in pyproject.toml hold, and they are not decoration: breaking one fails.

``lint-imports`` (import-linter) builds the import graph of kb, indexer and desktop and checks each
contract. The second test copies the packages, adds one forbidden import, and expects a failure
that names the contract — proof the check can fail.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: install the test extra (pip install -e '.[test]')")
    env = {"PYTHONPATH": str(cwd), "PATH": str(LINT.parent), "LANG": "C.UTF-8"}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_layer_contracts_hold() -> None:
    out = lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "5 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("desktop/search.py", "from kb.services import items", "front ends reach the domain services only"),
        ("indexer/cli/search_cmds.py", "from kb.store import Store", "front ends reach the domain services only"),
        ("kb/records.py", "import indexer.app.search", "kb is the bottom layer"),
        ("indexer/engine/ranking.py", "import indexer.app.workspace", "the search engine never imports"),
        ("indexer/app/search.py", "import PySide6.QtCore", "indexer never imports desktop or Qt"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    for package in ("kb", "indexer", "desktop"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    out = lint(tmp_path)
    assert out.returncode != 0
    assert f"{contract}" in out.stdout and "BROKEN" in out.stdout


def test_the_core_imports_without_qt() -> None:
    """kb and indexer (the application layer and the CLI included) load with PySide6 blocked."""
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
        "import kb.store, indexer.app.search, indexer.app.curation, indexer.app.content, indexer.cli\n"
        "import desktop, desktop.reads\n"  # the desktop package itself has no import side effects
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
