"""Turn whatever a rep types or pastes into a Whoosh query that cannot fail.

Why not Whoosh's ``QueryParser``: it raises or misbehaves on unbalanced quotes and brackets, treats
``foo:bar`` as a field even when there is no such field, and can go quadratic on long pasted
text. Here the input is read as words, and only well-formed power syntax is honoured:
``"exact phrase"``, ``-exclude`` and ``field:value`` for the fields listed in ``FIELD_ALIASES``.
Everything else (operators, brackets, emoji, stray colons) is just text.

Two steps: :func:`parse_text` (pure, no index needed) and :func:`build_plan`, which looks at the
index's vocabulary to handle the unfinished last word (prefix), typos (corrections and a "did you
mean"), synonyms and long text (reduced to its most informative terms).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise

from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.support.levenshtein import distance

from kb.question_text import MAX_QUESTION_CHARS

from .memo import memo
from .analysis import MAX_TOKEN_LEN, STOP_WORDS, WORD_RE, normalize_question, stem, word_spans
from .synonyms import Synonyms

#: Input beyond this is ignored (a pasted email thread can be huge; the gist is near the top).
MAX_QUERY_CHARS = MAX_QUESTION_CHARS  # the engine's own guard is the application's one limit
#: More content words than this and the text is treated as a pasted passage: no syntax, reduced.
LONG_TEXT_WORDS = 32
#: How many terms a long passage is reduced to.
LONG_TEXT_KEEP = 12
#: Weights of the extra clauses relative to a typed word.
PREFIX_BOOST = 0.9
SYNONYM_BOOST = 0.9
FUZZY_BOOST = 0.7
#: "roll back" matching "rollback" stands for two typed words.
COMPOUND_BOOST = 0.9
#: At most this many completions of the unfinished word are searched.
PREFIX_EXPANSIONS = 6

#: ``field:value`` names users may type → index field.
FIELD_ALIASES = {
    "kind": "kind", "type": "kind",
    "tag": "tag", "tags": "tag",
    "area": "area",
    "stage": "stage", "stages": "stage",
    "owner": "owner", "expert": "owner",
    "status": "status",
    "title": "title", "question": "title", "q": "title",
    "body": "body", "answer": "body",
}
#: Fields that filter rather than score.
FILTER_FIELDS = ("kind", "tag", "area", "stage", "status", "owner")

_CHUNK_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_FIELD_RE = re.compile(r"^([A-Za-z]+):(\S+)$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})


@dataclass
class Word:
    """A free-text word as typed (lowercase) and its stem."""

    text: str
    stem: str


@dataclass
class ParsedText:
    """The user's text split into free words and power syntax; no index knowledge yet."""

    raw: str
    words: list[Word] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)  # stems of each quoted phrase
    excludes: list[str] = field(default_factory=list)  # stems
    field_terms: list[tuple[str, str]] = field(default_factory=list)  # (field, value)
    partial: bool = False  # the last word may be unfinished (no trailing space)
    long: bool = False


def _content_words(text: str) -> list[Word]:
    return [
        Word(w, stem(w))
        for w in (m.group().lower() for m in WORD_RE.finditer(text))
        if len(w) <= MAX_TOKEN_LEN and w not in STOP_WORDS
    ]


def parse_text(text: str) -> ParsedText:
    """Split ``text`` into words and well-formed syntax. Never raises; any string is valid."""
    text = (text or "")[:MAX_QUERY_CHARS].translate(_QUOTES)
    p = ParsedText(raw=text)
    all_words = _content_words(text)
    if len(all_words) > LONG_TEXT_WORDS:
        p.words, p.long = all_words, True
        return p
    last_is_free = False
    for m in _CHUNK_RE.finditer(text):
        neg, phrase, chunk = m.group(1), m.group(2), m.group(3)
        last_is_free = False
        if phrase is not None:
            stems = [w.stem for w in _content_words(phrase)]
            if neg:
                p.excludes.extend(stems)
            elif len(stems) > 1:
                p.phrases.append(stems)
            else:
                p.words.extend(_content_words(phrase))
            continue
        fm = _FIELD_RE.match(chunk)
        if fm and fm.group(1).lower() in FIELD_ALIASES:
            p.field_terms.append((FIELD_ALIASES[fm.group(1).lower()], fm.group(2)))
            continue
        if chunk.startswith("-") and len(chunk) > 1 and chunk[1] not in "-":
            p.excludes.extend(w.stem for w in _content_words(chunk[1:]))
            continue
        words = _content_words(chunk)
        p.words.extend(words)
        last_is_free = bool(words) and bool(WORD_RE.search(chunk[-1:]))
    p.partial = last_is_free and not text[-1:].isspace()
    return p


@dataclass(frozen=True)
class Clause:
    """One unit of the scored query: the best of ``alts`` (each alt's stems must all occur)."""

    alts: tuple[tuple[str, ...], ...]
    boost: float = 1.0
    fields: tuple[str, ...] | None = None  # None: every scored field


@dataclass
class Plan:
    """What to run: scored clauses, hard constraints, and presentation data."""

    clauses: list[Clause] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)  # required, in any text field
    required: list[tuple[str, str]] = field(default_factory=list)  # required (field, stem)
    excludes: list[str] = field(default_factory=list)  # stems that must not occur
    filters: dict[str, list[str]] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)  # stems to highlight → weight
    exact_key: str | None = None
    suggestion: str | None = None

    def is_empty(self) -> bool:
        return not (self.clauses or self.phrases or self.required or self.filters)


def _idf(reader: IndexReader, st: str, n: int) -> float:
    df = reader.doc_frequency("body", st) + reader.doc_frequency("title", st)
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0


#: Fields whose stems make up the searchable vocabulary.
VOCAB_FIELDS = ("body", "title", "phrasings", "meta")


def _known(reader: IndexReader, st: str) -> bool:
    return _df(reader, st) > 0


def _df(reader: IndexReader, st: str) -> int:
    """Documents holding stem ``st`` in any vocabulary field (summed; remembered per reader)."""
    seen = memo(reader, "df")
    df = seen.get(st)
    if df is None:
        df = seen[st] = sum(reader.doc_frequency(f, st) for f in VOCAB_FIELDS)
    return df


def _decode(t: bytes | str) -> str:
    return t.decode("utf-8") if isinstance(t, bytes) else t


def completions(reader: IndexReader, prefix: str, limit: int = PREFIX_EXPANSIONS) -> list[str]:
    """The most common indexed stems starting with ``prefix`` (bounded scan of the term lists).

    Stems keep the start of the word (Porter only rewrites endings), so the typed prefix of a
    word is a prefix of its stem in practice ("pric" → "price", "insu" → "insur").
    """
    if len(prefix) < 2:
        return []
    found: dict[str, int] = {}
    for f in ("body", "title", "phrasings"):
        for i, btext in enumerate(reader.expand_prefix(f, prefix)):
            if i >= 300:
                break
            st = _decode(btext)
            if st not in found:
                found[st] = _df(reader, st)
    ranked = sorted(found.items(), key=lambda t: (-t[1], t[0]))
    return [st for st, _ in ranked[:limit]]


def correction(reader: IndexReader, word: str) -> str | None:
    """Closest indexed stem to a word that is not in the index (edit distance 1, 2 if long)."""
    if len(word) < 3 or not word.isalpha():
        return None
    target = stem(word)
    maxdist = 1 if len(word) <= 5 else 2
    best: tuple[int, int, str] | None = None
    try:
        for f in ("body", "title"):
            for i, c in enumerate(reader.terms_within(f, target, maxdist, prefix=1)):
                if i >= 500:
                    break
                c = _decode(c)
                k = (distance(target, c), -_df(reader, c), c)
                if best is None or k < best:
                    best = k
    except (KeyError, ValueError):  # field absent in an empty index
        return None
    return best[2] if best else None


def surface_word(searcher: Searcher, st: str) -> str:
    """A real word that stems to ``st``, read from one document containing it ("did you mean"
    must show words, never stems)."""
    for f in ("title", "phrasings", "body"):
        r = searcher.reader()
        if (f, st) not in r:
            continue
        docnum = next(iter(r.postings(f, st).all_ids()), None)
        if docnum is None:
            continue
        text = searcher.stored_fields(docnum).get(f) or ""
        counts: dict[str, int] = {}
        for _s, _e, w in word_spans(text):
            if stem(w) == st:
                counts[w] = counts.get(w, 0) + 1
        if counts:
            return max(counts.items(), key=lambda t: (t[1], -len(t[0])))[0]
    return st


def _reduce_long(reader: IndexReader, words: list[Word]) -> list[Word]:
    """Keep the ``LONG_TEXT_KEEP`` most informative distinct words (tf·idf), in text order."""
    n = max(reader.doc_count(), 1)
    tf: dict[str, int] = {}
    for w in words:
        tf[w.stem] = tf.get(w.stem, 0) + 1
    scored = {st: (1 + math.log(c)) * _idf(reader, st, n) for st, c in tf.items()}
    keep = {st for st, s in sorted(scored.items(), key=lambda t: -t[1])[:LONG_TEXT_KEEP] if s > 0}
    out, seen = [], set()
    for w in words:
        if w.stem in keep and w.stem not in seen:
            out.append(w)
            seen.add(w.stem)
    return out


def build_plan(p: ParsedText, searcher: Searcher, synonyms: Synonyms) -> Plan:
    """Build the clauses for ``p`` against the current index vocabulary."""
    reader = searcher.reader()
    n = max(reader.doc_count(), 1)
    plan = Plan()
    words = _reduce_long(reader, p.words) if p.long else p.words
    replaced: dict[str, str] = {}

    def mark(st: str, weight: float) -> None:
        plan.terms[st] = max(plan.terms.get(st, 0.0), weight * _idf(reader, st, n))

    for i, w in enumerate(words):
        is_last = i == len(words) - 1
        if is_last and p.partial and not _known(reader, w.stem):
            stems = tuple(completions(reader, w.text))
            if stems:
                plan.clauses.append(Clause(tuple((s,) for s in stems), PREFIX_BOOST))
                for s in stems:
                    mark(s, PREFIX_BOOST)
                continue
        plan.clauses.append(Clause(((w.stem,),)))
        mark(w.stem, 1.0)
        if not p.long and not _known(reader, w.stem):
            fix = correction(reader, w.text)
            if fix:
                replaced[w.text] = surface_word(searcher, fix)
                plan.clauses.append(Clause(((fix,),), FUZZY_BOOST))
                mark(fix, FUZZY_BOOST)

    if synonyms and words:
        stems = [w.stem for w in words]
        for m in synonyms.matches(stems):
            # An alternative that contains the typed words ("siebel" → "siebel crm") adds
            # nothing new and would count the typed word twice.
            typed = set(stems[m.start : m.end])
            alts = tuple(a for a in m.alternatives if not typed <= set(a))
            if alts:
                plan.clauses.append(Clause(alts, SYNONYM_BOOST))
                for alt in alts:
                    for s in alt:
                        mark(s, SYNONYM_BOOST)

    # "roll back" also finds "rollback" ("back up"/"backup", "set up"/"setup"). Only with a
    # curated vocabulary (a synonyms file): on the lemmatised InsuranceQA dev set it cost
    # 0.046 ndcg@10 (indexer_results.md, M9).
    if synonyms and not p.long:
        for a, b in pairwise(words):
            joined = stem(a.text + b.text)
            if _known(reader, joined):
                plan.clauses.append(Clause(((joined,),), COMPOUND_BOOST))
                mark(joined, 1.0)

    for stems in p.phrases:
        plan.phrases.append(stems)
        for s in stems:
            plan.clauses.append(Clause(((s,),)))
            mark(s, 1.0)

    for fname, value in p.field_terms:
        if fname in FILTER_FIELDS:
            plan.filters.setdefault(fname, []).append(value)
            continue
        for w in (m.group().lower() for m in WORD_RE.finditer(value)):
            if w in STOP_WORDS:
                continue
            s = stem(w)
            plan.required.append((fname, s))
            plan.clauses.append(Clause(((s,),), fields=(fname,)))
            mark(s, 1.0)

    plan.excludes = list(dict.fromkeys(p.excludes))
    if not p.long and words and not p.phrases and not p.field_terms and not p.excludes:
        plan.exact_key = normalize_question(p.raw) or None
    if replaced:
        plan.suggestion = _suggest(p.raw, replaced)
    return plan


def _suggest(raw: str, replaced: dict[str, str]) -> str:
    """The user's text with each unknown word swapped for its correction, case kept simple."""

    def sub(m: re.Match[str]) -> str:
        w = m.group()
        fix = replaced.get(w.lower())
        if fix is None:
            return w
        return fix.capitalize() if w[:1].isupper() else fix

    return WORD_RE.sub(sub, raw).strip()
