"""Snippets with highlighted matches, built from stored text with our own analyzer offsets.

Why not Whoosh's highlighter: it re-analyses every hit's field through the chained analyzer (slow
for long articles), can show stems instead of the words that were written (whoosh #427), and
its fragment scoring is opaque. Here each word's stem is computed with the same memoised stemmer
as the index, compared with the query's stems, and the *original* characters are wrapped in
``<mark>``; everything else is HTML-escaped. Only the top hits ever get a snippet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from .analysis import STOP_WORDS, stem, word_spans

_MD_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"```.*?```", re.DOTALL), " "),  # fenced code is rarely the answer's gist
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → label
    (re.compile(r"</?[A-Za-z][^<>\n]{0,200}>"), " "),  # inline HTML tags
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", re.MULTILINE), ""),  # headings, quotes, bullets
    (re.compile(r"^\s*\|?[-:| ]{3,}\|?\s*$", re.MULTILINE), " "),  # table rules
    (re.compile(r"[*_`~]{1,3}"), ""),  # emphasis and code marks
    (re.compile(r"\s*\|\s*"), " · "),  # table cells
    (re.compile(r"\s+"), " "),
]

#: Snippet length in characters (about two lines in the result list).
SNIPPET_CHARS = 220
#: Limit on text scanned per hit, so a huge article cannot slow a search.
SCAN_CHARS = 30_000


def strip_markdown(text: str) -> str:
    """Readable plain text from Markdown, good enough for a one-line preview."""
    out = text[:SCAN_CHARS]
    for pat, rep in _MD_PATTERNS:
        out = pat.sub(rep, out)
    return out.strip()


def _cut_end(text: str, end: int) -> int:
    """Move ``end`` back to a word boundary."""
    if end >= len(text):
        return len(text)
    sp = text.rfind(" ", 0, end)
    return sp if sp > end - 40 and sp > 0 else end


def make_snippet(
    text: str,
    terms: Mapping[str, float] | set[str] | frozenset[str],
    max_chars: int = SNIPPET_CHARS,
) -> str:
    """HTML snippet of ``text`` around the densest cluster of query ``terms`` (stems → weight).

    With no match the snippet is the beginning of the text, so an item found through its question
    or tags still shows what it says.
    """
    plain = strip_markdown(text)
    weights: Mapping[str, float] = terms if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
    spans = [
        (s, e, st)
        for s, e, w in word_spans(plain)
        if w not in STOP_WORDS and (st := stem(w)) in weights
    ]
    if not spans:
        end = _cut_end(plain, max_chars)
        return html.escape(plain[:end]) + ("…" if end < len(plain) else "")

    # Pick the window (starting at a match) whose distinct matched terms weigh most.
    best_i, best_score = 0, -1.0
    for i, (s, _, _) in enumerate(spans):
        seen: set[str] = set()
        score = 0.0
        for s2, e2, st in spans[i:]:
            if e2 - s > max_chars:
                break
            score += weights[st] if st not in seen else 0.1 * weights[st]
            seen.add(st)
        if score > best_score:
            best_i, best_score = i, score
    first = spans[best_i][0]
    # Start at the sentence start when it is close, else a few words before the first match.
    sentence = max(plain.rfind(". ", 0, first), plain.rfind("? ", 0, first), plain.rfind("! ", 0, first))
    if sentence >= 0 and first - sentence <= 60:
        start = sentence + 2
    else:
        back = plain.rfind(" ", 0, max(0, first - 30))
        start = back + 1 if back >= 0 else 0
    end = _cut_end(plain, start + max_chars)

    parts: list[str] = ["…"] if start > 0 else []
    pos = start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        parts.append(html.escape(plain[pos:s]))
        parts.append("<mark>" + html.escape(plain[s:e]) + "</mark>")
        pos = e
    parts.append(html.escape(plain[pos:end]))
    if end < len(plain):
        parts.append("…")
    return "".join(parts)


def highlight_text(text: str, terms: Mapping[str, float] | set[str] | frozenset[str]) -> str:
    """Whole ``text`` escaped with matches marked (for short fields such as the question)."""
    parts: list[str] = []
    pos = 0
    for s, e, w in word_spans(text):
        if w not in STOP_WORDS and stem(w) in terms:
            parts.append(html.escape(text[pos:s]))
            parts.append("<mark>" + html.escape(text[s:e]) + "</mark>")
            pos = e
    parts.append(html.escape(text[pos:]))
    return "".join(parts)
