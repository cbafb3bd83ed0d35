"""Who is acting: reps suggest, experts edit. Enforced here, in the core, not by hidden buttons.

The actor comes from explicit arguments (the CLI's ``--as``/``--role``), then the
``EXPERT_ANSWERS_USER`` / ``EXPERT_ANSWERS_ROLE`` variables, then the OS user name. This is a
workflow guard for a trusted team, not authentication: whoever controls the environment can
claim the expert role.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass

REP, EXPERT = "rep", "expert"
ROLES = (REP, EXPERT)
USER_ENV = "EXPERT_ANSWERS_USER"
ROLE_ENV = "EXPERT_ANSWERS_ROLE"


class PermissionDenied(PermissionError):
    """A rep tried an expert-only write; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        if not self.name.strip():
            raise ValueError("the actor needs a name")

    @property
    def is_expert(self) -> bool:
        return self.role == EXPERT


def require_expert(actor: Actor, action: str) -> None:
    if not actor.is_expert:
        raise PermissionDenied(
            f"{actor.name} is a rep and cannot {action}: only experts edit content. "
            "Suggest the change instead; an expert will review it."
        )


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers); fall back to a neutral name
        return "unknown"


def resolve_actor(
    name: str | None = None,
    role: str | None = None,
    *,
    default_role: str = REP,
    environ: Mapping[str, str] | None = None,
) -> Actor:
    """The current actor. The default role is the least privileged one unless the caller says so."""
    env = os.environ if environ is None else environ
    name = (name or env.get(USER_ENV) or os_user()).strip()
    role = (role or env.get(ROLE_ENV) or default_role).strip().lower()
    return Actor(name, role)
