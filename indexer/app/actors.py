"""Who is acting, decided once for both front ends.

Before, the CLI defaulted to the expert role and the app to rep, so the same person could save with
``kb item save`` what the editor refused. Now both resolve the actor here: an explicit name/role
(``--as``/``--role``), then ``EXPERT_ANSWERS_USER``/``EXPERT_ANSWERS_ROLE``, then the OS user as a
rep — the least privileged role, so an unconfigured laptop suggests rather than publishes.
"""

from __future__ import annotations

from kb.services.roles import EXPERT, REP, ROLE_ENV, ROLES, USER_ENV, Actor, PermissionDenied, resolve_actor

__all__ = ["EXPERT", "REP", "ROLES", "ROLE_ENV", "USER_ENV", "Actor", "PermissionDenied", "current_actor"]

DEFAULT_ROLE = REP


def current_actor(name: str | None = None, role: str | None = None) -> Actor:
    return resolve_actor(name, role, default_role=DEFAULT_ROLE)
