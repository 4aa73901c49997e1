"""What the painted charts share: tooltips from the point under the mouse, hover tracking,
an accessible summary, and the "nothing to show" text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QToolTip, QWidget

__all__ = ["ChartWidget", "mixed"]


def mixed(first: QColor, second: QColor, share_of_second: float) -> QColor:
    """A colour between two (for grid lines and hover tints that suit light and dark themes)."""
    keep = 1.0 - share_of_second
    return QColor.fromRgbF(
        first.redF() * keep + second.redF() * share_of_second,
        first.greenF() * keep + second.greenF() * share_of_second,
        first.blueF() * keep + second.blueF() * share_of_second,
    )


class ChartWidget(QWidget):
    """A chart keeps the index of the part under the mouse (`hovered`) and answers tooltips.

    Subclasses override `part_at(point)` (the index of the bar/day under a point, or None),
    `tooltip_for(index)` and `summary()` (one sentence per part, for screen readers); as
    defined here they describe a chart with no parts.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader can reach the summary
        self._hovered: int | None = None

    @property
    def hovered(self) -> int | None:
        return self._hovered

    def part_at(self, point: QPointF) -> int | None:
        return None

    def tooltip_for(self, index: int) -> str:
        return ""

    def summary(self) -> str:
        return self.empty_text()

    def empty_text(self) -> str:
        return self.tr("No data for this period")

    def tooltip_at(self, point: QPointF) -> str | None:
        index = self.part_at(point)
        return None if index is None else self.tooltip_for(index)

    def refresh_summary(self) -> None:
        """Call after the data changed: repaints and updates the accessible description."""
        self.setAccessibleDescription(self.summary())
        self._hovered = None
        self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() == QEvent.Type.Leave:
            self._set_hovered(None)
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._set_hovered(self.part_at(event.position()))
        super().mouseMoveEvent(event)

    def _set_hovered(self, index: int | None) -> None:
        if index != self._hovered:
            self._hovered = index
            self.update()

    def paint_empty(self, painter: QPainter, area: QRectF) -> None:
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text())
