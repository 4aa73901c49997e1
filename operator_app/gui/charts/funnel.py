"""A funnel: one horizontal bar per stage, centred, its width the stage's share of the widest,
with each stage's count and its conversion from the stage before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from operator_app.gui.charts.base import ChartWidget, mixed
from operator_app.gui.charts.numbers import count_text, percent_text

__all__ = ["FUNNEL_COLORS", "FunnelBar", "FunnelChart"]

FUNNEL_COLORS = (
    QColor("#1a73e8"),
    QColor("#1e8e9e"),
    QColor("#34a853"),
    QColor("#7cb342"),
    QColor("#f9ab00"),
)
_MARGIN = 8.0
_GAP = 6.0
_COLUMN_GAP = 12.0
_MIN_BAR_WIDTH = 2.0


@dataclass(frozen=True, slots=True)
class FunnelBar:
    label: str
    count: int


def share(part: int, whole: int) -> float | None:
    return None if whole <= 0 else part / whole


class FunnelChart(ChartWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("funnelChart")
        self._bars: tuple[FunnelBar, ...] = ()
        self.refresh_summary()

    def set_bars(self, bars: Sequence[FunnelBar]) -> None:
        self._bars = tuple(bars)
        self.updateGeometry()
        self.refresh_summary()

    def bars(self) -> tuple[FunnelBar, ...]:
        return self._bars

    def is_empty(self) -> bool:
        return not self._bars or all(bar.count == 0 for bar in self._bars)

    # --- texts ------------------------------------------------------------------------------

    def value_text(self, index: int) -> str:
        bar = self._bars[index]
        if index == 0:
            return count_text(bar.count)
        return self.tr("{count} · {share}").format(
            count=count_text(bar.count),
            share=percent_text(share(bar.count, self._bars[index - 1].count)),
        )

    def tooltip_for(self, index: int) -> str:
        bar = self._bars[index]
        lines = [self.tr("{stage}: {count}").format(stage=bar.label, count=count_text(bar.count))]
        if index > 0:
            previous = self._bars[index - 1]
            lines.append(
                self.tr("{share} of “{stage}”").format(
                    share=percent_text(share(bar.count, previous.count)), stage=previous.label
                )
            )
        if index > 1:
            first = self._bars[0]
            lines.append(
                self.tr("{share} of “{stage}”").format(
                    share=percent_text(share(bar.count, first.count)), stage=first.label
                )
            )
        return "\n".join(lines)

    def summary(self) -> str:
        if self.is_empty():
            return self.tr("Funnel: {empty}").format(empty=self.empty_text())
        parts = []
        for index, bar in enumerate(self._bars):
            if index == 0:
                parts.append(
                    self.tr("{stage} {count}").format(stage=bar.label, count=count_text(bar.count))
                )
            else:
                parts.append(
                    self.tr("{stage} {count} ({share} of the stage before)").format(
                        stage=bar.label,
                        count=count_text(bar.count),
                        share=percent_text(share(bar.count, self._bars[index - 1].count)),
                    )
                )
        return self.tr("Funnel: {stages}.").format(stages="; ".join(parts))

    # --- geometry ---------------------------------------------------------------------------

    def _row_height(self) -> float:
        return max(QFontMetricsF(self.font()).height() * 1.8, 24.0)

    def _label_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        return max((metrics.horizontalAdvance(bar.label) for bar in self._bars), default=0.0)

    def _value_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        return max(
            (metrics.horizontalAdvance(self.value_text(i)) for i in range(len(self._bars))),
            default=0.0,
        )

    def row_rect(self, index: int) -> QRectF:
        """The whole row of a stage: its label, its bar and its value."""
        row = self._row_height()
        top = _MARGIN + index * (row + _GAP)
        return QRectF(_MARGIN, top, self.width() - 2 * _MARGIN, row)

    def _bar_lane(self, index: int) -> QRectF:
        row = self.row_rect(index)
        left = row.left() + self._label_width() + _COLUMN_GAP
        right = row.right() - self._value_width() - _COLUMN_GAP
        return QRectF(left, row.top(), max(right - left, 0.0), row.height())

    def bar_rect(self, index: int) -> QRectF:
        lane = self._bar_lane(index)
        widest = max((bar.count for bar in self._bars), default=0)
        count = self._bars[index].count
        if widest <= 0 or count <= 0:
            return QRectF(lane.center().x(), lane.top(), 0.0, lane.height())
        width = max(lane.width() * count / widest, _MIN_BAR_WIDTH)
        return QRectF(lane.center().x() - width / 2, lane.top(), width, lane.height())

    def part_at(self, point: QPointF) -> int | None:
        for index in range(len(self._bars)):
            if self.row_rect(index).contains(point):
                return index
        return None

    def sizeHint(self) -> QSize:
        rows = max(len(self._bars), 3)
        height = 2 * _MARGIN + rows * self._row_height() + (rows - 1) * _GAP
        width = self._label_width() + self._value_width() + 2 * _COLUMN_GAP + 240 + 2 * _MARGIN
        return QSize(int(width) + 1, int(height) + 1)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(min(hint.width(), 240), hint.height())

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.is_empty():
            self.paint_empty(painter, QRectF(self.rect()))
            return
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        base = palette.color(QPalette.ColorRole.Base)
        for index, bar in enumerate(self._bars):
            row = self.row_rect(index)
            if index == self._hovered:
                painter.fillRect(
                    row, mixed(base, palette.color(QPalette.ColorRole.Highlight), 0.12)
                )
            lane = self._bar_lane(index)
            painter.fillRect(lane, mixed(base, text, 0.06))
            color = FUNNEL_COLORS[index % len(FUNNEL_COLORS)]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(self.bar_rect(index), 3.0, 3.0)
            painter.setPen(text)
            label_box = QRectF(row.left(), row.top(), self._label_width(), row.height())
            painter.drawText(
                label_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, bar.label
            )
            value_box = QRectF(
                row.right() - self._value_width(), row.top(), self._value_width(), row.height()
            )
            painter.setPen(text if index == 0 else muted)
            painter.drawText(
                value_box,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.value_text(index),
            )
