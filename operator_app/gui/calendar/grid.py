"""The painted calendar sheet: working hours, visit blocks by status, tooltips, double-click
for details and drag to another time or resource.

Painting is one pass over the rectangles `geometry.layout_grid` computed when the data or the
size changed (the page computes it off the UI thread with the data); blocks are filled grouped
by colour, only the bands (rows) the paint event exposes are drawn, the three fonts (the
widget's, a bold one and a small one for the hour scale and week blocks) are made once per
font, and elided texts are remembered. The sheet emits `moveRequested` on a drop and leaves
asking and moving to the page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtCore import (
    QDate,
    QEvent,
    QLineF,
    QLocale,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QScrollArea, QToolTip, QWidget

from operator_app.core.calendar.views import ACTIVE_STATUSES, VISIT_STATUSES, CalendarView
from operator_app.gui.calendar.geometry import (
    HEADER_HEIGHT,
    TEXT_MIN_WIDTH,
    WEEK_DAY_LABEL_HEIGHT,
    BlockPlace,
    DropTarget,
    GridGeometry,
    PaintBand,
    TextSizes,
    ViewMode,
    layout_grid,
)
from operator_app.gui.calendar.texts import (
    LATE_OUTLINE,
    UNCONFIRMED_OUTLINE,
    block_tooltip,
    short_client_name,
    status_color,
)

__all__ = ["CalendarGrid", "GridScrollArea", "Highlight", "small_font", "text_sizes"]

OFF_HOURS = QColor("#eceef1")
WORKING = QColor("#ffffff")
LINE = QColor("#d5d9df")
STRONG_LINE = QColor("#aeb4bd")
HEADER = QColor("#f6f7f9")
NOW_LINE = QColor("#d93025")
TEXT = QColor("#1f1f1f")
BLOCK_TEXT = QColor("#ffffff")
TODAY_TINT = QColor(26, 115, 232, 22)
TODAY_HEADER = QColor("#dce8fc")
TODAY_TEXT = QColor("#174ea6")
SCALE_TEXT = QColor("#5f6368")
FADED_ALPHA = 60
SMALL_FONT_SCALE = 0.85
# Withdrawn and finished visits first, so active ones are painted over them.
PAINT_ORDER = tuple(sorted(VISIT_STATUSES, key=lambda status: status in ACTIVE_STATUSES))
ELIDED_CACHE_LIMIT = 20_000


class Highlight:
    UNCONFIRMED = "unconfirmed"
    LATE = "late"


def small_font(font: QFont) -> QFont:
    """The hour scale's and the week blocks' font: a little smaller than the sheet's."""
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * SMALL_FONT_SCALE)
    else:
        small.setPixelSize(max(8, round(font.pixelSize() * SMALL_FONT_SCALE)))
    return small


def text_sizes(font: QFont, names: Iterable[str]) -> TextSizes:
    """What the layout needs to know of the sheet's texts in `font`. Value types only, so the
    page's worker measures with its own copy of the font."""
    metrics = QFontMetricsF(font)
    widest = max((metrics.horizontalAdvance(name) for name in names), default=None)
    hour = QFontMetricsF(small_font(font)).horizontalAdvance("00:00") + 4
    return TextSizes(widest_name=widest, hour_label=hour)


class _Fonts(NamedTuple):
    key: str
    metrics: QFontMetrics
    bold: QFont
    small: QFont
    small_metrics: QFontMetrics


class CalendarGrid(QWidget):
    visitActivated = Signal(int)  # visit id, on double-click
    moveRequested = Signal(int, int, object)  # visit id, resource id, new start (UTC datetime)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarGrid")
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._view: CalendarView | None = None
        self._mode = ViewMode.WEEK
        self._available = QSizeF(800, 600)
        self._geometry: GridGeometry | None = None
        self._highlight: frozenset[str] = frozenset()
        self._press: tuple[QPointF, BlockPlace, float] | None = None
        self._dragging = False
        self._drop: DropTarget | None = None
        self._elided: dict[tuple[str, int, bool], str] = {}
        self._font_set: _Fonts | None = None

    # --- data and layout ----------------------------------------------------------------------

    @property
    def geometry_(self) -> GridGeometry | None:
        return self._geometry

    @property
    def view(self) -> CalendarView | None:
        return self._view

    @property
    def mode(self) -> ViewMode:
        return self._mode

    def set_view(
        self,
        view: CalendarView | None,
        mode: ViewMode,
        available: QSize | None = None,
        geometry: GridGeometry | None = None,
    ) -> None:
        """Show `view`, laid out once for the viewport size `available` (or the last one).
        `geometry` is its layout when already computed (off the UI thread) for that size."""
        self._view, self._mode = view, mode
        if available is not None:
            self._available = QSizeF(available)
        self._press, self._dragging, self._drop = None, False, None
        self.unsetCursor()
        if (
            view is not None
            and geometry is not None
            and geometry.view is view
            and geometry.mode is mode
            and geometry.available == self._available
        ):
            self._show_geometry(geometry)
        else:
            self._relayout()

    def is_dragging(self) -> bool:
        return self._dragging

    def set_highlight(self, flags: frozenset[str]) -> None:
        self._highlight = flags
        self.update()

    def fit(self, available: QSize) -> None:
        """Fill at least the viewport; larger data makes the sheet scroll."""
        if self._geometry is not None and QSizeF(available) == self._available:
            return
        self._available = QSizeF(available)
        self._relayout()

    def _relayout(self) -> None:
        if self._view is None:
            self._geometry = None
            self.resize(self._available.toSize())
            self.update()
        else:
            sizes = text_sizes(self.font(), (r.name for r in self._view.resources))
            self._show_geometry(layout_grid(self._view, self._mode, self._available, sizes))

    def _show_geometry(self, geometry: GridGeometry) -> None:
        self._geometry = geometry
        self.resize(geometry.size.toSize())
        self.update()

    def sizeHint(self) -> QSize:
        return self._geometry.size.toSize() if self._geometry else QSize(800, 600)

    def block_center(self, visit_id: int) -> QPoint | None:
        place = self._geometry.place_of(visit_id) if self._geometry else None
        return place.rect.center().toPoint() if place else None

    def point_for(self, resource_id: int, day: dt.date, minute: int) -> QPoint | None:
        """The middle of the lane at a minute of the day: where a drop lands there."""
        if self._geometry is None:
            return None
        for lane in self._geometry.lanes:
            if lane.resource.resource_id == resource_id and lane.day == day:
                along = self._geometry.position_of(lane, minute)
                c = lane.rect.center()
                return (
                    QPointF(c.x(), along).toPoint()
                    if lane.vertical
                    else QPoint(int(along), int(c.y()))
                )
        return None

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        exposed = QRectF(event.rect())
        painter.fillRect(exposed, OFF_HOURS)
        geometry = self._geometry
        if geometry is None or self._view is None:
            painter.end()
            return
        bands = geometry.bands_in(exposed.top(), exposed.bottom())
        lanes = [lane for band in bands for lane in band.lanes]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(WORKING)
        painter.drawRects([rect for lane in lanes for rect in lane.work_rects])
        if geometry.today_column is not None:
            painter.setBrush(TODAY_TINT)
            painter.drawRect(geometry.today_column)
        self._paint_time_lines(painter, geometry, exposed)
        painter.setPen(QPen(STRONG_LINE, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects([lane.rect for lane in lanes])
        self._paint_blocks(painter, bands)
        self._paint_now(painter, geometry)
        self._paint_headers(painter, geometry, exposed)
        if self._dragging and self._drop is not None and self._press is not None:
            self._paint_ghost(painter, geometry)
        painter.end()

    def _paint_time_lines(self, painter: QPainter, geometry: GridGeometry, exposed: QRectF) -> None:
        painter.setPen(QPen(LINE, 1))
        painter.drawLines([line for line in geometry.time_lines if _line_exposed(line, exposed)])

    def _paint_blocks(self, painter: QPainter, bands: list[PaintBand]) -> None:
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1))
        if self._highlight:
            self._paint_highlighted(painter, bands)
        else:
            for status in _statuses(bands):
                painter.setBrush(status_color(status))
                painter.drawRects([r for band in bands for r in band.by_status.get(status, ())])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for color, rects in (
            (LATE_OUTLINE, [r for band in bands for r in band.late]),
            (UNCONFIRMED_OUTLINE, [r for band in bands for r in band.unconfirmed]),
        ):
            if rects:
                painter.setPen(QPen(color, 2))
                painter.drawRects(rects)
        self._paint_block_texts(painter, [place for band in bands for place in band.texts])

    def _paint_highlighted(self, painter: QPainter, bands: list[PaintBand]) -> None:
        """Blocks the chips ask for stay bright; the others fade."""
        by_color: dict[tuple[str, bool], list[QRectF]] = defaultdict(list)
        for place in self._places_in(bands):
            block = place.block
            shown = (Highlight.LATE in self._highlight and block.late) or (
                Highlight.UNCONFIRMED in self._highlight and block.unconfirmed
            )
            by_color[(block.status, not shown)].append(place.rect)
        for status, faded in sorted(by_color, key=lambda key: (_paint_rank(key[0]), not key[1])):
            color = QColor(status_color(status))
            if faded:
                color.setAlpha(FADED_ALPHA)
            painter.setBrush(color)
            painter.drawRects(by_color[(status, faded)])

    def _places_in(self, bands: list[PaintBand]) -> list[BlockPlace]:
        assert self._geometry is not None
        if len(bands) == len(self._geometry.bands):
            return self._geometry.places
        top, bottom = bands[0].top, bands[-1].bottom
        return [
            p for p in self._geometry.places if p.rect.bottom() >= top and p.rect.top() <= bottom
        ]

    def _elide(self, metrics: QFontMetrics, text: str, width: int, small: bool = False) -> str:
        key = (text, width, small)
        elided = self._elided.get(key)
        if elided is None:
            if len(self._elided) > ELIDED_CACHE_LIMIT:
                self._elided.clear()
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            self._elided[key] = elided
        return elided

    def _fonts(self) -> _Fonts:
        """The fonts of the sheet, made once per widget font; the remembered elided texts are
        for these fonts only."""
        font = self.font()
        fonts = self._font_set
        if fonts is None or fonts.key != font.key():
            self._elided.clear()
            bold = QFont(font)
            bold.setBold(True)
            small = small_font(font)
            fonts = _Fonts(font.key(), QFontMetrics(font), bold, small, QFontMetrics(small))
            self._font_set = fonts
        return fonts

    def _two_lines(self, metrics: QFontMetrics, text: str, width: int) -> str:
        """`text` wrapped at a space onto at most two lines of `width`, the second elided."""
        key = ("\n" + text, width, False)
        wrapped = self._elided.get(key)
        if wrapped is None:
            words = text.split()
            first = ""
            while words:
                candidate = f"{first} {words[0]}" if first else words[0]
                if metrics.horizontalAdvance(candidate) > width:
                    break
                first = candidate
                words.pop(0)
            if not first:  # one long word: cut it where it stops fitting
                wrapped = self._elide(metrics, text, width)
            elif not words:
                wrapped = first
            else:
                wrapped = first + "\n" + self._elide(metrics, " ".join(words), width)
            self._elided[key] = wrapped
        return wrapped

    def _paint_block_texts(self, painter: QPainter, places: list[BlockPlace]) -> None:
        if not places:
            return
        painter.setPen(BLOCK_TEXT)
        if self._mode is ViewMode.WEEK:
            self._paint_week_block_texts(painter, places)
            return
        metrics = self._fonts().metrics
        line = metrics.height()
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for block, rect in places:
            if rect.height() < line:
                continue
            text = "{} {}".format(block.local_start().strftime("%H:%M"), block.client_name)
            inner = rect.adjusted(4, 1, -3, -1)
            painter.drawText(inner, align, self._elide(metrics, text, int(inner.width())))

    def _paint_week_block_texts(self, painter: QPainter, places: list[BlockPlace]) -> None:
        """The start and the client's surname, in the small font: across a wide block (on two
        lines when it is tall enough), upright along a narrow tall one, none in a small one."""
        fonts = self._fonts()
        metrics = fonts.small_metrics
        line = metrics.height()
        painter.setFont(fonts.small)
        left_top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        left_middle = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for block, rect in places:
            width, height = rect.width(), rect.height()
            start = block.local_start().strftime("%H:%M")
            name = short_client_name(block.client_name)
            if width >= TEXT_MIN_WIDTH and height >= line:
                inner = rect.adjusted(3, 1, -2, -1)
                room = int(inner.width())
                if height >= 2 * line + 2 and name:
                    text = start + "\n" + self._elide(metrics, name, room, small=True)
                else:
                    text = self._elide(metrics, f"{start} {name}".strip(), room, small=True)
                painter.drawText(inner, left_top, text)
            elif height >= TEXT_MIN_WIDTH and width >= line:
                room = int(height) - 6
                text = self._elide(metrics, f"{start} {name}".strip(), room, small=True)
                painter.save()
                painter.translate(rect.left(), rect.bottom())
                painter.rotate(-90)
                painter.drawText(QRectF(3, 0, room, width), left_middle, text)
                painter.restore()
        painter.setFont(self.font())

    def _paint_now(self, painter: QPainter, geometry: GridGeometry) -> None:
        assert self._view is not None
        local = self._view.now.astimezone(geometry.zone)
        minute = local.hour * 60 + local.minute
        if not geometry.span[0] <= minute <= geometry.span[1]:
            return
        painter.setPen(QPen(NOW_LINE, 2))
        for lane in geometry.lanes:
            if lane.day != local.date():
                continue
            at = geometry.position_of(lane, minute)
            r = lane.rect
            if lane.vertical:
                painter.drawLine(QPointF(r.left(), at), QPointF(r.right(), at))
            else:
                painter.drawLine(QPointF(at, r.top()), QPointF(at, r.bottom()))

    def _paint_headers(self, painter: QPainter, geometry: GridGeometry, exposed: QRectF) -> None:
        assert self._view is not None
        fonts = self._fonts()
        metrics = fonts.metrics
        width, height = geometry.size.width(), geometry.size.height()
        gutter = geometry.gutter
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HEADER)
        painter.drawRect(QRectF(0, 0, width, HEADER_HEIGHT))
        painter.drawRect(QRectF(0, HEADER_HEIGHT, gutter, height - HEADER_HEIGHT))
        painter.setPen(TEXT)
        align = Qt.AlignmentFlag.AlignCenter
        if self._mode is ViewMode.DAY:
            for lane in geometry.lanes:
                r = QRectF(lane.rect.left() + 2, 0, lane.rect.width() - 4, HEADER_HEIGHT)
                painter.drawText(r, align, self._elide(metrics, lane.resource.name, int(r.width())))
            first_lane = geometry.lanes[0] if geometry.lanes else None
            if first_lane is not None:
                for minute in range(geometry.span[0], geometry.span[1], 60):
                    y = geometry.position_of(first_lane, minute)
                    label = f"{minute // 60:02d}:00"
                    painter.drawText(
                        QRectF(0, y, gutter - 6, metrics.height()),
                        Qt.AlignmentFlag.AlignRight,
                        label,
                    )
            return
        self._paint_week_names(painter, geometry, exposed, metrics)
        self._paint_week_days(painter, geometry, fonts)

    def _paint_week_names(
        self, painter: QPainter, geometry: GridGeometry, exposed: QRectF, metrics: QFontMetrics
    ) -> None:
        """Each row's resource name, on two lines when it is too long for one and the row has
        room for two; elided otherwise (the full name is in the tooltip)."""
        two_lines = 2 * metrics.lineSpacing() + 2
        for band in geometry.bands_in(exposed.top(), exposed.bottom()):
            name = band.lanes[0].resource.name
            r = QRectF(6, band.top, geometry.gutter - 10, band.bottom - band.top)
            room = int(r.width())
            if r.height() >= two_lines and metrics.horizontalAdvance(name) > room:
                text = self._two_lines(metrics, name, room)
            else:
                text = self._elide(metrics, name, room)
            painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_week_days(self, painter: QPainter, geometry: GridGeometry, fonts: _Fonts) -> None:
        """The days' names (today's bold on a tint) and under them the hour scale."""
        assert self._view is not None
        today = geometry.today_column
        if today is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TODAY_HEADER)
            painter.drawRect(QRectF(today.left(), 0, today.width(), HEADER_HEIGHT))
        locale = QLocale()
        for lane in geometry.bands[0].lanes if geometry.bands else ():
            qdate = QDate(lane.day.year, lane.day.month, lane.day.day)
            is_today = today is not None and lane.rect.left() == today.left()
            painter.setFont(fonts.bold if is_today else self.font())
            painter.setPen(TODAY_TEXT if is_today else TEXT)
            painter.drawText(
                QRectF(lane.rect.left(), 2, lane.rect.width(), WEEK_DAY_LABEL_HEIGHT - 2),
                Qt.AlignmentFlag.AlignCenter,
                locale.toString(qdate, "ddd d MMM"),
            )
        painter.setPen(QPen(STRONG_LINE, 1))
        painter.drawLines(geometry.hour_ticks)
        painter.setFont(fonts.small)
        painter.setPen(SCALE_TEXT)
        for rect, text in geometry.hour_labels:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    def _paint_ghost(self, painter: QPainter, geometry: GridGeometry) -> None:
        assert self._drop is not None and self._press is not None
        block = self._press[1].block
        lane = next(
            (
                lane
                for lane in geometry.lanes
                if lane.resource.resource_id == self._drop.resource_id
                and lane.day == self._drop.day
            ),
            None,
        )
        if lane is None:
            return
        minutes = int((block.ends_at - block.starts_at).total_seconds() // 60)
        rect = geometry.rect_for(lane, self._drop.minute, minutes)
        color = QColor(status_color(block.status))
        color.setAlpha(120)
        painter.setBrush(color)
        painter.setPen(QPen(TEXT, 1, Qt.PenStyle.DashLine))
        painter.drawRect(rect)

    # --- tooltips, clicks and drags -----------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def tooltip_at(self, point: QPoint) -> str | None:
        """A visit's details, or the full name of the resource whose name is there."""
        if self._geometry is None:
            return None
        place = self._geometry.place_at(QPointF(point))
        if place is not None:
            return block_tooltip(place.block)
        return self._geometry.resource_name_at(QPointF(point))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        place = self._geometry.place_at(event.position()) if self._geometry else None
        self._cancel_drag()
        if place is not None:
            self.visitActivated.emit(place.block.visit_id)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton or self._geometry is None:
            super().mousePressEvent(event)
            return
        place = self._geometry.place_at(event.position())
        if place is None or not place.block.movable:
            self._press = None
            return
        lane = self._geometry.lane_at(event.position())
        offset = 0.0
        if lane is not None:
            start = place.block.local_start()
            offset = self._geometry.minute_at(lane, event.position()) - (
                start.hour * 60 + start.minute
            )
        self._press = (event.position(), place, offset)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._geometry is None:
            return
        origin, _place, offset = self._press
        if not self._dragging:
            moved = (event.position() - origin).manhattanLength()
            if moved < QApplication.startDragDistance():
                return
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self._drop = self._geometry.drop_target(event.position(), offset)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, dragging = self._press, self._dragging
        if press is not None and dragging and self._geometry is not None:
            target = self._geometry.drop_target(event.position(), press[2])
            block = press[1].block
            self._cancel_drag()
            if target is not None and (
                target.resource_id != block.resource_id or target.starts_at != block.starts_at
            ):
                self.moveRequested.emit(block.visit_id, target.resource_id, target.starts_at)
            return
        self._cancel_drag()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._dragging:
            self._cancel_drag()
            return
        super().keyPressEvent(event)

    def _cancel_drag(self) -> None:
        self._press, self._dragging, self._drop = None, False, None
        self.unsetCursor()
        self.update()


def _paint_rank(status: str) -> int:
    return PAINT_ORDER.index(status) if status in PAINT_ORDER else len(PAINT_ORDER)


def _statuses(bands: list[PaintBand]) -> list[str]:
    """The statuses present in the bands, in paint order."""
    present = {status for band in bands for status in band.by_status}
    return sorted(present, key=lambda status: (_paint_rank(status), status))


def _line_exposed(line: QLineF, exposed: QRectF) -> bool:
    return exposed.intersects(QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1))


class GridScrollArea(QScrollArea):
    """Scrolls the sheet and tells it the viewport's size, so a small calendar fills it."""

    def __init__(self, grid: CalendarGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.setWidget(grid)
        self.setWidgetResizable(False)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.grid.fit(self.viewport().size())
