"""Paints one search hit: kind, title, highlighted snippet, stage chips and a freshness badge.

Why a delegate: the list stays a plain model of ``Hit``s (cheap to reset on every keystroke) and
only the visible rows are painted. Sizes come from font metrics and colours from the palette, so
rows look right at any DPI and in light or dark themes.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.models import FitsRole, HitRole, ResultsModel
from desktop.render import snippet_html
from desktop.theme import chip_colors, mark_colors, muted_color, ok_color, warn_color

Role = QPalette.ColorRole
SNIPPET_LINES = 2


class ResultDelegate(QStyledItemDelegate):
    """Three bands per row: header (kind · title · badge), snippet, chips."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.85, 6.0))
        return base, title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base, title, small = self._fonts(option)
        fm, fm_title, fm_small = QFontMetrics(base), QFontMetrics(title), QFontMetrics(small)
        pad = fm.height() // 2
        height = pad + fm_title.height() + pad // 2 + fm.lineSpacing() * SNIPPET_LINES + pad // 2
        height += fm_small.height() + pad // 2 + pad
        return QSize(fm.averageCharWidth() * 40, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        hit = index.data(HitRole)
        if hit is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        text_colour = pal.color(Role.HighlightedText if selected else Role.Text)
        muted = muted_color(pal, selected)
        base, title_font, small = self._fonts(opt)
        fm, fm_title, fm_small = QFontMetrics(base), QFontMetrics(title_font), QFontMetrics(small)
        pad = fm.height() // 2
        rect = opt.rect.adjusted(pad, pad, -pad, -pad)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Header: kind, badge on the right, title elided in between.
        y = rect.top()
        painter.setFont(small)
        kind = "Q&A" if hit.kind == "qa" else "ARTICLE"
        kind_w = fm_small.horizontalAdvance(kind) + pad
        painter.setPen(muted)
        painter.drawText(rect.left(), y, kind_w, fm_title.height(), Qt.AlignmentFlag.AlignVCenter, kind)
        badge, badge_colour = self._badge(hit, pal, selected)
        badge_w = fm_small.horizontalAdvance(badge)
        painter.setPen(badge_colour)
        painter.drawText(rect.right() - badge_w, y, badge_w, fm_title.height(), Qt.AlignmentFlag.AlignVCenter, badge)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title_w = max(rect.width() - kind_w - badge_w - pad, 0)
        title = fm_title.elidedText(hit.title, Qt.TextElideMode.ElideRight, title_w)
        painter.drawText(rect.left() + kind_w, y, title_w, fm_title.height(), Qt.AlignmentFlag.AlignVCenter, title)
        y += fm_title.height() + pad // 2

        # Snippet: rich text (matched words marked), clipped to two lines.
        snippet_h = fm.lineSpacing() * SNIPPET_LINES
        self._draw_snippet(painter, hit.snippet, opt, selected, QRectF(rect.left(), y, rect.width(), snippet_h))
        y += snippet_h + pad // 2

        # Chips: "fits <Stage>" first when it suits the current deal, then the item's stages.
        model = index.model()
        labels = model.stage_label if isinstance(model, ResultsModel) else (lambda k: k)
        chips: list[tuple[str, bool]] = []
        current = model.stage if isinstance(model, ResultsModel) else None
        if index.data(FitsRole) and current:
            chips.append((f"fits {labels(current)}", True))
        chips += [(labels(s), False) for s in hit.stages if s != current]
        painter.setFont(small)
        x = rect.left()
        for text, accent in chips:
            w = fm_small.horizontalAdvance(text) + pad
            if x + w > rect.right():
                break
            fill, ink = chip_colors(pal, accent, selected)
            chip = QRectF(x, y, w, fm_small.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, fm_small.height() / 2, fm_small.height() / 2)
            painter.setPen(ink)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += w + pad // 2
        if hit.owner:
            owner = fm_small.elidedText(hit.owner, Qt.TextElideMode.ElideLeft, max(rect.right() - x - pad, 0))
            painter.setPen(muted)
            painter.drawText(
                QRectF(x, y, rect.right() - x, fm_small.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), owner,
            )  # fmt: skip
        painter.restore()

    def _badge(self, hit: object, pal: QPalette, selected: bool) -> tuple[str, object]:
        verified = getattr(hit, "verified_on", None)
        if getattr(hit, "stale", False):
            text = f"⚠ stale ({verified.isoformat()})" if verified else "⚠ unverified"
            return text, pal.color(Role.HighlightedText) if selected else warn_color(pal)
        text = f"✓ {verified.isoformat()}" if verified else "✓ verified"
        return text, pal.color(Role.HighlightedText) if selected else ok_color(pal)

    def _draw_snippet(
        self, painter: QPainter, snippet: str, opt: QStyleOptionViewItem, selected: bool, box: QRectF
    ) -> None:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(opt.font)
        bg, fg = mark_colors(opt.palette, selected)
        doc.setHtml(snippet_html(snippet, bg, fg))
        doc.setTextWidth(box.width())
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(Role.Text, opt.palette.color(Role.HighlightedText if selected else Role.Text))
        ctx.clip = QRectF(0, 0, box.width(), box.height())
        painter.save()
        painter.translate(box.topLeft())
        painter.setClipRect(ctx.clip)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
