"""Meaning vectors through the team server: sent by experts' laptops, taken by every laptop.

The vector store lives in the search engine (``indexer``); here only rows of bytes move, keyed by
text hash and model stamp. PostgreSQL lets only experts add rows (:mod:`kb.team.policies`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kb.models import SharedVector
from kb.team.replication import chunks


def missing(server: Connection, model: str, hashes: Iterable[str]) -> set[str]:
    """Which of ``hashes`` the server has no vector for yet (under ``model``)."""
    wanted = sorted(set(hashes))
    have: set[str] = set()
    for chunk in chunks(wanted):
        have.update(server.execute(select(SharedVector.hash).where(
            SharedVector.model == model, SharedVector.hash.in_(chunk))).scalars())
    return set(wanted) - have


def send(server: Connection, model: str, rows: dict[str, bytes], member: str) -> int:
    """Add these vectors; a hash already there is left alone (whoever embedded first)."""
    payload = [{"hash": h, "model": model, "vector": v, "by": member} for h, v in rows.items()]
    done = 0
    for chunk in chunks(payload):
        res = server.execute(pg_insert(SharedVector).on_conflict_do_nothing().returning(SharedVector.hash), chunk)
        done += len(res.all())
    return done


def fetch(server: Connection, model: str, hashes: Iterable[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for chunk in chunks(sorted(set(hashes))):
        out.update(server.execute(select(SharedVector.hash, SharedVector.vector).where(
            SharedVector.model == model, SharedVector.hash.in_(chunk))).all())
    return out
