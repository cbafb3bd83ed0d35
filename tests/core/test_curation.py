"""Curation: roles enforced in the core, versions with diff/restore, verify and the stale list,
gap → answer, the suggestion queue, and content-folder sync that never overwrites an edit."""

from __future__ import annotations

from indexer.app.content import open_home
from indexer.app import search as app_search
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kb.models import Item, ItemVersion, Suggestion
from kb.records import ItemRecord
from kb.services import curation, markdown_folder, gaps, suggestions, versions
from kb.services.items import get_item
from kb.services.roles import Actor, PermissionDenied, resolve_actor
from kb.store import Store

from tests.core.conftest import QA, write

EXPERT = Actor("Priya", "expert")
REP = Actor("Sam", "rep")


def sso(**changes: object) -> ItemRecord:
    base = ItemRecord(
        id="sec-sso", kind="qa", title="Do you support SSO?", body="Yes, SAML 2.0.", phrasings=("Okta login?",),
        area="security", tags=("sso",), stages=("consideration",), owner="Priya", verified_on=date(2026, 1, 10),
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# -- roles ------------------------------------------------------------------------------------------
def test_a_reps_direct_save_is_refused_and_nothing_is_stored(store: Store) -> None:
    with pytest.raises(PermissionDenied, match="Sam is a rep.*Suggest the change instead"), store.session() as s:
        curation.save_item(s, sso(), REP)
    assert count(store, Item) == count(store, ItemVersion) == 0
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
    for action in (
        lambda s: curation.verify(s, "sec-sso", REP),
        lambda s: curation.archive(s, "sec-sso", REP),
        lambda s: curation.save_item(s, sso(body="Rep rewrite"), REP),
        lambda s: versions.restore_version(s, "sec-sso", 1, REP),
    ):
        with pytest.raises(PermissionDenied), store.session() as s:
            action(s)
    with store.session() as s:
        assert get_item(s, "sec-sso").version == 1  # type: ignore[union-attr]


def test_actor_comes_from_arguments_then_environment() -> None:
    env = {"EXPERT_ANSWERS_USER": "dana", "EXPERT_ANSWERS_ROLE": "rep"}
    assert resolve_actor(environ=env, default_role="expert") == Actor("dana", "rep")
    assert resolve_actor("lee", "expert", environ=env) == Actor("lee", "expert")
    assert resolve_actor(environ={}).role == "rep"  # least privilege unless the caller says otherwise
    with pytest.raises(ValueError, match="unknown role"):
        resolve_actor(role="admin", environ={})


def test_a_suggestion_is_queued_then_accepted_by_an_expert_as_a_version(store: Store) -> None:
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        sug = suggestions.suggest_edit(s, sso(body="Yes, SAML 2.0 and OIDC."), REP, note="prospect asked for OIDC")
        new = suggestions.suggest_edit(s, sso(id="sec-scim", title="SCIM?", body="Yes."), REP)
    assert (sug.item_id, sug.base_version, new.is_new_item) == ("sec-sso", 1, True)
    with store.session() as s:
        assert get_item(s, "sec-sso").body == "Yes, SAML 2.0."  # type: ignore[union-attr]  # untouched until accepted
        assert [q.id for q in suggestions.list_suggestions(s)] == [sug.id, new.id]
        assert "+Yes, SAML 2.0 and OIDC." in suggestions.suggestion_diff(s, sug.id)
        with pytest.raises(PermissionDenied):
            suggestions.accept_suggestion(s, sug.id, REP)
    with store.session() as s:
        decided, item = suggestions.accept_suggestion(s, sug.id, EXPERT)
        suggestions.reject_suggestion(s, new.id, EXPERT, note="not yet")
        history = versions.list_versions(s, "sec-sso")
    assert (decided.status, decided.decided_by, decided.applied_version) == ("accepted", "Priya", 2)
    assert item.body == "Yes, SAML 2.0 and OIDC." and item.version == 2
    assert history[-1].saved_by == "Priya (suggestion #1 by Sam)"
    with store.session() as s:
        assert get_item(s, "sec-scim") is None
        assert suggestions.list_suggestions(s) == []


def test_accepting_an_outdated_suggestion_needs_force(store: Store) -> None:
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        sug = suggestions.suggest_edit(s, sso(body="Rep's text"), REP)
        curation.save_item(s, sso(body="Expert's newer text"), EXPERT)
    with pytest.raises(suggestions.SuggestionOutdated, match="v1 → v2"), store.session() as s:
        suggestions.accept_suggestion(s, sug.id, EXPERT)
    with store.session() as s:
        assert suggestions.accept_suggestion(s, sug.id, EXPERT, force=True)[1].body == "Rep's text"


# -- versions ---------------------------------------------------------------------------------------
def test_an_edit_makes_version_2_with_the_expected_diff(store: Store) -> None:
    with store.session() as s:
        first = curation.save_item(s, sso(), EXPERT)
        edit = sso(body="Yes, SAML 2.0 and OIDC.", tags=("sso", "oidc"))
        second = curation.save_item(s, edit, Actor("Marcus", "expert"), base_version=first.version)
        history = versions.list_versions(s, "sec-sso")
        diff = versions.diff_versions(s, "sec-sso", 1, 2)
    assert second.version == 2
    assert [(v.version, v.saved_by, v.current) for v in history] == [(1, "Priya", False), (2, "Marcus", True)]
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-Yes, SAML 2.0."]
    assert added == ["+- oidc", "+Yes, SAML 2.0 and OIDC."]
    assert diff.startswith(f"--- sec-sso v1 (Priya, {history[0].saved_at:%Y-%m-%d %H:%M})")
    assert "+++ sec-sso v2 (Marcus," in diff


def test_saving_over_a_newer_version_is_refused(store: Store) -> None:
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        curation.save_item(s, sso(body="Marcus was here"), Actor("Marcus", "expert"), base_version=1)
    with pytest.raises(curation.EditConflict, match="by Marcus.*you edited v1, it is now v2"), store.session() as s:
        curation.save_item(s, sso(body="Priya's stale edit"), EXPERT, base_version=1)


def test_restore_adds_a_version_and_keeps_history(store: Store) -> None:
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        curation.save_item(s, sso(body="Second"), EXPERT)
        curation.save_item(s, sso(body="Third", status="draft"), EXPERT)
        restored = versions.restore_version(s, "sec-sso", 1, Actor("Marcus", "expert"))
        history = versions.list_versions(s, "sec-sso")
        assert versions.diff_versions(s, "sec-sso", 1, 4) == ""
        assert versions.version_record(s, "sec-sso", 2).body == "Second"
        with pytest.raises(KeyError, match="no version 9"):
            versions.version_record(s, "sec-sso", 9)
    assert (restored.version, restored.body, restored.status) == (4, "Yes, SAML 2.0.", "published")
    assert [v.version for v in history] == [1, 2, 3, 4] and history[-1].saved_by == "Marcus"


# -- verify and stale -------------------------------------------------------------------------------
def test_verify_is_a_versioned_save_and_the_stale_list_is_oldest_first(store: Store) -> None:
    today = date(2026, 12, 1)
    with store.session() as s:
        for rid, owner, verified, days in (
            ("fresh", "Priya", date(2026, 11, 1), 180), ("due-june", "Priya", date(2025, 12, 1), 180),
            ("due-march", "Marcus", date(2025, 9, 1), 180), ("never", "Marcus", None, 180),
            ("short", "priya", date(2026, 10, 1), 30),
        ):  # fmt: skip
            curation.save_item(s, sso(id=rid, owner=owner, verified_on=verified, review_days=days), EXPERT)
        curation.save_item(s, sso(id="gone", verified_on=None, status="archived"), EXPERT)
        order = [x.id for x in curation.stale_list(s, today=today)]
        by_priya = [x.id for x in curation.stale_list(s, "PRIYA", today=today)]
        overdue = {x.id: x.days_overdue for x in curation.stale_list(s, today=today)}
        verified = curation.verify(s, "due-march", EXPERT, on=today)
        after = [x.id for x in curation.stale_list(s, today=today)]
    assert order == ["never", "due-march", "due-june", "short"]
    assert by_priya == ["due-june", "short"]
    assert overdue == {"never": None, "due-march": 276, "due-june": 185, "short": 31}
    assert (verified.verified_on, verified.version) == (today, 2)
    assert after == ["never", "due-june", "short"]


# -- gap → answer -----------------------------------------------------------------------------------
def test_gap_draft_prefills_a_new_qa(store: Store) -> None:
    with store.session() as s:
        curation.save_item(s, sso(id="can-we-host-in-the-eu"), EXPERT)
        gap = gaps.add_gap(s, "Can we   host in the EU?", stage="decision")
        odd = gaps.add_gap(s, "Any discount for NGOs?", stage="unknown")
        draft = curation.answer_gap_draft(s, gap.id)
        assert curation.answer_gap_draft(s, odd.id).stages == ()
    assert (draft.id, draft.kind, draft.title, draft.phrasings, draft.stages, draft.body) == (
        "can-we-host-in-the-eu-2", "qa", "Can we host in the EU?", ("Can we host in the EU?",), ("decision",), ""
    )


def test_gap_to_item_closes_the_gap_and_search_finds_its_wording(tmp_path: Path) -> None:
    from indexer.app.curation import Curation
    from indexer.app.workspace import SEED_NONE, Workspace

    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    try:
        cur = Curation(ws, EXPERT)
        cur.save(sso())
        with ws.store.session() as s:
            gap = gaps.add_gap(s, "Is there a sandbox for our proof of concept?", stage="consideration")
        draft = cur.gap_draft(gap.id)
        with pytest.raises(PermissionDenied):
            Curation(ws, REP).answer_gap(gap.id, replace(draft, body="Yes."))
        saved = cur.answer_gap(gap.id, replace(draft, title="Do you offer trial sandboxes?",
                                               phrasings=(), body="Yes: a full sandbox for 30 days.")).value  # fmt: skip
        with ws.store.session() as s:
            (closed,) = gaps.list_gaps(s, status="answered")
        assert (closed.id, closed.answered_by) == (gap.id, saved.id)
        assert saved.phrasings == ("Is there a sandbox for our proof of concept?",)  # the prospect's wording kept
        assert saved.owner == "Priya"
        assert app_search.search(ws, "sandbox for our proof of concept").ids()[0] == saved.id
        with pytest.raises(gaps.GapError, match="already answered"):
            cur.gap_draft(gap.id)
    finally:
        ws.close()


def test_curation_writes_reach_the_search_index(tmp_path: Path) -> None:
    from indexer.app.curation import Curation
    from indexer.app.workspace import SEED_NONE, Workspace

    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    try:
        cur = Curation(ws, EXPERT)
        cur.save(sso(body="Yes, SAML 2.0."))
        cur.save(sso(body="Yes, with passkeys too."))
        assert app_search.search(ws, "passkeys").ids() == ["sec-sso"]
        assert [h.id for h in cur.similar("Can I sign in with passkeys?")] == ["sec-sso"]  # the duplicate guard
        assert cur.similar("Can I sign in with passkeys?", exclude="sec-sso") == []
        cur.restore("sec-sso", 1)
        assert app_search.search(ws, "passkeys").ids() == []
        cur.set_status("sec-sso", "archived")
        assert app_search.search(ws, "SSO").ids() == []
    finally:
        ws.close()


# -- content as files -------------------------------------------------------------------------------
def qa_file(root: Path, question: str, *, name: str = "sso.md", id: str = "sec-sso") -> Path:
    return write(root / "qa" / name, QA.format(id=id, question=question))


def test_sync_imports_new_and_changed_files_and_export_writes_back(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    qa_file(root, "Do you support SSO?")
    with store.session() as s:
        first = markdown_folder.sync_files(s, root, EXPERT)
        again = markdown_folder.sync_files(s, root, EXPERT)
    assert [(e.item_id, e.action) for e in first.entries] == [("sec-sso", "created")]
    assert [e.action for e in again.entries] == ["unchanged"]
    qa_file(root, "Do you support SSO and SCIM?")
    with store.session() as s:
        changed = markdown_folder.sync_files(s, root, EXPERT)
        assert get_item(s, "sec-sso").title == "Do you support SSO and SCIM?"  # type: ignore[union-attr]
        curation.verify(s, "sec-sso", EXPERT, on=date(2026, 12, 1))
        behind = markdown_folder.sync_files(s, root, EXPERT)
        exported = markdown_folder.export_folder(s, root)
    assert changed.changed_ids == ("sec-sso",) and changed.entries[0].action == "updated"
    assert behind.entries[0].action == "behind"  # the app's newer edit is not undone by the old file
    assert [(e.path, e.action) for e in exported.entries] == [("qa/sso.md", "written")]  # its own file, not a copy
    assert "verified_on: 2026-12-01" in (root / "qa" / "sso.md").read_text()
    with pytest.raises(PermissionDenied), store.session() as s:
        markdown_folder.sync_files(s, root, REP)


def test_a_conflicting_file_edit_is_reported_and_both_versions_are_kept(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    path = qa_file(root, "Do you support SSO?")
    with store.session() as s:
        markdown_folder.sync_files(s, root, EXPERT)
        synced = get_item(s, "sec-sso")
        assert synced is not None
        app = curation.save_item(s, replace(synced, title="Do you support SSO (app edit)?"), EXPERT)
    qa_file(root, "Do you support SSO (file edit)?")
    file_text = path.read_text()
    with store.session() as s:
        report = markdown_folder.sync_files(s, root, EXPERT)
        again = markdown_folder.sync_files(s, root, EXPERT)
    (conflict,) = report.conflicts
    assert conflict.item_id == "sec-sso" and not report.ok
    assert "both changed" in conflict.detail and f"suggestion #{conflict.suggestion_id}" in conflict.detail
    assert again.conflicts[0].suggestion_id == conflict.suggestion_id and count(store, Suggestion) == 1
    with store.session() as s:
        assert get_item(s, "sec-sso").title == "Do you support SSO (app edit)?"  # type: ignore[union-attr]  # app kept
        queued = suggestions.get_suggestion(s, conflict.suggestion_id)  # type: ignore[arg-type]
        assert queued.proposed.title == "Do you support SSO (file edit)?"  # file's version kept
        assert queued.base_version == app.version
        blocked = markdown_folder.export_folder(s, root)
    assert path.read_text() == file_text  # export does not overwrite the file while the conflict is open
    assert [e.action for e in blocked.entries] == ["skipped"] and "suggestion #" in blocked.entries[0].detail
    with store.session() as s:  # the expert decides: the app wins, so export may now write the file
        suggestions.reject_suggestion(s, conflict.suggestion_id, EXPERT)  # type: ignore[arg-type]
        assert [e.action for e in markdown_folder.export_folder(s, root).entries] == ["written"]
        assert [e.action for e in markdown_folder.sync_files(s, root, EXPERT).entries] == ["unchanged"]
    assert "(app edit)" in path.read_text()


def test_edits_to_different_fields_merge(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    path = qa_file(root, "Do you support SSO?")
    with store.session() as s:
        markdown_folder.sync_files(s, root, EXPERT)
        curation.verify(s, "sec-sso", EXPERT, on=date(2026, 12, 1))  # app changes verified_on
    path.write_text(path.read_text().replace("Yes, SAML 2.0 on every edition.", "Yes, SAML 2.0 and OIDC."))
    with store.session() as s:
        (entry,) = markdown_folder.sync_files(s, root, EXPERT).entries
        item = get_item(s, "sec-sso")
    assert entry.action == "merged" and "body" in entry.detail
    assert (item.body, item.verified_on) == ("Yes, SAML 2.0 and OIDC.", date(2026, 12, 1))  # type: ignore[union-attr]


def test_export_never_overwrites_file_edits_the_app_lacks(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        markdown_folder.export_folder(s, root)
    path = root / "qa" / "security" / "sec-sso.md"
    path.write_text(path.read_text().replace("Yes, SAML 2.0.", "Edited in git, not yet synced."))
    with store.session() as s:
        report = markdown_folder.export_folder(s, root)
    assert [e.action for e in report.entries] == ["skipped"] and "kb sync-files" in report.entries[0].detail
    assert "Edited in git" in path.read_text()


def test_a_folder_never_synced_respects_app_edits(store: Store, tmp_path: Path) -> None:
    from kb.importing import import_path

    root = tmp_path / "content"
    qa_file(root, "Imported once?", name="a.md", id="a")
    qa_file(root, "Imported then edited in the app?", name="b.md", id="b")
    import_path(store, root)  # a bulk import leaves no sync state
    with store.session() as s:
        curation.save_item(s, replace(get_item(s, "b"), body="App answer"), EXPERT)  # type: ignore[arg-type]
    qa_file(root, "Imported once, edited in git?", name="a.md", id="a")
    qa_file(root, "Edited in git too?", name="b.md", id="b")
    with store.session() as s:
        actions = {e.item_id: e.action for e in markdown_folder.sync_files(s, root, EXPERT).entries}
        assert get_item(s, "b").body == "App answer"  # type: ignore[union-attr]
    assert actions == {"a": "updated", "b": "conflict"}


def test_export_carries_an_archive_into_the_folder_instead_of_dropping_the_file(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    with store.session() as s:
        curation.save_item(s, sso(), EXPERT)
        curation.save_item(s, sso(id="never-exported", status="archived"), EXPERT)
        markdown_folder.export_folder(s, root)
        curation.archive(s, "sec-sso", EXPERT)
        report = markdown_folder.export_folder(s, root)
    assert [(e.item_id, e.action) for e in report.entries] == [("sec-sso", "written")]
    assert "status: archived" in (root / "qa" / "security" / "sec-sso.md").read_text()


def test_accepting_a_file_conflict_lets_the_file_win_and_a_lost_file_is_reported(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    path = qa_file(root, "Do you support SSO?")
    with store.session() as s:
        markdown_folder.sync_files(s, root, EXPERT)
        curation.save_item(s, replace(get_item(s, "sec-sso"), body="App body"), EXPERT)  # type: ignore[arg-type]
    path.write_text(path.read_text().replace("Yes, SAML 2.0 on every edition.", "File body"))
    with store.session() as s:
        (conflict,) = markdown_folder.sync_files(s, root, EXPERT).conflicts
        _, item = suggestions.accept_suggestion(s, conflict.suggestion_id, EXPERT)  # type: ignore[arg-type]
        assert (item.body, item.version) == ("File body", 3)
        assert [e.action for e in markdown_folder.sync_files(s, root, EXPERT).entries] == ["unchanged"]
    path.unlink()
    with store.session() as s:
        (gone,) = markdown_folder.sync_files(s, root, EXPERT).entries
        assert (gone.action, gone.path) == ("missing", "qa/sso.md")
        assert get_item(s, "sec-sso").status == "published"  # type: ignore[union-attr]


def test_submit_decides_experts_save_and_reps_suggest(tmp_path: Path) -> None:
    """The editor's Save rule lives in the application layer, for every front end."""
    from indexer.app.curation import Curation, SuggestionRecord
    from indexer.app.workspace import SEED_NONE

    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    try:
        saved = Curation(ws, EXPERT).submit(sso(), new=True).value
        assert not isinstance(saved, SuggestionRecord) and saved.version == 1
        suggested = Curation(ws, REP).submit(replace(saved, body="Also with passkeys."), base_version=1).value
        assert isinstance(suggested, SuggestionRecord) and suggested.status == "open"
        assert app_search.get_item(ws, saved.id).version == 1  # a rep's save never changes the item
    finally:
        ws.close()
