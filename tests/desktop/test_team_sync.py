"""The app on a team: Sync now from the Team menu, the status indicator, the Insight window over the
team's data, and an unreachable server shown as offline — against a real PostgreSQL server."""

from __future__ import annotations

from tests.items import save_item
from pathlib import Path

from desktop_helpers import ask, choose_no_deal, visible_ids

from indexer.app import insight
from indexer.app import team_sync as app_sync
from indexer.app.workspace import Workspace
from tests.team.conftest import member_url, pg_url, unique  # noqa: F401  (pg_url is a fixture)
from tests.team.helpers import join_home, qa

WAIT = 60_000


def _join(workspace: Workspace, url: str, role: str = "rep") -> str:
    member = unique("desk")
    app_sync.add_member(url, member, role, "pw")
    app_sync.join(workspace, member_url(url, member), member, role, "pw", keep_local=True)
    return member


def test_sync_now_brings_the_experts_answer_and_sends_the_reps_log(qtbot, window, workspace, pg_url, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    app_sync.init_server(pg_url)
    expert, _ = join_home(tmp_path, pg_url, "expert", "expert")
    save_item(expert, qa("nfc-badges", "Can reps scan NFC badges at trade fairs?",
                        "Yes: the mobile app reads NFC badges and creates the lead on the spot."))  # fmt: skip
    app_sync.sync_home(expert)
    member = _join(workspace, pg_url)

    team = window.team
    with qtbot.waitSignal(team.statusChanged, timeout=WAIT):
        team.refresh_status()
    assert team.label.isVisible() and team.label.text().startswith("Team: never synced")

    with qtbot.waitSignal(team.synced, timeout=WAIT) as synced:
        team.sync_action.trigger()
    assert "nfc-badges" in synced.args[0].changed_item_ids
    choose_no_deal(qtbot, window)
    ask(qtbot, window, "scan NFC badges at trade fairs")
    assert visible_ids(window)[0] == "nfc-badges"  # pulled, reindexed, found: no rebuild, no restart

    with qtbot.waitSignal(window.logged, timeout=WAIT):
        window.commands.log_answered.trigger()
    qtbot.waitUntil(lambda: "1 to send" in team.label.text(), timeout=WAIT)

    with qtbot.waitSignal(team.synced, timeout=WAIT):
        team.sync_action.trigger()
    qtbot.waitUntil(lambda: "synced just now" in team.label.text() and "to send" not in team.label.text(),
                    timeout=WAIT)  # fmt: skip
    rows = insight.report(expert, "questions", team=True, limit=None)
    asked = [(q.question, q.count) for stage in rows.values() for q in stage]
    assert ("scan NFC badges at trade fairs", 1) in asked, asked
    assert member in app_sync.server_status(pg_url).members
    expert.close()


def test_the_insight_window_reports_over_the_whole_team(qtbot, window, workspace, pg_url, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop.journey.insight_view import InsightWindow

    app_sync.init_server(pg_url)
    rep, rep_name = join_home(tmp_path, pg_url, "other_rep", "rep")
    save_item(rep, qa("x", "Anything?", "Yes."))
    from kb.services import answer_log  # the other rep's laptop, logging while offline

    with rep.store.session() as s:
        for n in range(3):
            answer_log.add_entry(s, f"team-only question {n}", rep=rep_name)
    app_sync.sync_home(rep)
    _join(workspace, pg_url, "expert")

    view = InsightWindow(workspace, window.reads, changed=window.changed)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.refresh()
    local_total = sum(f.questions for f in view.data.summary.values())
    qtbot.waitUntil(view.scope.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.scope.setCurrentIndex(1)
    assert "across the team" in view.status.text()
    assert sum(f.questions for f in view.data.summary.values()) == 3 != local_total
    rep.close()


def test_an_unreachable_server_shows_offline_and_search_keeps_working(qtbot, window, workspace) -> None:  # type: ignore[no-untyped-def]
    # A port nothing listens on: the laptop is "in the field" with no network to the server.
    app_sync.join(workspace, "postgresql+psycopg://127.0.0.1:9/expertanswers", "jo", "rep", check=False,
                  keep_local=True)
    team = window.team
    with qtbot.waitSignal(team.statusChanged, timeout=WAIT):
        team.refresh_status()
    team.sync_now(manual=True)
    qtbot.waitUntil(lambda: "offline" in team.label.text(), timeout=WAIT)
    assert "Not synced" in window.statusBar().currentMessage()
    ask(qtbot, window, "support tiers")  # offline-first: searching never waited for the server
    assert visible_ids(window)



def test_a_joined_laptop_syncs_by_itself_and_keeps_a_timer(qtbot, window, workspace, pg_url) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app_sync.init_server(pg_url)
    _join(workspace, pg_url)
    team = window.team
    with qtbot.waitSignal(team.synced, timeout=WAIT):  # nobody pressed anything
        team.start()
    assert team.auto.isActive() and team.auto.interval() == team.auto_minutes() * 60_000 == 5 * 60_000
    assert app_sync.status(workspace).last_sync is not None


def test_joining_from_the_app_removes_the_demo_and_publishes_nothing(qtbot, window, workspace, pg_url,  # noqa: F811
                                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Join dialog as a rep fills it in: no role to pick (the server says), the demo removed and
    the laptop's own deals kept to itself by default; the search no longer answers from the demo."""
    from PySide6.QtWidgets import QDialog

    from desktop import team_sync as team_ui

    app_sync.init_server(pg_url)
    member = unique("desk")
    app_sync.add_member(pg_url, member, "rep", "pw")
    ask(qtbot, window, "single sign-on SAML Okta")
    assert visible_ids(window)  # the demo answers before joining

    def fill_in(dialog: team_ui.JoinDialog) -> QDialog.DialogCode:
        assert dialog.discard_demo.isChecked() and dialog.keep_local.isChecked()
        dialog.url.setText(member_url(pg_url, member))
        dialog.member.setText(member)
        dialog.password.setText("pw")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(team_ui.JoinDialog, "exec", fill_in)
    with qtbot.waitSignal(window.team.synced, timeout=WAIT):
        assert window.team.join()
    assert "removed the demo" in window.statusBar().currentMessage() or window.team.label.isVisible()
    st = app_sync.status(workspace)
    assert st.joined and st.role == "rep" and st.member == member
    window.search_edit.clear()
    qtbot.keyClicks(window.search_edit, "single sign-on SAML Okta")
    qtbot.wait(300)
    qtbot.waitUntil(window.search.idle, timeout=10_000)
    assert visible_ids(window) == []
    status = app_sync.server_status(pg_url)
    assert status.items == 0 and status.deals == 0 and status.log_entries == 0
