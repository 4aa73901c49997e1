"""A daily trend: grouped bars for counts on the left axis (e.g. calls, reached) and lines on
the right axis (e.g. leads, held visits), one slot per day, a legend above."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QWidget

from operator_app.gui.charts.base import ChartWidget, mixed
from operator_app.gui.charts.numbers import count_text, day_text
from operator_app.gui.charts.scale import nice_ticks

__all__ = ["SeriesStyle", "TrendChart", "TrendData", "TrendSeries"]

_MARGIN = 8.0
_SWATCH = 10.0
_LEGEND_GAP = 16.0
_AXIS_GAP = 6.0
_BAR_SHARE = 0.7  # of a day's slot; the rest separates the days
_POINT_RADIUS = 2.5


class SeriesStyle(StrEnum):
    BARS = "bars"  # left axis
    LINE = "line"  # right axis


@dataclass(frozen=True, slots=True)
class TrendSeries:
    label: str
    values: tuple[float, ...]  # one per day of `TrendData.days`
    color: QColor
    style: SeriesStyle = SeriesStyle.BARS


@dataclass(frozen=True, slots=True)
class TrendData:
    days: tuple[dt.date, ...] = ()
    series: tuple[TrendSeries, ...] = ()

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.days):
                raise ValueError(
                    f"{series.label!r} has {len(series.values)} values for {len(self.days)} days"
                )

    def of_style(self, style: SeriesStyle) -> tuple[TrendSeries, ...]:
        return tuple(s for s in self.series if s.style is style)

    def is_empty(self) -> bool:
        return not self.days or all(v == 0 for s in self.series for v in s.values)


class TrendChart(ChartWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendChart")
        self._data = TrendData()
        self.refresh_summary()

    def set_data(self, data: TrendData) -> None:
        self._data = data
        self.refresh_summary()

    def data(self) -> TrendData:
        return self._data

    # --- texts ------------------------------------------------------------------------------

    def tooltip_for(self, index: int) -> str:
        day = self._data.days[index]
        lines = [day_text(day, "ddd d MMMM yyyy")]
        for series in self._data.series:
            lines.append(
                self.tr("{series}: {value}").format(
                    series=series.label, value=count_text(series.values[index])
                )
            )
        return "\n".join(lines)

    def summary(self) -> str:
        if self.is_empty():
            return self.tr("Trend: {empty}").format(empty=self.empty_text())
        days = self._data.days
        parts = []
        for series in self._data.series:
            highest = max(series.values)
            best_day = days[series.values.index(highest)]
            parts.append(
                self.tr("{series}: {total} in all, most on {day} ({value})").format(
                    series=series.label,
                    total=count_text(sum(series.values)),
                    day=day_text(best_day, "d MMMM"),
                    value=count_text(highest),
                )
            )
        return self.tr("Trend from {first} to {last}. {series}.").format(
            first=day_text(days[0], "d MMMM yyyy"),
            last=day_text(days[-1], "d MMMM yyyy"),
            series="; ".join(parts),
        )

    def is_empty(self) -> bool:
        return self._data.is_empty()

    # --- geometry ---------------------------------------------------------------------------

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def _ticks(self, style: SeriesStyle) -> tuple[float, ...]:
        values = [v for s in self._data.of_style(style) for v in s.values]
        whole = all(float(v).is_integer() for v in values)
        return nice_ticks(max(values, default=0.0), most_ticks=4, whole=whole)

    def _axis_width(self, style: SeriesStyle) -> float:
        if not self._data.of_style(style):
            return 0.0
        metrics = self._metrics()
        return max(metrics.horizontalAdvance(count_text(t)) for t in self._ticks(style)) + _AXIS_GAP

    def plot_rect(self) -> QRectF:
        line = self._metrics().height()
        left = _MARGIN + self._axis_width(SeriesStyle.BARS)
        right = self.width() - _MARGIN - self._axis_width(SeriesStyle.LINE)
        top = _MARGIN + line + _AXIS_GAP  # the legend
        bottom = self.height() - _MARGIN - line - _AXIS_GAP  # the day labels
        return QRectF(left, top, max(right - left, 1.0), max(bottom - top, 1.0))

    def slot_rect(self, index: int) -> QRectF:
        plot = self.plot_rect()
        width = plot.width() / max(len(self._data.days), 1)
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def part_at(self, point: QPointF) -> int | None:
        if not self._data.days:
            return None
        plot = self.plot_rect()
        if not (plot.left() <= point.x() < plot.right() and point.y() >= plot.top()):
            return None
        width = plot.width() / len(self._data.days)
        return min(int((point.x() - plot.left()) // width), len(self._data.days) - 1)

    def _y(self, value: float, ticks: tuple[float, ...]) -> float:
        plot = self.plot_rect()
        return plot.bottom() - plot.height() * (value / ticks[-1])

    def bar_rect(self, series_index: int, day_index: int) -> QRectF:
        """The bar of one BARS series (counted among the bar series) on one day."""
        bars = self._data.of_style(SeriesStyle.BARS)
        slot = self.slot_rect(day_index)
        group = slot.width() * _BAR_SHARE
        width = group / len(bars)
        left = slot.center().x() - group / 2 + series_index * width
        top = self._y(bars[series_index].values[day_index], self._ticks(SeriesStyle.BARS))
        return QRectF(left, top, max(width - 1.0, 1.0), slot.bottom() - top)

    def line_point(self, series: TrendSeries, day_index: int) -> QPointF:
        slot = self.slot_rect(day_index)
        return QPointF(
            slot.center().x(), self._y(series.values[day_index], self._ticks(SeriesStyle.LINE))
        )

    def sizeHint(self) -> QSize:
        line = self._metrics().height()
        return QSize(520, int(2 * _MARGIN + 2 * (line + _AXIS_GAP) + 160))

    def minimumSizeHint(self) -> QSize:
        line = self._metrics().height()
        return QSize(240, int(2 * _MARGIN + 2 * (line + _AXIS_GAP) + 60))

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.is_empty():
            self.paint_empty(painter, QRectF(self.rect()))
            return
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        self._paint_legend(painter, text)
        self._paint_axes(painter, text, mixed(base, text, 0.15))
        if self._hovered is not None:
            painter.fillRect(
                self.slot_rect(self._hovered),
                mixed(base, palette.color(QPalette.ColorRole.Highlight), 0.15),
            )
        self._paint_bars(painter)
        self._paint_lines(painter)
        self._paint_days(painter, text)

    def _paint_legend(self, painter: QPainter, text: QColor) -> None:
        metrics = self._metrics()
        x = self.plot_rect().left()
        y = _MARGIN
        for series in self._data.series:
            swatch_top = y + (metrics.height() - _SWATCH) / 2
            if series.style is SeriesStyle.BARS:
                painter.fillRect(QRectF(x, swatch_top, _SWATCH, _SWATCH), series.color)
            else:
                painter.setPen(QPen(series.color, 2.0))
                middle = swatch_top + _SWATCH / 2
                painter.drawLine(QLineF(x, middle, x + _SWATCH, middle))
            x += _SWATCH + 4
            painter.setPen(text)
            width = metrics.horizontalAdvance(series.label)
            painter.drawText(
                QRectF(x, y, width + 1, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                series.label,
            )
            x += width + _LEGEND_GAP

    def _paint_axes(self, painter: QPainter, text: QColor, grid: QColor) -> None:
        plot = self.plot_rect()
        metrics = self._metrics()
        left_ticks = self._ticks(SeriesStyle.BARS) if self._data.of_style(SeriesStyle.BARS) else ()
        right_ticks = self._ticks(SeriesStyle.LINE) if self._data.of_style(SeriesStyle.LINE) else ()
        grid_ticks = left_ticks or right_ticks
        for tick in grid_ticks:
            y = self._y(tick, grid_ticks)
            painter.setPen(QPen(grid, 1.0))
            painter.drawLine(QLineF(plot.left(), y, plot.right(), y))
        painter.setPen(text)
        half = metrics.height() / 2
        for tick in left_ticks:
            y = self._y(tick, left_ticks)
            painter.drawText(
                QRectF(_MARGIN, y - half, plot.left() - _MARGIN - _AXIS_GAP, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                count_text(tick),
            )
        for tick in right_ticks:
            y = self._y(tick, right_ticks)
            painter.drawText(
                QRectF(plot.right() + _AXIS_GAP, y - half, self.width(), metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                count_text(tick),
            )

    def _paint_bars(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for series_index, series in enumerate(self._data.of_style(SeriesStyle.BARS)):
            for day_index in range(len(self._data.days)):
                if series.values[day_index] > 0:
                    painter.fillRect(self.bar_rect(series_index, day_index), series.color)

    def _paint_lines(self, painter: QPainter) -> None:
        for series in self._data.of_style(SeriesStyle.LINE):
            points = [self.line_point(series, i) for i in range(len(self._data.days))]
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(series.color, 2.0))
            painter.drawPath(path)
            painter.setBrush(series.color)
            for point in points:
                painter.drawEllipse(point, _POINT_RADIUS, _POINT_RADIUS)

    def _paint_days(self, painter: QPainter, text: QColor) -> None:
        metrics = self._metrics()
        days = self._data.days
        labels = [day_text(day) for day in days]
        widest = max(metrics.horizontalAdvance(label) for label in labels) + _AXIS_GAP
        slot_width = self.slot_rect(0).width()
        every = max(1, math.ceil(widest / max(slot_width, 1.0)))
        painter.setPen(text)
        top = self.plot_rect().bottom() + _AXIS_GAP / 2
        for index in range(0, len(days), every):
            slot = self.slot_rect(index)
            box = QRectF(slot.center().x() - widest / 2, top, widest, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, labels[index])
