"""Questions per stage over time: a QtCharts stacked bar chart coloured from the palette.

Why derive the colours: a fixed chart theme is unreadable on one of light/dark. Stage colours are
hues spread from the palette's highlight, lighter on dark themes; text, grid and background are
palette roles.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QStackedBarSeries, QValueAxis
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from desktop.theme import blend, is_dark
from kb.stages import UNKNOWN

Role = QPalette.ColorRole


def stage_colors(palette: QPalette, n: int) -> list[QColor]:
    """``n`` distinct hues starting at the highlight's, with a lightness that suits the theme."""
    hue = palette.color(Role.Highlight).hslHueF()
    hue = 0.58 if hue < 0 else hue
    light = 0.66 if is_dark(palette) else 0.42
    return [QColor.fromHslF(((hue + i * 0.618) % 1.0), 0.62, light) for i in range(n)]


NO_DEAL_LABEL = "No deal (stage unknown)"


def no_deal_color(palette: QPalette) -> QColor:
    """Grey between text and background: no hue, so never mistaken for a stage."""
    return blend(palette.color(Role.Text), palette.color(Role.Base), 0.55)


def nice_step(peak: int, ticks: int = 6) -> int:
    """The smallest whole step of 1, 2 or 5 × 10^n that reaches ``peak`` in at most ``ticks`` steps."""
    base = 1
    while True:
        for step in (base, 2 * base, 5 * base):
            if step * ticks >= peak:
                return step
        base *= 10


def period_label(start: date, bucket: str) -> str:
    return start.strftime("%d %b") if bucket == "week" else start.strftime("%b %Y")


class StageChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self._data: list[tuple[date, dict[str, int]]] = []
        self._labels: dict[str, str] = {}
        self._bucket = "week"
        self._keys: list[str] = []
        self.series: QStackedBarSeries | None = None
        self.setChart(QChart())
        self.chart().legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._apply_palette()

    def set_data(self, data: list[tuple[date, dict[str, int]]], bucket: str, labels: dict[str, str]) -> None:
        self._data, self._bucket, self._labels = list(data), bucket, dict(labels)
        chart = QChart()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        stages = list(data[0][1]) if data else []
        self._keys = stages
        series = QStackedBarSeries()
        for key in stages:
            bar = QBarSet(NO_DEAL_LABEL if key == UNKNOWN else labels.get(key, key))
            bar.append([float(counts.get(key, 0)) for _, counts in data])
            series.append(bar)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([period_label(start, bucket) for start, _ in data] or [""])
        axis_x.setTruncateLabels(False)
        if len(data) > 12:
            axis_x.setLabelsAngle(-90)
        axis_y = QValueAxis()
        peak = max((sum(c.values()) for _, c in data), default=0)
        step = nice_step(peak)
        axis_y.setRange(0, step * max(1, -(-peak // step)))
        axis_y.setLabelFormat("%d")
        axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_y.setTickAnchor(0)
        axis_y.setTickInterval(step)
        axis_y.setTitleText("questions")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        word = "week" if bucket == "week" else "month"
        chart.setTitle(f"Questions per stage, per {word}" if data else "No questions logged yet")
        old = self.chart()
        self.setChart(chart)
        old.deleteLater()
        self.series = series
        self._apply_palette()

    def bar_totals(self) -> dict[str, float]:
        """Per bar set label, the sum of its values (for tests and the accessible description)."""
        if self.series is None:
            return {}
        return {b.label(): sum(b.at(i) for i in range(b.count())) for b in self.series.barSets()}

    def _apply_palette(self) -> None:
        palette = self.palette()
        base, text = palette.color(Role.Base), palette.color(Role.Text)
        grid = blend(text, base, 0.82)
        chart: QChart = self.chart()
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if is_dark(palette) else QChart.ChartTheme.ChartThemeLight)
        chart.setBackgroundBrush(base)
        chart.setBackgroundRoundness(0)
        chart.setTitleBrush(text)
        chart.legend().setLabelColor(text)
        for axis in chart.axes():
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)
        if self.series is not None:
            hues = iter(stage_colors(palette, sum(1 for k in self._keys if k != UNKNOWN)))
            for bar, key in zip(self.series.barSets(), self._keys):
                # "No deal" is grey, a colour no stage uses: it must not read as Awareness.
                bar.setColor(no_deal_color(palette) if key == UNKNOWN else next(hues))
                bar.setBorderColor(base)
        self.setBackgroundBrush(base)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_palette()
        super().changeEvent(event)

    def summary(self) -> Any:
        return self._data
