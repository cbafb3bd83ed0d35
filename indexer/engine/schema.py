"""The Whoosh schema, its version stamp and the mapping from ``ItemRecord`` to a document.

Why these fields:
- ``title`` (the question) and ``phrasings`` are separate scored fields so a match there outweighs a
  passing mention in ``body``.
- ``meta`` holds tags and the product area as analysed words, so "okta" or "pricing" score.
- ``keys`` is ONE keyword field for everything that filters or matches exactly
  (``kind:qa``, ``status:draft``, ``tag:sso``, ``stage:decision``, ``area:security``,
  ``owner:priya``, ``q:<normalised question or phrasing>`` for "exact question first"). One field
  instead of seven: Whoosh's writer pays a per-field, per-posting cost (it looked up a missing
  length column with a ``stat()`` per posting for unscorable fields — 4 s of a 19 s profiled build).
- Display values (kind, tags, stages, …) are plain stored fields.
- ``sig`` is a hash of the normalised answer text used to collapse duplicate answers cheaply.
- There is no separate unstemmed vocabulary field: completion and spelling work on the stems, and a
  suggestion is shown with a real word taken from a document containing that stem.

Bump ``SCHEMA_VERSION`` whenever any of this (or the analyzer) changes: a stamped index with another
version is rebuilt from the database automatically.
"""

from __future__ import annotations

import hashlib
from datetime import date

from whoosh import fields

from kb.records import ItemRecord

from .analysis import WORD_RE, FastAnalyzer, normalize_question

SCHEMA_VERSION = 3
#: Positions for phrase queries in the body (costly at build time; see indexer_results.md).
BODY_POSITIONS = True

#: Scored text fields and their weights (question/phrasings ≫ body).
FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "phrasings": 2.5, "meta": 1.5, "body": 1.0}


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh mutates schemas, so never share one between indexes)."""
    stemmed = FastAnalyzer(stemming=True)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=stemmed, stored=True, phrase=True),
        phrasings=fields.TEXT(analyzer=stemmed, stored=True, phrase=True),
        body=fields.TEXT(analyzer=stemmed, stored=True, phrase=BODY_POSITIONS),
        meta=fields.TEXT(analyzer=stemmed, phrase=False),
        keys=fields.KEYWORD(commas=True, scorable=True),
        kind=fields.STORED(),
        status=fields.STORED(),
        tag=fields.STORED(),
        area=fields.STORED(),
        stage=fields.STORED(),
        owner=fields.STORED(),
        verified_on=fields.STORED(),
        review_days=fields.STORED(),
        sig=fields.STORED(),
    )


def key(name: str, value: str) -> str:
    """The ``keys`` term for a filterable value, e.g. ``key("tag", "SSO") == "tag:sso"``."""
    return f"{name}:{value.strip().lower()}"


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
    stages = _clean_keys(rec.stages)
    area = rec.area.strip().lower()
    keys = [key("kind", rec.kind), key("status", rec.status)]
    keys += [key("tag", t) for t in tags] + [key("stage", s) for s in stages]
    keys += [key("owner", w) for w in WORD_RE.findall(rec.owner.lower())]
    keys += [key("q", e) for e in (normalize_question(q) for q in (rec.title, *rec.phrasings)) if e]
    if area:
        keys.append(key("area", area))
    return {
        "id": rec.id,
        "title": rec.title,
        "phrasings": phrasings,
        "body": rec.body,
        "meta": " ".join([*tags, area.replace("-", " ")]),
        "keys": ",".join(k.replace(",", " ") for k in keys),
        "kind": rec.kind,
        "status": rec.status,
        "tag": ",".join(tags),
        "area": area,
        "stage": ",".join(stages),
        "owner": rec.owner,
        "verified_on": rec.verified_on.isoformat() if isinstance(rec.verified_on, date) else None,
        "review_days": int(rec.review_days),
        "sig": text_signature(rec.body if len(rec.body) > 40 else rec.title + " " + rec.body),
    }
