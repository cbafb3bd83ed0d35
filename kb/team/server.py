"""Prepare and inspect the team's PostgreSQL database; add members with their own roles.

What a rep may do is enforced by PostgreSQL itself through two group roles and their GRANTs, so a
rep's credentials cannot change content or history even outside the app:

- ``ea_rep``: SELECT on everything the laptop pulls; INSERT on answer-log entries (+ their items),
  gaps, suggestions, deals, stage events and stakeholders; UPDATE only of a deal's stage/status
  columns. No UPDATE or DELETE on content, item history, log entries or stage events.
- ``ea_expert``: all of ``ea_rep`` plus INSERT/UPDATE on items, item versions and synonyms-bearing
  content (publishing), and UPDATE on suggestions and gaps (deciding the queue). Still no DELETE
  on log entries or stage events: history is append-only for everyone but the database owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text

from kb.db import make_engine, upgrade
from kb.models import AnswerLogEntry, Deal, Gap, Item, Suggestion

REP_ROLE, EXPERT_ROLE = "ea_rep", "ea_expert"
ROLES = {"rep": REP_ROLE, "expert": EXPERT_ROLE}

_READ = ("items", "item_versions", "journey_stages", "deals", "stage_events", "stakeholders",
         "answer_log", "answer_log_items", "gaps", "suggestions", "shared_files", "alembic_version")
_REP_INSERT = ("answer_log", "answer_log_items", "gaps", "suggestions", "deals", "stage_events", "stakeholders")
_EXPERT_WRITE = ("items", "item_versions", "journey_stages", "shared_files")

GRANTS: tuple[str, ...] = (
    f"GRANT USAGE ON SCHEMA public TO {REP_ROLE}, {EXPERT_ROLE}",
    f"GRANT SELECT ON {', '.join(_READ)} TO {REP_ROLE}, {EXPERT_ROLE}",
    f"GRANT INSERT ON {', '.join(_REP_INSERT)} TO {REP_ROLE}, {EXPERT_ROLE}",
    f"GRANT UPDATE (stage, status, updated_at) ON deals TO {REP_ROLE}, {EXPERT_ROLE}",
    f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {REP_ROLE}, {EXPERT_ROLE}",
    f"GRANT INSERT, UPDATE ON {', '.join(_EXPERT_WRITE)} TO {EXPERT_ROLE}",
    f"GRANT UPDATE ON suggestions, gaps TO {EXPERT_ROLE}",
)


class TeamServerError(ValueError):
    """The URL is not a PostgreSQL server, or a member/role request is invalid."""


@dataclass(frozen=True)
class ServerStatus:
    url: str
    revision: str
    members: dict[str, str]
    items: int
    log_entries: int
    deals: int
    open_gaps: int
    open_suggestions: int


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise TeamServerError(f"{url!r}: a team server must be PostgreSQL (postgresql+psycopg://…)")
    return engine


def init(url: str) -> ServerStatus:
    """Bring the schema to head, create the group roles and apply the GRANTs (idempotent)."""
    engine = _engine(url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            for role in (REP_ROLE, EXPERT_ROLE):
                exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
                if not exists:
                    conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            for grant in GRANTS:
                conn.execute(text(grant))
    finally:
        engine.dispose()
    return status(url)


def _check_name(name: str) -> str:
    if not name or not name.replace("_", "").replace("-", "").replace(".", "").isalnum() or len(name) > 60:
        raise TeamServerError(f"member name {name!r}: use letters, digits, '.', '_' or '-' (at most 60)")
    return name


def add_member(url: str, name: str, role: str, password: str) -> None:
    """Create (or re-password) a LOGIN role for one laptop user, member of the group for ``role``."""
    if role not in ROLES:
        raise TeamServerError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    _check_name(name)
    engine = _engine(url)
    try:
        with engine.begin() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first()
            verb = "ALTER" if exists else "CREATE"
            # Identifiers cannot be bound parameters; the name is checked above, the password quoted.
            quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar()
            conn.execute(text(f'{verb} ROLE "{name}" LOGIN PASSWORD {quoted}'))
            for other in ROLES.values():
                conn.execute(text(f'REVOKE {other} FROM "{name}"'))
            conn.execute(text(f'GRANT {ROLES[role]} TO "{name}"'))
    finally:
        engine.dispose()


def status(url: str) -> ServerStatus:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
            members = {
                name: group.removeprefix("ea_")
                for name, group in conn.execute(text(
                    "SELECT m.rolname, g.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member "
                    "JOIN pg_roles g ON g.oid = a.roleid WHERE g.rolname IN ('ea_rep', 'ea_expert') ORDER BY 1"))
            }

            def count(model, *where) -> int:  # type: ignore[no-untyped-def]
                return conn.execute(select(func.count()).select_from(model).where(*where)).scalar() or 0

            return ServerStatus(
                url=engine.url.render_as_string(hide_password=True), revision=revision, members=members,
                items=count(Item), log_entries=count(AnswerLogEntry), deals=count(Deal),
                open_gaps=count(Gap, Gap.status == "open"),
                open_suggestions=count(Suggestion, Suggestion.status == "open"),
            )
    finally:
        engine.dispose()
