"""Every command of the window as a ``QAction``: one place for text, shortcut and tooltip.

Why actions: the same command is reachable by keyboard, menu and button, and the tooltip always
names the shortcut (built from the action's own key sequence, so they cannot drift apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Ctx = Qt.ShortcutContext


@dataclass
class Actions:
    focus_search: QAction
    copy_answer: QAction
    log_answered: QAction
    log_gap: QAction
    switch_deal: QAction
    new_deal: QAction
    refresh: QAction
    quit: QAction
    shortcuts_help: QAction
    stage_boost: QAction


def _action(
    parent: QObject,
    text: str,
    keys: list[QKeySequence | QKeySequence.StandardKey | str],
    tip: str,
    context: Qt.ShortcutContext = Ctx.WindowShortcut,
) -> QAction:
    action = QAction(text, parent)
    action.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
    action.setShortcutContext(context)
    shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    action.setStatusTip(tip)
    return action


def build_actions(parent: QObject) -> Actions:
    return Actions(
        focus_search=_action(parent, "&Focus search", ["Ctrl+K", "Esc"], "Focus and clear the search box"),
        # Enter is bound only on the search box and the result list (added there by the window):
        # a window-wide Enter would steal it from the deal picker and dialogs.
        copy_answer=_action(
            parent,
            "&Copy answer",
            [QKeySequence(Qt.Key.Key_Enter), QKeySequence(Qt.Key.Key_Return)],
            "Copy the selected answer to the clipboard",
            Ctx.WidgetShortcut,
        ),  # fmt: skip
        log_answered=_action(
            parent,
            "&Log as answered",
            ["Ctrl+Enter", "Ctrl+Return"],
            "Log the question as answered with the selected item",
        ),  # fmt: skip
        log_gap=_action(parent, "No &good answer", ["Ctrl+G"], "Log the question as a gap for the experts"),
        switch_deal=_action(parent, "Switch &deal", ["Ctrl+D"], "Pick the deal you are on a call for"),
        new_deal=_action(parent, "&New deal…", ["Ctrl+N"], "Create a deal: a name and an account"),
        refresh=_action(parent, "&Refresh deals and counts", ["F5"], "Reload deals, stages and counts"),
        quit=_action(parent, "&Quit", ["Ctrl+Q"], "Quit Expert Answers"),
        shortcuts_help=_action(parent, "&Keyboard shortcuts", ["F1"], "Show the keyboard map"),
        stage_boost=_checkable(
            _action(parent, "Rank by deal &stage", ["Ctrl+Shift+S"],
                    "Rank answers that fit the deal's current stage higher (chips show why)")  # fmt: skip
        ),
    )


def _checkable(action: QAction) -> QAction:
    action.setCheckable(True)
    action.setChecked(True)
    return action


#: Keys that are not menu actions (they act on the focused widget): listed before the actions.
FOCUS_KEYS = (
    ("Up / Down", "Move through results while typing"),
    ("Esc, Ctrl+W", "In Deals, Insight or the Gap queue: close the window"),
)


def keyboard_map(window: QWidget) -> str:
    """Every shortcut, from the actions the menus are built from (so the two cannot drift)."""
    rows = [f"<tr><td><b>{escape(k)}</b></td><td>{escape(what)}</td></tr>" for k, what in FOCUS_KEYS]
    seen: set[str] = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        name = action.text().replace("&", "").rstrip("…").strip()
        if not keys or not name or keys[0] in seen:
            continue
        seen.add(keys[0])
        what = (action.statusTip() or name).removesuffix(f" ({keys[0]})")
        rows.append(f"<tr><td><b>{escape(', '.join(keys))}</b></td><td>{escape(what)}</td></tr>")
    return '<table cellpadding="4">' + "".join(rows) + "</table>"

