"""What PostgreSQL itself enforces on the team server: GRANTs, row-level security and stamping.

A laptop's claims are never trusted. A member signs in with their own LOGIN role, a member of
``ea_rep`` or ``ea_expert``, and the server decides the rest, as Supabase's row-level security
policies and CouchDB's ``validate_doc_update`` do:

- **Identity from the session.** BEFORE triggers overwrite the author column of every row a member
  sends (``answer_log.rep``, ``deals.owner``, ``gaps.by``, ``suggestions.by``,
  ``item_versions.saved_by``, ``shared_files.updated_by``) with ``session_user``, and the decision
  columns (``decided_by``) of a decision. Whatever name a laptop (or ``psql``) claims, the row
  carries the member who signed in. ``session_user``, not ``current_user``: a member may
  ``SET ROLE ea_rep``, but only a superuser can change the session's user.
- **Permission per row.** A rep may insert log entries, stage moves and stakeholders only for deals
  they own and change only their own deals; only experts see drafts, publish, unpublish or archive,
  and decide suggestions and gaps — each decision once (a decided row is no longer updatable).
  No member may UPDATE or DELETE history (log, stage events, item versions, stakeholders).
- **Time from the server.** A deal's ``updated_at`` is clamped to the server's clock, so a laptop
  cannot freeze a deal by dating its change in the future.

The database owner (the team admin) is not a member: superusers and the owner bypass row-level
security, so ``kb server init`` and back-office loads keep working.
"""

from __future__ import annotations

REP_ROLE, EXPERT_ROLE = "ea_rep", "ea_expert"
MEMBERS = f"{REP_ROLE}, {EXPERT_ROLE}"

_READ = ("items", "item_versions", "journey_stages", "deals", "stage_events", "stakeholders",
         "answer_log", "answer_log_items", "gaps", "suggestions", "shared_files", "shared_vectors",
         "alembic_version")

GRANTS: tuple[str, ...] = (
    f"GRANT USAGE ON SCHEMA public TO {MEMBERS}",
    # Start from nothing, so a re-run of `kb server init` also takes back what an older version granted.
    f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {MEMBERS}",
    f"GRANT SELECT ON {', '.join(_READ)} TO {MEMBERS}",
    f"GRANT INSERT ON answer_log, answer_log_items, gaps, suggestions, deals, stage_events, stakeholders "
    f"TO {MEMBERS}",
    f"GRANT UPDATE (name, account, stage, status, updated_at) ON deals TO {MEMBERS}",
    f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {MEMBERS}",
    f"GRANT INSERT, UPDATE ON items, journey_stages, shared_files TO {EXPERT_ROLE}",
    f"GRANT INSERT ON item_versions, shared_vectors TO {EXPERT_ROLE}",
    f"GRANT UPDATE (status, decided_by, decided_at, decision_note, applied_version) ON suggestions "
    f"TO {EXPERT_ROLE}",
    f"GRANT UPDATE (status, answered_by, resolved_at, decided_by) ON gaps TO {EXPERT_ROLE}",
)

FUNCTIONS: tuple[str, ...] = (
    # A team member signed in (not the admin): only their rows are stamped and policed.
    f"""CREATE OR REPLACE FUNCTION ea_is_member() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT NOT r.rolsuper AND (pg_has_role(session_user, '{REP_ROLE}', 'MEMBER')
                                   OR pg_has_role(session_user, '{EXPERT_ROLE}', 'MEMBER'))
        FROM pg_roles r WHERE r.rolname = session_user $$""",
    f"""CREATE OR REPLACE FUNCTION ea_is_expert() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT pg_has_role(session_user, '{EXPERT_ROLE}', 'MEMBER') $$""",
    # Does the signed-in member own this deal?
    """CREATE OR REPLACE FUNCTION ea_owns_deal(deal text) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM deals d WHERE d.id = deal AND d.owner = session_user) $$""",
    # BEFORE INSERT: the author column named by the trigger's argument becomes the signed-in member.
    """CREATE OR REPLACE FUNCTION ea_stamp_author() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ea_is_member() THEN
            NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], session_user));
          END IF;
          RETURN NEW;
        END $$""",
    # BEFORE UPDATE of a decision (suggestion or gap): who decided is the signed-in expert.
    """CREATE OR REPLACE FUNCTION ea_stamp_decision() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ea_is_member() AND NEW.status IS DISTINCT FROM OLD.status THEN
            NEW.decided_by := session_user;
          END IF;
          RETURN NEW;
        END $$""",
    # Deals: the server's clock bounds updated_at (a future date would freeze the deal).
    """CREATE OR REPLACE FUNCTION ea_clamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.updated_at := LEAST(NEW.updated_at, (now() AT TIME ZONE 'UTC')::timestamp);
          RETURN NEW;
        END $$""",
)

#: (table, trigger name, timing/event, function call)
TRIGGERS: tuple[tuple[str, str, str, str], ...] = (
    ("answer_log", "ea_author", "BEFORE INSERT", "ea_stamp_author('rep')"),
    ("deals", "ea_author", "BEFORE INSERT", "ea_stamp_author('owner')"),
    ("deals", "ea_clock", "BEFORE INSERT OR UPDATE", "ea_clamp_updated_at()"),
    ("gaps", "ea_author", "BEFORE INSERT", "ea_stamp_author('by')"),
    ("gaps", "ea_decision", "BEFORE UPDATE", "ea_stamp_decision()"),
    ("suggestions", "ea_author", "BEFORE INSERT", "ea_stamp_author('by')"),
    ("suggestions", "ea_decision", "BEFORE UPDATE", "ea_stamp_decision()"),
    ("item_versions", "ea_author", "BEFORE INSERT", "ea_stamp_author('saved_by')"),
    ("shared_files", "ea_author", "BEFORE INSERT OR UPDATE", "ea_stamp_author('updated_by')"),
    ("shared_vectors", "ea_author", "BEFORE INSERT", "ea_stamp_author('by')"),
)

_OWNED_DEAL = "(deal_id IS NULL OR ea_owns_deal(deal_id))"

#: (table, policy name, command, USING, WITH CHECK); None leaves that clause out.
POLICIES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("deals", "ea_read", "SELECT", "true", None),
    ("deals", "ea_insert_own", "INSERT", None, "owner = session_user"),
    ("deals", "ea_update_own", "UPDATE", "owner = session_user", "owner = session_user"),
    ("stage_events", "ea_read", "SELECT", "true", None),
    ("stage_events", "ea_insert_own", "INSERT", None, "ea_owns_deal(deal_id)"),
    ("stakeholders", "ea_read", "SELECT", "true", None),
    ("stakeholders", "ea_insert_own", "INSERT", None, "ea_owns_deal(deal_id)"),
    ("answer_log", "ea_read", "SELECT", "true", None),
    ("answer_log", "ea_insert_own", "INSERT", None, f"rep = session_user AND {_OWNED_DEAL}"),
    ("answer_log_items", "ea_read", "SELECT", "true", None),
    ("answer_log_items", "ea_insert_own", "INSERT", None,
     "EXISTS (SELECT 1 FROM answer_log e WHERE e.id = entry_id AND e.rep = session_user)"),
    ("gaps", "ea_read", "SELECT", "true", None),
    ("gaps", "ea_insert_own", "INSERT", None, f"by = session_user AND status = 'open' AND {_OWNED_DEAL}"),
    ("gaps", "ea_decide_once", "UPDATE", "status = 'open' AND ea_is_expert()", "decided_by = session_user"),
    ("suggestions", "ea_read", "SELECT", "true", None),
    ("suggestions", "ea_insert_own", "INSERT", None, "by = session_user AND status = 'open'"),
    ("suggestions", "ea_decide_once", "UPDATE", "status = 'open' AND ea_is_expert()",
     "decided_by = session_user"),
    # Reps see what they may answer with; drafts (an unpublished item included) only experts.
    ("items", "ea_read", "SELECT", "status IN ('published', 'archived') OR ea_is_expert()", None),
    ("items", "ea_expert_insert", "INSERT", None, "ea_is_expert()"),
    ("items", "ea_expert_update", "UPDATE", "ea_is_expert()", "ea_is_expert()"),
    ("item_versions", "ea_read", "SELECT", "EXISTS (SELECT 1 FROM items i WHERE i.id = item_id)", None),
    ("item_versions", "ea_expert_insert", "INSERT", None, "ea_is_expert()"),
)


def statements() -> list[str]:
    """Every statement, idempotent, in order: re-running ``kb server init`` converges."""
    out = [*GRANTS, *FUNCTIONS]
    for table, name, when, call in TRIGGERS:
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        out.append(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {call}")
    for table in dict.fromkeys(t for t, *_ in POLICIES):
        out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, using, check in POLICIES:
        out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {MEMBERS}"
        sql += f" USING ({using})" if using else ""
        sql += f" WITH CHECK ({check})" if check else ""
        out.append(sql)
    return out
