"""Unit tests of the pure text parts: analysis, synonyms file, query parsing, snippets."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.analysis import FastAnalyzer, analyze, normalize_question
from indexer.engine.highlight import highlight_text, make_snippet, strip_markdown
from indexer.engine.query import LONG_TEXT_WORDS, parse_text
from indexer.engine.synonyms import Synonyms


def test_analyzer_stems_drops_stop_words_and_keeps_offsets() -> None:
    toks = [(t.text, t.startchar, t.endchar)
            for t in FastAnalyzer()("Migrating the Activities", chars=True)]
    assert toks == [("migrat", 0, 9), ("activ", 14, 24)]
    assert analyze("SAML 2.0 and SOC2") == ["saml", "2.0", "soc2"]


def test_normalize_question() -> None:
    assert normalize_question("  Do you  support SSO?! ") == "do you support sso"


def test_synonyms_parse_and_match(tmp_path: Path) -> None:
    syn = Synonyms.parse("# comment\nsso, single sign-on  # trailing\n\nsoc 2, soc2\nlonely\n")
    assert len(syn) == 2
    m = syn.matches(analyze("do you support single sign-on"))
    assert len(m) == 1 and m[0].alternatives == (("sso",),)
    m = syn.matches(analyze("soc2 report"))
    assert m[0].alternatives == (("soc", "2"),)
    assert len(Synonyms.load(tmp_path / "absent.txt")) == 0
    assert len(Synonyms.load(None)) == 0


def test_real_synonyms_file_parses() -> None:
    path = Path(__file__).resolve().parents[2] / "content" / "synonyms.txt"
    if path.exists():
        assert len(Synonyms.load(path)) > 10


def test_parse_power_syntax() -> None:
    p = parse_text('"single sign on" -okta tag:sso foo:bar uptime')
    assert p.phrases == [["singl", "sign"]]
    assert p.excludes == ["okta"]
    assert p.field_terms == [("tag", "sso")]
    assert [w.text for w in p.words] == ["foo", "bar", "uptime"]
    assert p.partial is True
    assert parse_text("uptime ").partial is False
    assert parse_text('uptime"').partial is False


def test_parse_long_text_is_plain_words() -> None:
    text = " ".join(f"word{i}" for i in range(LONG_TEXT_WORDS + 5)) + ' "quoted" -x tag:y'
    p = parse_text(text)
    assert p.long and not p.phrases and not p.excludes and not p.field_terms


def test_snippet_marks_original_words_and_escapes() -> None:
    snip = make_snippet("We **migrate** <b>Activities</b> & notes from Siebel.", {"activ", "migrat"})
    assert "<mark>migrate</mark>" in snip and "<mark>Activities</mark>" in snip
    assert "&amp;" in snip and "<b>" not in snip and "**" not in snip


def test_snippet_window_moves_to_the_match() -> None:
    text = "Filler sentence about nothing. " * 30 + "The uptime is 99.9 percent."
    snip = make_snippet(text, {"uptim"})
    assert snip.startswith("…") and "<mark>uptime</mark>" in snip and len(snip) < 300


def test_snippet_without_match_is_the_start() -> None:
    assert make_snippet("Short answer.", {"zzz"}) == "Short answer."


def test_strip_markdown_and_highlight_text() -> None:
    assert strip_markdown("## Title\n- [docs](https://x.example) `code`") == "Title docs code"
    assert highlight_text("Single <sign-on>", {"sign"}) == "Single &lt;<mark>sign</mark>-on&gt;"
