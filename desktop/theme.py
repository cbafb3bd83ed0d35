"""Colours derived from the current palette, and a forced dark palette for checking dark mode.

Why derive instead of hard-coding: the app follows the OS theme (light, dark, high contrast), and
a literal ``#fff8c4`` highlight that looks right on a light theme is unreadable on a dark one.
Every accent here is a blend of palette roles, so it follows whatever the platform hands us.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

Role = QPalette.ColorRole


def is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``t`` of the way from ``a`` to ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def mark_colors(palette: QPalette, selected: bool = False) -> tuple[str, str]:
    """Background and text colour for matched words in a snippet."""
    base = palette.color(Role.Highlight if selected else Role.Base)
    text = palette.color(Role.HighlightedText if selected else Role.Text)
    accent = warn_color(palette) if not selected else palette.color(Role.HighlightedText)
    return blend(base, accent, 0.30 if not selected else 0.25).name(), text.name()


def warn_color(palette: QPalette) -> QColor:
    """An amber that keeps contrast with the window background in light and dark themes."""
    return QColor("#f0b43c") if is_dark(palette) else QColor("#9a5b00")


def ok_color(palette: QPalette) -> QColor:
    return QColor("#6cc788") if is_dark(palette) else QColor("#2e7d32")


def muted_color(palette: QPalette, selected: bool = False) -> QColor:
    """Secondary text: between the text and its background, so it works on either theme."""
    if selected:
        return blend(palette.color(Role.HighlightedText), palette.color(Role.Highlight), 0.25)
    return blend(palette.color(Role.Text), palette.color(Role.Base), 0.4)


def chip_colors(palette: QPalette, accent: bool = False, selected: bool = False) -> tuple[QColor, QColor]:
    """Fill and text of a stage chip; the accent chip ("fits Decision") uses the highlight hue."""
    if selected:  # on the highlight itself: lighten (accent) or tint the highlight instead
        hl, ink = palette.color(Role.Highlight), palette.color(Role.HighlightedText)
        return (ink, hl) if accent else (blend(hl, ink, 0.22), ink)
    if accent:
        return blend(palette.color(Role.Base), palette.color(Role.Highlight), 0.8), palette.color(Role.HighlightedText)
    return blend(palette.color(Role.Base), palette.color(Role.Text), 0.12), palette.color(Role.Text)


def dark_palette() -> QPalette:
    """A plain dark palette (what a dark OS theme gives Fusion), for ``--dark`` and tests."""
    p = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for role, colour in (
        (Role.Window, window), (Role.WindowText, text), (Role.Base, base), (Role.AlternateBase, window),
        (Role.ToolTipBase, window), (Role.ToolTipText, text), (Role.Text, text), (Role.Button, window),
        (Role.ButtonText, text), (Role.BrightText, QColor(255, 90, 90)), (Role.Link, QColor(110, 170, 255)),
        (Role.Highlight, QColor(38, 110, 200)), (Role.HighlightedText, QColor(255, 255, 255)),
        (Role.PlaceholderText, QColor(150, 150, 150)), (Role.Mid, QColor(70, 70, 74)),
        (Role.Dark, QColor(20, 20, 22)), (Role.Light, QColor(80, 80, 84)), (Role.Midlight, QColor(62, 62, 66)),
        (Role.Shadow, QColor(0, 0, 0)), (Role.LinkVisited, QColor(170, 140, 255)),
    ):  # fmt: skip
        p.setColor(role, colour)
    for role in (Role.Text, Role.WindowText, Role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))
    return p


def force_dark(app: QApplication) -> None:
    """Fusion + the dark palette: how a dark desktop looks, reproducible on any machine."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
