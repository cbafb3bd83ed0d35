"""``kb import FOLDER`` of documents: the report the app shows too, exit 1 with each bad file named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.cli import main

from tests.documents.conftest import write_bad_files, write_documents


def test_kb_import_of_a_document_folder_reports_and_names_each_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_documents(tmp_path / "docs")
    bad = write_bad_files(folder / "bad", folder / "whitepaper.docx")
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "13 new, 0 updated" in out and "3 Q&A suggested from email threads" in out
    assert "7 file(s) not imported:" in out
    for name in bad:
        assert f"bad/{name}:" in err.replace("\n", "")
    assert main(["--home", str(home), "search", "99.95 percent", "--mode", "lexical", "--json"]) == 0
    hits = json.loads(capsys.readouterr()[0])
    assert hits[0]["title"].startswith("Harbor CRM Datasheet")  # beside the demo content the home started with

    assert main(["--home", str(home), "import", str(folder), "--json"]) == 1
    again = json.loads(capsys.readouterr()[0])
    assert again["unchanged_files"] == 9 and again["created"] == 0 and again["skipped"] == 7
