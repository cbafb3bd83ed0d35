"""Whatever a rep types or pastes is a query: search() never raises and stays bounded."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.engine import SearchIndex, SearchResult

EMAIL = (
    "Hi team,\n\nThanks for the demo yesterday!!! Our CISO asked a few things before we can move "
    "forward: (1) do you support SAML single sign-on with Okta; (2) where is data hosted -- we "
    "need EU only; [3] what's the uptime SLA?\n> quoted: \"pricing\" AND NOT discount OR (seats\n"
    "-- \nBest regards, Jane Doe | VP Sales Ops | +1 555 0100 | jane@example.com\n"
)
LONG_EMAIL = (EMAIL * 40)[:5000]

HOSTILE = [
    "",
    "   ",
    '"',
    '"single sign',
    '""',
    "AND OR NOT",
    "sso AND",
    "OR sso",
    "NOT",
    "title:",
    ":",
    "::sso::",
    "foo:bar baz:",
    "tag:",
    "kind:qa:extra",
    "(((sso",
    "sso)))",
    "[uptime}",
    "{",
    "*",
    "sso*",
    "?",
    "~2",
    "sso^5",
    "\\",
    "-",
    "--",
    "- -sso",
    "+sso",
    "the of and a",
    "what is it",
    "😀🔥💥",
    "sso 😀",
    "单点登录",
    "Единый вход SSO",
    "شبكة",
    "\x00\x01\x02",
    "a" * 3000,
    "sso " * 800,
    LONG_EMAIL,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_hostile_input_never_raises(index: SearchIndex, text: str) -> None:
    res = index.search(text)
    assert isinstance(res, SearchResult)
    assert res.query == text
    assert len(res.hits) <= 10
    assert index.needs_rebuild() is None  # odd input is not mistaken for a damaged index


def test_only_stop_words_and_empty_give_no_hits(index: SearchIndex) -> None:
    assert index.search("").hits == []
    assert index.search("the of and a").hits == []


def test_pasted_email_is_reduced_and_still_finds_the_topic(index: SearchIndex) -> None:
    res = index.search(LONG_EMAIL)
    assert "sec-sso" in res.ids()[:3]


def test_unbalanced_quote_and_brackets_search_the_words(index: SearchIndex) -> None:
    assert index.search('"single sign').ids()[0] == "sec-sso"
    assert index.search("(uptime guarantee").ids()[0] == "sla-uptime"
    assert index.search("unknownfield:uptime").ids()[0] == "sla-uptime"


def test_non_latin_and_emoji_do_not_break_matching(index: SearchIndex) -> None:
    assert index.search("🔥 uptime 😀").ids()[0] == "sla-uptime"
    assert index.search("Единый SSO").ids()[0] == "sec-sso"


def test_non_string_input_is_tolerated(index: SearchIndex) -> None:
    assert index.search(None).hits == []  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_never_raises(index: SearchIndex, text: str) -> None:
    res = index.search(text, limit=5)
    assert isinstance(res, SearchResult)
    assert len(res.hits) <= 5


_syntaxy = st.lists(
    st.sampled_from(['"', "-", ":", "(", ")", "[", "]", "*", "?", "^", "~", "AND", "OR", "NOT",
                     "title:", "tag:", "kind:", "sso", "uptime", "price", " ", "\n", "😀"]),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_syntaxy)
def test_syntax_soup_never_raises(index: SearchIndex, text: str) -> None:
    assert isinstance(index.search(text), SearchResult)
