"""Any query text reaches both search halves as valid text (issue 20, item 6)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.question_text import valid_text

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "clean"), [
    ("caf\udce9 okta sso", "café okta sso"),         # a Latin-1 terminal's byte, as Python's argv holds it
    ("caf\udcc3\udca9 okta", "café okta"),            # UTF-8 bytes that arrived escaped
    ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ("nul\x00byte", "nul byte"),
    ("cafe\u0301", "café"),                            # decomposed → NFC
])
def test_text_is_made_valid_once(raw: str, clean: str) -> None:
    assert valid_text(raw) == clean
    valid_text(raw).encode("utf-8")


def test_a_latin1_byte_in_a_cli_query_searches_both_halves(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "indexer.cli", "deal", "create", "First"], cwd=REPO, env=env, capture_output=True,
                   timeout=300)  # makes the home, with the bundled content
    argv = [os.fsencode(sys.executable), b"-m", b"indexer.cli", b"search", b"caf\xe9 okta sso", b"--mode", b"lexical"]
    out = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=300)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    assert re.search(rb"\b([1-9]\d*) results in", out.stdout), out.stdout
