"""A zip of 20,000 bad entries does not print 20,000 lines (issue 20, item 7)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_long_error_list_is_summarised_and_written_in_full(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for n in range(60):  # each file lacks a question and a title: one problem each
        (folder / f"bad-{n}.md").write_text("---\nkind: qa\n---\nNo question here.\n", encoding="utf-8")
    (folder / "good.md").write_text("---\nquestion: Is there a trial?\n---\nYes, 30 days.\n", encoding="utf-8")
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "import", str(folder)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "1 loaded" in " ".join(done.stdout.split())
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 21 and "40 more" in lines[-1], done.stderr
    [listed] = (tmp_path / "home" / "logs").glob("import-problems-*.txt")
    assert listed.name in " ".join(done.stderr.split()).replace(" ", "") or listed.name in done.stderr
    assert len(listed.read_text(encoding="utf-8").splitlines()) == 60
