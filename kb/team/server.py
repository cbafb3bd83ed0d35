"""Prepare and inspect the team's PostgreSQL database; add members with their own roles.

What a member may do is enforced by PostgreSQL itself (GRANTs, row-level security and stamping
triggers: :mod:`kb.team.policies`), so a member's credentials used straight in ``psql`` can do no
more than the app lets them. This module creates the group roles, applies those statements, and
manages members: a member's password never crosses the wire in plain text (libpq computes the
SCRAM verifier on this side), and only roles that are team members can be (re)created here.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql as psql
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import OperationalError

from kb.db import make_engine, upgrade
from kb.models import AnswerLogEntry, Deal, Gap, Item, Suggestion
from kb.team.policies import EXPERT_ROLE, REP_ROLE, statements

ROLES = {"rep": REP_ROLE, "expert": EXPERT_ROLE}
GRANTS = tuple(statements())


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


class AdminPasswordNeeded(TeamServerError):
    """The server asks the admin for a password that neither the URL, PGPASSWORD nor .pgpass gave."""


def _engine(url: str, password: str | None = None) -> Engine:
    engine = make_engine(url, connect_args={"password": password} if password else None)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise TeamServerError(f"{engine.url.render_as_string()}: a team server must be PostgreSQL "
                              "(postgresql+psycopg://…)")
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = " ".join(str(exc.orig).split())
        who = engine.url.username or "the admin"
        if "no password supplied" in reason:
            raise AdminPasswordNeeded(f"{engine.url.render_as_string()}: the server asks for {who}'s password; "
                                      "set PGPASSWORD or add a ~/.pgpass line (or type it when asked)") from exc
        raise TeamServerError(f"cannot sign in to {engine.url.render_as_string()} as {who}: {reason}") from exc
    return engine


def init(url: str, password: str | None = None) -> ServerStatus:
    """Bring the schema to head, create the group roles, apply the GRANTs, row-level security
    policies and stamping triggers (idempotent: a re-run also upgrades an older server's rules)."""
    engine = _engine(url, password)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            for role in (REP_ROLE, EXPERT_ROLE):
                exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
                if not exists:
                    conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            # Repair what an older add-member could do to the groups themselves (`add-member URL
            # ea_rep --role expert` made every rep an expert, and gave the group a login).
            conn.execute(text(f"ALTER ROLE {REP_ROLE} NOLOGIN PASSWORD NULL"))
            conn.execute(text(f"ALTER ROLE {EXPERT_ROLE} NOLOGIN PASSWORD NULL"))
            conn.execute(text(f"REVOKE {EXPERT_ROLE} FROM {REP_ROLE}"))
            conn.execute(text(f"REVOKE {REP_ROLE} FROM {EXPERT_ROLE}"))
            for statement in GRANTS:
                conn.execute(text(statement))
        return _status(engine)
    finally:
        engine.dispose()


def _check_name(name: str) -> str:
    if not name or not name.replace("_", "").replace("-", "").replace(".", "").isalnum() or len(name) > 60:
        raise TeamServerError(f"member name {name!r}: use letters, digits, '.', '_' or '-' (at most 60)")
    return name


def member_role(conn: Connection, name: str) -> str | None:
    """``rep`` or ``expert`` for a team member's role, None for any other role (or none)."""
    row = conn.execute(text(
        "SELECT r.rolsuper, r.rolcanlogin, pg_has_role(r.oid, :expert, 'MEMBER') AS expert, pg_has_role(r.oid, :rep, 'MEMBER') AS rep "
        "FROM pg_roles r WHERE r.rolname = :name"), {"name": name, "expert": EXPERT_ROLE, "rep": REP_ROLE}).first()
    if row is None or row.rolsuper or not row.rolcanlogin or name in ROLES.values():
        return None
    return "expert" if row.expert else "rep" if row.rep else None


def add_member(url: str, name: str, role: str, password: str, *, admin_password: str | None = None) -> None:
    """Create a LOGIN role for one laptop user, member of the group for ``role``; for an existing
    member, set the new role and password. Any other existing role (``postgres``, the group roles,
    a superuser, an application's own login) is refused: adding a member must never re-password it."""
    if role not in ROLES:
        raise TeamServerError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    _check_name(name)
    if not password:
        raise TeamServerError(f"member {name}: the password is empty")
    engine = _engine(url, admin_password)
    try:
        with engine.begin() as conn:
            exists = conn.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": name}).first()
            if exists is not None and member_role(conn, name) is None:
                raise TeamServerError(f"{name!r} is an existing role of this server that is not a team member "
                                      "(a superuser, a group or another application's login); pick another name")
            # The verifier is computed here by libpq: the password itself never reaches the server,
            # so it cannot show up in the server's log (log_statement=ddl) or pg_stat_activity.
            raw = conn.connection.driver_connection
            verifier = raw.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
            verb = "ALTER" if exists else "CREATE"
            with raw.cursor() as cur:  # identifiers cannot be bound parameters: psycopg quotes them
                cur.execute(psql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                    psql.SQL(verb), psql.Identifier(name), psql.Literal(verifier)))
            for other in ROLES.values():
                conn.execute(text(f'REVOKE {other} FROM "{name}"'))
            conn.execute(text(f'GRANT {ROLES[role]} TO "{name}"'))
    finally:
        engine.dispose()


def remove_member(url: str, name: str, *, admin_password: str | None = None) -> None:
    """Drop a member's login (what a benchmark or a departing member leaves must not stay a login).

    Rows they wrote stay (history); only a team member's role can be dropped here."""
    _check_name(name)
    engine = _engine(url, admin_password)
    try:
        with engine.begin() as conn:
            if member_role(conn, name) is None:
                raise TeamServerError(f"{name!r} is not a team member of this server")
            conn.execute(text(f'DROP ROLE "{name}"'))
    finally:
        engine.dispose()


def status(url: str, password: str | None = None) -> ServerStatus:
    engine = _engine(url, password)
    try:
        return _status(engine)
    finally:
        engine.dispose()


def _status(engine: Engine) -> ServerStatus:
    if True:
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
