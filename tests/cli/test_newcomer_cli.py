"""The CLI as a newcomer meets it: a bad or mistyped home, a wrong deal name, a bad limit, plurals
(issue 21, item 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_home_that_is_a_file_or_under_one_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    for home in (afile, afile / "home"):
        code, _out, err = run(capsys, "--home", str(home), "deal", "create", "Acme")
        assert code == 2 and "Traceback" not in err and "not a folder" in " ".join(err.split()) and err.count("error:") == 1


def test_a_read_only_command_on_a_mistyped_home_creates_nothing(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "hmoe"
    for argv in (["stats"], ["search", "okta"], ["deal", "list"], ["report", "stages"]):
        code, _out, err = run(capsys, "--home", str(typo), *argv)
        assert code == 2 and "no data home at" in err, (argv, err)
    assert not typo.exists()


def test_a_wrong_deal_suggests_the_right_one_and_ids_print_whole(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    code, out, _ = run(capsys, "--home", home, "deal", "create", "Kestrel Bank — 900 seats Enterprise renewal")
    deal_id = out.strip()
    code, _out, err = run(capsys, "--home", home, "deal", "show", "Kestrel")
    assert code == 2 and f"did you mean {deal_id}" in " ".join(err.split())
    code, out, _ = run(capsys, "--home", home, "deal", "list")
    assert deal_id in out  # whole, not "kestrel-ba…"


def test_limits_are_checked_and_counts_read_right(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert run(capsys, "--home", home, "deal", "create", "Acme")[0] == 0  # makes the home (with the content)
    with pytest.raises(SystemExit) as exit_:
        main(["--home", home, "search", "okta", "--limit", "-3"])
    assert exit_.value.code == 2 and "too small" in capsys.readouterr().err
    code, out, _ = run(capsys, "--home", home, "search", "okta single sign-on saml", "--limit", "1", "--mode", "lexical")
    assert code == 0 and re.search(r"\b1 result in", out) and "1 results" not in out
    code, out, _ = run(capsys, "--home", home, "search", "okta", "--json", "--limit", "2", "--mode", "lexical")
    assert len(json.loads(out)) == 2


def test_a_fresh_homes_first_search_by_meaning_answers_at_once_and_times_the_model_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.engine import embedding, semantic

    if embedding.available() is not None:
        pytest.skip("the embedding model package is not installed")

    def no_embedding(*_a: object, **_k: object) -> int:
        raise AssertionError("a fresh demo home embeds nothing: its vectors ship with it")

    monkeypatch.setattr(semantic.Semantic, "embed_pending", no_embedding)
    monkeypatch.setattr(embedding, "_shared", {})  # this process's first model load
    home = str(tmp_path / "home")
    assert run(capsys, "--home", home, "deal", "create", "Acme")[0] == 0  # makes the home (with the content)
    code, out, err = run(capsys, "--home", home, "search", "Can we get invoices in Norwegian kroner", "--mode",
                         "semantic", "--limit", "3")
    flat = " ".join(out.split())
    assert code == 0 and not err and "(semantic; loading the model took" in flat and "price-currencies" in flat
    code, out, err = run(capsys, "--home", home, "search", "invoices in kroner", "--mode", "semantic")
    assert code == 0 and "loading the model" not in out  # loaded once per process
