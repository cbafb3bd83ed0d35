"""Who is acting, decided once for both front ends.

Before, the CLI defaulted to the expert role and the app to rep, so the same person could save with
``kb item save`` what the editor refused. Now both resolve the actor here: an explicit name/role
(``--as``/``--role``), then the team member this home joined as (the server knows them by that
name: logging as the OS user ``root`` on a joined laptop was a lie the server had to correct), then
``EXPERT_ANSWERS_USER``/``EXPERT_ANSWERS_ROLE``, then the OS user as a rep — the least privileged
role, so an unconfigured laptop suggests rather than publishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from kb.models import SyncState
from kb.services.roles import EXPERT, REP, ROLE_ENV, ROLES, USER_ENV, Actor, PermissionDenied, resolve_actor
from kb.team.sync import MEMBER_KEY, ROLE_KEY

if TYPE_CHECKING:
    from indexer.app.workspace import Workspace

__all__ = ["EXPERT", "REP", "ROLES", "ROLE_ENV", "USER_ENV", "Actor", "PermissionDenied", "current_actor"]

DEFAULT_ROLE = REP


def team_member(ws: "Workspace") -> tuple[str, str] | None:
    """(member, role) this home joined a team as, if it did."""
    rows = dict(ws.read(lambda s: s.execute(select(SyncState.key, SyncState.value)
                                           .where(SyncState.key.in_((MEMBER_KEY, ROLE_KEY)))).all()))
    member, role = rows.get(MEMBER_KEY), rows.get(ROLE_KEY)
    return (member, role) if member and role else None


def current_actor(name: str | None = None, role: str | None = None, ws: "Workspace | None" = None) -> Actor:
    joined = team_member(ws) if ws is not None else None
    if joined is not None:
        name, role = name or joined[0], role or joined[1]
    return resolve_actor(name, role, default_role=DEFAULT_ROLE)
