"""The Team menu, the status-bar indicator and the automatic sync with the team server.

A rep's laptop stays the working copy: searching and logging never wait for the network. Sync runs
on a thread of its own (not the one writer), so a slow or dead server never holds up a log write;
it pushes the log, gaps, deals and edits and pulls published content, and the items it changed
reach every open window through the app's one ``changed`` broadcast. While the app is open it
syncs every few minutes; a failure only turns the indicator to "offline" until the next try.

In direct mode (the home's database *is* the shared server) there is nothing to sync, but another
writer's saves must still reach this laptop's search index: a timer follows them instead.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.menus import add_menu
from desktop.workers import Runner, describe
from indexer.app import team_sync as app_sync
from indexer.app.changes import Changes
from kb.progress import cancellable, no_progress

MENU_TITLE = "&Team"
AUTO_SYNC_MINUTES = 5  # QSettings "team/auto_sync_minutes" overrides it; 0 turns it off
FIRST_SYNC_DELAY_MS = 3_000  # after opening: let the window paint and the first searches run first
FOLLOW_MS = 20_000  # direct mode: how often another writer's saves are looked for
STATUS_MS = 8000


def _ago(when: datetime | None) -> str:
    if when is None:
        return "never synced"
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 1:
        return "synced just now"
    if minutes < 60:
        return f"synced {minutes} min ago"
    return f"synced {when:%d %b %H:%M} UTC"


def indicator_text(st: app_sync.SyncStatus, *, syncing: bool = False) -> str:
    """One short line for the status bar: where sync stands and what waits to go up."""
    waiting = sum(st.pending_up.values())
    tail = f" · {waiting:,} to send" if waiting else ""
    if syncing:
        return f"Team: syncing…{tail}"
    state = "offline · " if st.online is False else ""
    return f"Team: {state}{_ago(st.last_sync)}{tail}"


class JoinDialog(QDialog):
    """Server URL, member name and password: what ``kb team join`` asks for. The role is the
    server's to say (a mismatch would only fail later), and what this laptop already holds is
    settled here, before anything could reach the team."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join a team server")
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("postgresql+psycopg://kb.example.com/expertanswers")
        self.member = QLineEdit(self)
        self.member.setPlaceholderText("your member name, as the team admin created it")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Server:", self.url)
        form.addRow("&Member:", self.member)
        form.addRow("&Password:", self.password)
        self.discard_demo = QCheckBox("Remove the bundled &demo content, deals and log from this laptop", self)
        self.discard_demo.setChecked(True)
        self.keep_local = QCheckBox("&Keep anything else this laptop holds to itself (never sent to the team)", self)
        self.keep_local.setChecked(True)
        form.addRow("This laptop:", self.discard_demo)
        form.addRow("", self.keep_local)
        note = QLabel("Your role comes from the server. The password is kept in a file only you can read, "
                      "beside the home — never in it.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str, bool, bool]:
        return (self.url.text().strip(), self.member.text().strip(), self.password.text(),
                self.discard_demo.isChecked(), self.keep_local.isChecked())


class TeamSync(QObject):
    synced = Signal(object)  # indexer.app.team_sync.SyncReport
    statusChanged = Signal(object)  # indexer.app.team_sync.SyncStatus

    def __init__(self, window: Any, label: QLabel) -> None:
        super().__init__(window)
        self.window, self.label = window, label
        self.runner = Runner(1, "sync", self)  # never the writer: the network must not delay a log write
        self.runner.changed.connect(window.changed.emit)  # what a sync pulled reaches every window
        self.status: app_sync.SyncStatus | None = None
        self._syncing = False
        self._cancel = threading.Event()  # set on close: a sync under way stops at its next step
        self._direct = False
        self._mark: datetime | None = None
        self._following = False
        self.label.hide()
        self.auto = QTimer(self)
        self.auto.timeout.connect(lambda: self.sync_now(manual=False))
        self.follow = QTimer(self)
        self.follow.setInterval(FOLLOW_MS)
        self.follow.timeout.connect(self._follow_other_writers)
        window.changed.connect(self._changed)

    # -- opening ---------------------------------------------------------------------------------
    def start(self) -> None:
        """After the home opened: show where sync stands, then sync (or follow) on a timer."""
        ws = self.window.ws
        if ws is None:
            return
        self._direct = app_sync.is_direct(ws)
        if self._direct:
            self.label.setText("Team: shared database (live)")
            self.label.setToolTip("This home works on the team's database directly; other writers' saves "
                                  "reach the search index within seconds.")  # fmt: skip
            self.label.show()
            self._follow_other_writers()
            self.follow.start()
            return
        self.refresh_status(then_sync=True)

    def auto_minutes(self) -> int:
        value = self.window.settings.value("team/auto_sync_minutes", AUTO_SYNC_MINUTES)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return AUTO_SYNC_MINUTES

    def refresh_status(self, *, then_sync: bool = False) -> None:
        ws = self.window.ws
        if ws is None or self._direct:
            return

        def shown(st: app_sync.SyncStatus) -> None:
            self._show(st)
            if then_sync and st.joined:
                minutes = self.auto_minutes()
                if minutes:
                    self.auto.start(minutes * 60_000)
                    QTimer.singleShot(FIRST_SYNC_DELAY_MS, lambda: self.sync_now(manual=False))

        self.runner.submit(app_sync.status, ws, on_done=shown)

    def _show(self, st: app_sync.SyncStatus) -> None:
        if self.status is not None and st.online is None:
            st = app_sync.SyncStatus(st.joined, st.last_sync, st.pending_up, self.status.online,
                                     st.member, st.role, st.url)  # fmt: skip
        self.status = st
        self.label.setVisible(st.joined)
        if st.joined:
            self.label.setText(indicator_text(st, syncing=self._syncing))
            waiting = ", ".join(f"{n} {what}" for what, n in st.pending_up.items() if n) or "nothing"
            self.label.setToolTip(f"{st.member} ({st.role}) on {st.url}\nWaiting to go up: {waiting}\n"
                                  f"Sync now: {self.sync_action.shortcut().toString()}")  # fmt: skip
        self.statusChanged.emit(st)

    def _changed(self, changes: Changes) -> None:
        if not self._direct and (changes.log or changes.gaps or changes.any_deals or changes.suggestions):
            if self.status is not None and self.status.joined and not self._syncing:
                self.refresh_status()  # the "to send" count follows the rep's logging

    # -- sync ------------------------------------------------------------------------------------
    def sync_now(self, *, manual: bool = True) -> bool:
        ws = self.window.ws
        if ws is None or self._syncing:
            return False
        if self._direct:
            if manual:
                self._message("This home works on the team database directly: nothing to sync.")
            return False
        if self.status is not None and not self.status.joined:
            if manual:
                self.join()
            return False
        self._syncing = True
        if self.status is not None:
            self.label.setText(indicator_text(self.status, syncing=True))

        def done(value: tuple[app_sync.SyncReport, float]) -> None:
            report, _seconds = value
            self._syncing = False
            if manual or report.conflicts or report.changed_item_ids:
                self._message(self.summary(report))
            self.synced.emit(report)
            self._show_online(True)

        def failed(exc: BaseException) -> None:
            self._syncing = False
            self._show_online(False)
            if manual or not isinstance(exc, app_sync.ServerUnreachableError):
                self._message(f"Not synced: {describe(exc)}")

        self.runner.submit(app_sync.sync_home, ws, cancellable(no_progress, self._cancel), on_done=done,
                           on_failed=failed)  # fmt: skip
        return True

    def _show_online(self, online: bool) -> None:
        if self.status is not None:
            st = self.status
            self.status = app_sync.SyncStatus(st.joined, st.last_sync, st.pending_up, online, st.member, st.role, st.url)
        self.refresh_status()

    @staticmethod
    def summary(report: app_sync.SyncReport) -> str:
        up = ", ".join(f"{n:,} {what}" for what, n in report.up.items() if n) or "nothing"
        down = ", ".join(f"{n:,} {what}" for what, n in report.down.items() if n) or "nothing"
        text = f"Synced. Sent {up}; received {down}."
        if report.conflicts:
            text += f" {len(report.conflicts)} edit(s) made elsewhere first — yours went to the experts' queue."
        return text

    # -- joining ---------------------------------------------------------------------------------
    def join(self) -> bool:
        ws = self.window.ws
        if ws is None:
            return False
        dialog = JoinDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        url, member, password, discard_demo, keep_local = dialog.values()

        def joined(team: app_sync.TeamSettings) -> None:
            note = f" This laptop: {team.note}." if team.note else ""
            self._message(f"Joined {app_sync.safe_url(team.url)} as {team.member} ({team.role}); syncing…{note}")
            if team.note:  # the demo left the home: every open window shows what remains
                self.window.changed.emit(Changes.of(everything=True))
            self.status = None
            self.refresh_status(then_sync=True)

        self.runner.submit(app_sync.join, ws, url, member, None, password or None, discard_demo=discard_demo,
                           keep_local=keep_local, on_done=joined,
                           on_failed=lambda e: self._error("Not joined", describe(e)))  # fmt: skip
        return True

    # -- direct mode -----------------------------------------------------------------------------
    def _follow_other_writers(self) -> None:
        ws = self.window.ws
        if ws is None or self._following:
            return
        self._following = True

        def followed(value: tuple[list[str], datetime | None]) -> None:
            self._following = False
            ids, self._mark = value
            if ids:
                self.window.changed.emit(Changes.of(items=ids))

        def failed(_exc: BaseException) -> None:
            self._following = False

        self.runner.submit(app_sync.follow_other_writers, ws, self._mark, on_done=followed, on_failed=failed)

    # -- plumbing --------------------------------------------------------------------------------
    def _message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    def _error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def shutdown(self) -> None:
        self.auto.stop()
        self.follow.stop()
        self._cancel.set()  # the standard cancel (kb.progress): rerunning a stopped sync is safe
        self.runner.shutdown(cancel_pending=True)


def install(window: QMainWindow, label: QLabel) -> TeamSync:
    """The Team menu: Sync now (Ctrl+Shift+Y), Join a team server…, and the status indicator."""
    team = TeamSync(window, label)
    menu = add_menu(window, MENU_TITLE)
    for attr, text, shortcut, tip, slot in (
        ("sync_action", "&Sync now", "Ctrl+Shift+Y",
         "Send your log, gaps and deals to the team server and get the experts' latest content", team.sync_now),
        ("join_action", "&Join a team server…", "", "Connect this laptop to the team's PostgreSQL server", team.join),
    ):  # fmt: skip
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        menu.addAction(action)
        window.addAction(action)
        setattr(team, attr, action)
    return team
