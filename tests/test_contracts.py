"""The layer contracts in pyproject.toml hold, and they are not decoration: breaking one fails.

``lint-imports`` (import-linter) builds the import graph of kb, indexer and desktop and checks each
contract. The second test copies the packages, adds one forbidden import (among them each violation
issue 23 found the old contracts missing), and expects a failure that names the contract — proof
the check can fail.
"""

from __future__ import annotations

import re
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
    assert "7 kept, 0 broken" in out.stdout


FRONT_ENDS = "front ends reach the engine and kb only"
LAYERS = "layers: front ends over measure"
KB_LAYERS = "kb's own layers"


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # the five violations issue 23 found KEPT by the earlier contracts
        ("desktop/content_actions.py", "from kb.importing import import_path", FRONT_ENDS),
        ("desktop/search.py", "from kb.models import Item", FRONT_ENDS),
        ("desktop/app.py", "from kb import backup", FRONT_ENDS),
        ("desktop/meaning_index.py", "from indexer.engine.search_index import SearchIndex", FRONT_ENDS),
        ("kb/models.py", "from kb.services import items", KB_LAYERS),
        # and the ones the contracts caught before
        ("desktop/search.py", "from kb.services import items", FRONT_ENDS),
        ("indexer/cli/search_cmds.py", "from kb.store import Store", FRONT_ENDS),
        ("indexer/cli/search_cmds.py", "from indexer.engine import vectors", FRONT_ENDS),
        ("kb/records.py", "import indexer.app.search", "kb is the bottom layer"),
        ("indexer/engine/ranking.py", "import indexer.app.workspace", "the search engine never imports"),
        ("indexer/app/search.py", "import PySide6.QtCore", "indexer never imports desktop or Qt"),
        # the layers themselves: no climbing up, and the two front ends stay apart
        ("indexer/app/search.py", "import indexer.measure.evaluation", LAYERS),
        ("desktop/search.py", "import indexer.cli.output", LAYERS),
        ("kb/services/items.py", "import kb.demo", KB_LAYERS),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    for package in ("kb", "indexer", "desktop"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    out = lint(tmp_path)
    assert out.returncode != 0
    assert verdicts(out.stdout).get(contract) == "BROKEN", out.stdout


def verdicts(stdout: str) -> dict[str, str]:
    """Each contract's verdict from the summary (lint-imports wraps long names over two lines),
    keyed by every contract-name prefix the tests use."""
    summary = " ".join(stdout.split("Contracts\n---------", 1)[-1].split())
    parts = re.split(r" (KEPT|BROKEN)\b(?: \(\d+ ignored imports?\))?", summary)
    found = {}
    for name, verdict in zip(parts[::2], parts[1::2], strict=False):
        name = name.split("-- ")[-1].strip()  # drop the "Analyzed N files" rule before the first one
        for prefix in (FRONT_ENDS, LAYERS, KB_LAYERS, "kb is the bottom layer", "the search engine never imports",
                       "indexer never imports desktop or Qt"):  # fmt: skip
            if name.startswith(prefix):
                found[prefix] = verdict
    return found


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


#: What a front end may use of the workspace it holds: where its home is, what opening it noticed,
#: and closing it. Everything else (the store, the index, the write and read entries) is reached
#: through the use cases in ``indexer.app``.
WORKSPACE_FACE = {"home", "notices", "close"}
FRONT_END_DIRS = ("desktop", "indexer/cli")


def test_no_front_end_line_reaches_through_the_workspace_or_a_private_name() -> None:
    reach = re.compile(r"\b(?:ws|workspace)\.([A-Za-z_]\w*)")
    private = re.compile(r"\b(\w+)\._[a-z]\w*")
    found = []
    for folder in FRONT_END_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                where = f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
                found += [where for name in reach.findall(line) if name not in WORKSPACE_FACE]
                found += [where for owner in private.findall(line) if owner not in ("self", "cls", "sys", "os")]
    assert found == []


#: Circles made only by imports under ``if TYPE_CHECKING:`` (an annotation naming the module that
#: imports this one), with the reason each is left: they never run.
TYPE_ONLY_CIRCLES = [
    # the ranker's constructor annotates the index that owns it (lead's file, issue 22 in flight)
    {"indexer.engine.ranking", "indexer.engine.search_index"},
]


def _circles(graph) -> list[set[str]]:  # type: ignore[no-untyped-def]
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            if i < len(edges[v]):
                work.append((v, i + 1))
                w = edges[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                group = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.add(w)
                    if w == v:
                        break
                if len(group) > 1:
                    found.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return found


def test_the_import_graph_has_no_circle() -> None:
    """Read with grimp (the graph library under import-linter), as issue 23 asks."""
    import grimp

    planted = grimp.ImportGraph()  # the detector finds a circle when there is one
    for importer, imported in (("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")):
        planted.add_import(importer=importer, imported=imported)
    assert _circles(planted) == [{"a.x", "a.y", "a.z"}]

    runtime = grimp.build_graph("kb", "indexer", "desktop", exclude_type_checking_imports=True, cache_dir=None)
    assert "desktop.curation.windows" in runtime.modules  # this tree's packages, not tests/indexer
    assert _circles(runtime) == []
    every = grimp.build_graph("kb", "indexer", "desktop", cache_dir=None)
    assert [c for c in _circles(every) if c not in TYPE_ONLY_CIRCLES] == []
