"""Loading a content folder: good files load, each bad one is named with file, line and field."""

from __future__ import annotations

from pathlib import Path

from kb.loader import load_folder
from kb.stages import DEFAULT_STAGES

from tests.core.conftest import QA, write

STAGES = [s.key for s in DEFAULT_STAGES]


def test_good_file_loads_all_fields_and_keeps_unknown_keys(tmp_path: Path) -> None:
    write(tmp_path / "qa" / "sso.md", QA.format(id="sec-sso", question="Do you support SSO?"))
    result = load_folder(tmp_path, STAGES)
    assert result.errors == []
    (rec,) = result.records
    assert rec.id == "sec-sso" and rec.kind == "qa" and rec.title == "Do you support SSO?"
    assert rec.phrasings == ("How do I log in with Okta?",)
    assert rec.tags == ("sso", "okta") and rec.stages == ("consideration",)
    assert rec.extra == {"custom_key": "kept"}
    assert rec.body == "Yes, SAML 2.0 on every edition."


def test_broken_files_are_reported_precisely_and_the_rest_loads(tmp_path: Path) -> None:
    write(tmp_path / "good.md", QA.format(id="good", question="Fine?"))
    write(tmp_path / "bad-yaml.md", "---\nid: x\nquestion: [unclosed\nstages: [awareness]\n---\nbody\n")
    write(tmp_path / "bad-stage.md", QA.format(id="bad-stage", question="Q?").replace("[consideration]", "[closing]"))
    write(tmp_path / "no-question.md", "---\nid: noq\nkind: qa\nstages: [awareness]\n---\nAn answer.\n")
    write(tmp_path / "zz-dup.md", QA.format(id="good", question="Same id again?"))
    write(tmp_path / "latin1.md", "---\nid: l1\nquestion: Caf\xe9?\n---\nx\n")
    (tmp_path / "latin1.md").write_bytes("---\nid: l1\nquestion: Caf\xe9?\n---\nx\n".encode("latin-1"))

    result = load_folder(tmp_path, STAGES)

    assert [r.id for r in result.records] == ["good"]
    by_file = {Path(e.source).name: e for e in result.errors}
    assert set(by_file) == {"bad-yaml.md", "bad-stage.md", "no-question.md", "zz-dup.md", "latin1.md"}
    assert by_file["bad-yaml.md"].line == 3 and "YAML" in by_file["bad-yaml.md"].message
    assert by_file["bad-stage.md"].field == "stages" and by_file["bad-stage.md"].line == 9
    assert "closing" in by_file["bad-stage.md"].message
    assert by_file["no-question.md"].field == "question" and "missing question" in str(by_file["no-question.md"])
    assert by_file["zz-dup.md"].field == "id" and by_file["zz-dup.md"].line == 2 and "good.md" in by_file["zz-dup.md"].message
    assert "UTF-8" in by_file["latin1.md"].message
    # The rendered message names file, line and field.
    assert str(by_file["bad-stage.md"]).startswith(f"{tmp_path / 'bad-stage.md'}:9 [stages]")


def test_readme_and_hidden_folders_are_not_content(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "# not content")
    write(tmp_path / ".git" / "x.md", "junk")
    write(tmp_path / "a.md", QA.format(id="a", question="A?"))
    result = load_folder(tmp_path, STAGES)
    assert [r.id for r in result.records] == ["a"] and result.errors == []


def test_bundled_demo_content_loads_cleanly() -> None:
    from kb.paths import BUNDLED_CONTENT

    result = load_folder(BUNDLED_CONTENT, STAGES)
    assert result.errors == []
    kinds = [r.kind for r in result.records]
    assert kinds.count("article") >= 40 and kinds.count("qa") >= 250
    assert {s for r in result.records for s in r.stages} == set(STAGES)
    assert any(r.is_stale() for r in result.records)
