"""Comparing prospects' questions as text: one normal form for counting, word sets for grouping.

Reps type questions as the buyer said them ("Can we use Okta?", "can we use okta"), so reports
count them by a normal form, and the gap queue groups near-duplicates by the words that carry the
meaning. Plain Python, so the same rules apply whatever the database is.
"""

from __future__ import annotations

import re
import unicodedata

#: The one cap on a question's length, for searching and for logging alike. Reps paste whole emails
#: (a long one is ~300 words, well under this); beyond it the query parser's cost grows quickly and
#: a log row stops being a question.
MAX_QUESTION_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def valid_text(text: str) -> str:
    """Text both search halves (and the database) can take, decided once at the edge.

    A shell hands Python the bytes of a Latin-1 or cp1252 terminal as surrogate escapes
    (``caf\\udce9``), and a UI can hand over a lone surrogate: both used to crash the meaning side
    or print a traceback. Surrogate-escaped bytes are decoded as UTF-8, else cp1252; any other lone
    surrogate becomes U+FFFD; control characters (NUL included) become spaces; the result is NFC."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", "replace")
        except UnicodeEncodeError:
            text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text))


_APOSTROPHES = re.compile(r"['’ʼ`]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")

#: Function words and question scaffolding; what is left says what the question is about.
STOP_WORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been before being both but by
    can could did do does doing done for from get gets got had has have having he her here hers him
    his how i if in into is it its just let me might more most must my of off on once only or other
    our ours out over own please shall she should so some such than that the their theirs them then
    there these they this those through to too under until up us very was we were what when where
    which while who whom whose why will with would yes you your yours
    """.split()
)


def normalise_question(text: str) -> str:
    """Lower case, punctuation stripped, whitespace folded: ``"Can we use  Okta?"`` → ``"can we use okta"``.

    Apostrophes are dropped (``don't`` → ``dont``); other punctuation splits words (``sign-on`` → ``sign on``).
    """
    text = _APOSTROPHES.sub("", text.casefold())
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def content_words(text: str) -> frozenset[str]:
    """The normalised words of a question without stop words."""
    return frozenset(w for w in normalise_question(text).split() if w not in STOP_WORDS)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over all words; 0.0 when both sets are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
