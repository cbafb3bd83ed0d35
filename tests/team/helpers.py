"""Homes that joined a real team server, for the team tests and the benchmark."""

from __future__ import annotations

from indexer.app.content import open_home
from pathlib import Path

from kb.records import ItemRecord
from kb.team import server
from indexer.app import team_sync as app_sync
from indexer.app.workspace import SEED_NONE, Workspace
from tests.team.conftest import member_url, unique


def join_home(root: Path, url: str, name: str, role: str) -> tuple[Workspace, str]:
    """A fresh laptop home whose member role exists on the server and which has joined it."""
    member = unique(name)
    server.add_member(url, member, role, "pw")
    ws = open_home(root / name, seed=SEED_NONE)
    app_sync.join(ws, member_url(url, member), member, role, "pw")
    return ws, member


def join_as(root: Path, url: str, member: str) -> Workspace:
    """Another laptop of an existing member (password ``pw``)."""
    ws = open_home(root, seed=SEED_NONE)
    app_sync.join(ws, member_url(url, member), member, None, "pw")
    return ws


def qa(item_id: str, question: str, answer: str, **kw: object) -> ItemRecord:
    return ItemRecord(id=item_id, kind="qa", title=question, body=answer, stages=("decision",), **kw)  # type: ignore[arg-type]
