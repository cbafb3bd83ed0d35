"""The Whoosh schema, its version stamp and the mapping from ``ItemRecord`` to a document.

Why these fields:
- ``title`` (the question) and ``phrasings`` are separate scored fields so a match there outweighs a
  passing mention in ``body``; ``exact`` holds the normalised question and phrasings as whole terms
  for the "exact question ranks first" rule.
- ``meta`` holds tags and the product area as analysed words (so "okta" or "pricing" score), while
  ``tag``/``area``/``stage``/``kind``/``status`` are exact keys for filters and power syntax.
- ``words`` is the unstemmed vocabulary (existence only, no scores): prefix completion and spelling
  suggestions read it, so "did you mean" offers real words, never stems.
- ``sig`` is a hash of the normalised answer text used to collapse duplicate answers cheaply.

Bump ``SCHEMA_VERSION`` whenever any of this (or the analyzer) changes: a stamped index with another
version is rebuilt from the database automatically.
"""

from __future__ import annotations

import hashlib
from datetime import date

from whoosh import fields, formats

from kb.records import ItemRecord

from .analysis import FastAnalyzer, WORD_RE, normalize_question

SCHEMA_VERSION = 2

#: Scored text fields and their weights (question/phrasings ≫ body).
FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "phrasings": 2.5, "meta": 1.5, "body": 1.0}


class _Existence(fields.TEXT):
    """A text field that only records which words occur (cheapest postings, no scoring)."""

    def __init__(self, analyzer: FastAnalyzer) -> None:
        super().__init__(analyzer=analyzer, phrase=False)
        self.format = formats.Existence()
        self.scorable = False


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh mutates schemas, so never share one between indexes)."""
    stemmed = FastAnalyzer(stemming=True)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True),
        status=fields.ID(stored=True),
        title=fields.TEXT(analyzer=stemmed, stored=True, phrase=True),
        phrasings=fields.TEXT(analyzer=stemmed, stored=True, phrase=True),
        body=fields.TEXT(analyzer=stemmed, stored=True, phrase=True),
        meta=fields.TEXT(analyzer=stemmed, phrase=False),
        words=_Existence(FastAnalyzer(stemming=False)),
        tag=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        area=fields.ID(stored=True),
        stage=fields.KEYWORD(stored=True, commas=True),
        owner=fields.TEXT(analyzer=FastAnalyzer(stemming=False), stored=True, phrase=False),
        exact=fields.KEYWORD(commas=True),
        verified_on=fields.STORED(),
        review_days=fields.STORED(),
        sig=fields.STORED(),
    )


def _clean_keys(values: tuple[str, ...] | list[str]) -> list[str]:
    return [v.strip().lower().replace(",", " ") for v in values if v and v.strip()]


def text_signature(text: str) -> int:
    """64-bit hash of the normalised word sequence: equal for copies that differ only in case,
    spacing or punctuation. Looser near-duplicates are caught at search time (word-set Jaccard)."""
    norm = " ".join(m.group().lower() for m in WORD_RE.finditer(text))
    return int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=8).digest(), "big")


def to_document(rec: ItemRecord) -> dict[str, object]:
    """The Whoosh document for one record (archived records are never passed in)."""
    phrasings = "\n".join(p for p in rec.phrasings if p)
    tags = _clean_keys(rec.tags)
    exact = [normalize_question(q) for q in (rec.title, *rec.phrasings)]
    meta = " ".join([*tags, rec.area.replace("-", " ")])
    words_src = "\n".join((rec.title, phrasings, meta, rec.body))
    doc: dict[str, object] = {
        "id": rec.id,
        "kind": rec.kind,
        "status": rec.status,
        "title": rec.title,
        "phrasings": phrasings,
        "body": rec.body,
        "meta": meta,
        "words": words_src,
        "tag": ",".join(tags),
        "area": rec.area.strip().lower(),
        "stage": ",".join(_clean_keys(rec.stages)),
        "owner": rec.owner,
        "exact": ",".join(e for e in exact if e),
        "verified_on": rec.verified_on.isoformat() if isinstance(rec.verified_on, date) else None,
        "review_days": int(rec.review_days),
        "sig": text_signature(rec.body if len(rec.body) > 40 else rec.title + " " + rec.body),
    }
    # Whoosh rejects empty strings for ID fields in some paths; drop empties.
    return {k: v for k, v in doc.items() if v not in ("", None) or k in ("verified_on",)}
