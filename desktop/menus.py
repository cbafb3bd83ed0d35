"""Menu-bar placement shared by the feature packages that add their own menus."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu


def add_menu(window: QMainWindow, title: str) -> QMenu:
    """A new menu placed before Help, which stays last by convention."""
    bar = window.menuBar()
    menu = QMenu(title, bar)
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "").casefold() == "help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    menu.setToolTipsVisible(True)
    return menu
