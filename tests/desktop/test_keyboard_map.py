"""F1 lists every shortcut the menus have, from the same actions (issue 21, item 5)."""

from __future__ import annotations

from desktop.actions import keyboard_map


def test_f1_lists_every_menu_shortcut(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction, QKeySequence

    text = keyboard_map(window)
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            native = seq.toString(QKeySequence.SequenceFormat.NativeText)
            if native:
                assert native in text, (action.text(), native)
    for must in ("Ctrl+Shift+D", "Ctrl+Shift+I", "Ctrl+Shift+G", "Ctrl+Shift+C", "Ctrl+Shift+N", "Ctrl+E"):
        assert must in text
