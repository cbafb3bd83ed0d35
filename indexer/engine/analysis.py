"""Text analysis shared by indexing, query building and highlighting.

Why a hand-written analyzer instead of Whoosh's ``StemmingAnalyzer``: Whoosh chains one Python
generator per filter (tokenizer → lowercase → stop → stem), which costs several microseconds per
token and dominates index build time. :class:`FastAnalyzer` does the same work in one loop with a
module-level stem cache, so indexing and query analysis stay cheap. The very same ``word_spans``
function feeds the highlighter, which is what lets snippets show the user's original words (we
know the character offsets of every stemmed token) instead of stems.

The analyzer is pickled into the Whoosh TOC with the schema, so its import path
(``indexer.engine.analysis.FastAnalyzer``) is part of the on-disk format: renaming it means bumping
``SCHEMA_VERSION``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token
from whoosh.lang.porter import stem as _porter_stem

#: Words and numbers, Unicode-aware (non-Latin scripts become tokens too); "2.0", "v1.2" stay whole.
WORD_RE = re.compile(r"\w+(?:[.']\w+)*", re.UNICODE)

#: Tokens longer than this are noise (hashes, base64 in pasted mail) and would slow the stemmer.
MAX_TOKEN_LEN = 40

#: Whoosh's default stop list plus question words and auxiliaries that reps and prospects type
#: ("how do I", "what is", "does it") and that carry no topic (docs/measurements.md).
STOP_WORDS: frozenset[str] = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will", "with", "yet", "you", "your", "i", "me", "my", "our", "do", "does", "did", "what", "how", "which", "who", "whom", "whose", "there", "their", "they", "them", "he", "she", "his", "her", "its", "was", "were", "been", "being", "am", "has", "had", "would", "should", "could", "about", "into", "than", "then", "so", "just", "also", "any", "some", "all"]
)

_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Porter stem of a lowercase word, memoised (vocabularies are small; calls are many)."""
    s = _stem_cache.get(word)
    if s is None:
        if len(_stem_cache) > 500_000:  # bound memory on adversarial input
            _stem_cache.clear()
        s = _porter_stem(word) if word.isalpha() else word
        _stem_cache[word] = s
    return s


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, lowercase word)`` for every word, stop words included."""
    for m in WORD_RE.finditer(text):
        word = m.group().lower()
        if len(word) <= MAX_TOKEN_LEN:
            yield m.start(), m.end(), word


def analyze(text: str) -> list[str]:
    """Stemmed content terms of ``text`` in order (stop words dropped)."""
    out = []
    for m in WORD_RE.finditer(text):
        word = m.group().lower()
        if len(word) <= MAX_TOKEN_LEN and word not in STOP_WORDS:
            out.append(stem(word))
    return out


class FastAnalyzer(Analyzer):
    """Tokenize, lowercase, drop stop words and (optionally) Porter-stem in a single pass.

    Positions are renumbered over the kept words, like Whoosh's ``StopFilter`` default, so phrase
    queries built from analyzed query words line up with indexed positions.
    """

    def __init__(self, stemming: bool = True) -> None:
        self.stemming = stemming

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FastAnalyzer) and other.stemming == self.stemming

    def __hash__(self) -> int:
        return hash(("FastAnalyzer", self.stemming))

    def has_morph(self) -> bool:
        return self.stemming

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        stemming = self.stemming
        for m in WORD_RE.finditer(value):
            word = m.group().lower()
            if len(word) > MAX_TOKEN_LEN:
                continue
            stopped = word in STOP_WORDS
            if stopped and removestops:
                continue
            t.stopped = stopped
            t.text = stem(word) if stemming else word
            t.boost = 1.0
            if keeporiginal:
                t.original = m.group()
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            yield t


def normalize_question(text: str) -> str:
    """Case-, punctuation- and spacing-insensitive key for the exact-question match."""
    return " ".join(m.group().lower() for m in WORD_RE.finditer(text[:500]))
