"""Dark mode: colours come from the palette, so a dark palette gives dark rows with light text."""

from __future__ import annotations

from desktop_helpers import ask
from PySide6.QtGui import QColor, QImage

from desktop.theme import dark_palette, is_dark, mark_colors


def lightness_profile(image: QImage) -> tuple[float, float]:
    """Mean lightness and the share of clearly light pixels (text), sampled on a grid."""
    values = [
        QColor(image.pixel(x, y)).lightness() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    ]
    return sum(values) / len(values), sum(v > 170 for v in values) / len(values)


def test_dark_palette_gives_dark_rows_and_readable_text(qtbot, window) -> None:
    window.setPalette(dark_palette())
    ask(qtbot, window, "support tiers")
    assert is_dark(window.results_view.palette())
    mean, light_share = lightness_profile(window.results_view.viewport().grab().toImage())
    assert mean < 110 and light_share > 0.005
    mean, light_share = lightness_profile(window.answer_view.viewport().grab().toImage())
    assert mean < 110 and light_share > 0.005
    bg, fg = mark_colors(window.palette())
    assert QColor(bg).lightness() < QColor(fg).lightness()  # marked words stay readable
