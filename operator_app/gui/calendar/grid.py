"""The painted calendar sheet: working hours, visit blocks by status, tooltips, double-click
for details and drag to another time or resource.

Painting is one pass over the rectangles `geometry.layout_grid` computed when the data or the
size changed (the page computes it off the UI thread with the data); blocks are filled grouped
by colour, only the bands (rows) the paint event exposes are drawn, and elided names are
remembered. The sheet emits `moveRequested` on a drop and leaves asking and moving to the page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

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
    QFontMetrics,
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
    BlockPlace,
    DropTarget,
    GridGeometry,
    PaintBand,
    ViewMode,
    layout_grid,
)
from operator_app.gui.calendar.texts import (
    LATE_OUTLINE,
    UNCONFIRMED_OUTLINE,
    block_tooltip,
    status_color,
)

__all__ = ["CalendarGrid", "GridScrollArea", "Highlight"]

OFF_HOURS = QColor("#eceef1")
WORKING = QColor("#ffffff")
LINE = QColor("#d5d9df")
STRONG_LINE = QColor("#aeb4bd")
HEADER = QColor("#f6f7f9")
NOW_LINE = QColor("#d93025")
TEXT = QColor("#1f1f1f")
BLOCK_TEXT = QColor("#ffffff")
FADED_ALPHA = 60
# Withdrawn and finished visits first, so active ones are painted over them.
PAINT_ORDER = tuple(sorted(VISIT_STATUSES, key=lambda status: status in ACTIVE_STATUSES))
ELIDED_CACHE_LIMIT = 20_000


class Highlight:
    UNCONFIRMED = "unconfirmed"
    LATE = "late"


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
        self._elided: dict[tuple[str, int], str] = {}
        self._elided_font = ""

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
            self._show_geometry(layout_grid(self._view, self._mode, self._available))

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

    def _elide(self, metrics: QFontMetrics, text: str, width: int) -> str:
        key = (text, width)
        elided = self._elided.get(key)
        if elided is None:
            if len(self._elided) > ELIDED_CACHE_LIMIT:
                self._elided.clear()
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
            self._elided[key] = elided
        return elided

    def _metrics(self) -> QFontMetrics:
        """The font's metrics; the remembered elided texts are for this font only."""
        font = self.font()
        if font.key() != self._elided_font:
            self._elided.clear()
            self._elided_font = font.key()
        return QFontMetrics(font)

    def _paint_block_texts(self, painter: QPainter, places: list[BlockPlace]) -> None:
        if not places:
            return
        metrics = self._metrics()
        line = metrics.height()
        painter.setPen(BLOCK_TEXT)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        day_mode = self._mode is ViewMode.DAY
        for block, rect in places:
            if rect.height() < line:
                continue
            text = block.client_name
            if day_mode:
                text = "{} {}".format(block.local_start().strftime("%H:%M"), text)
            inner = rect.adjusted(4, 1, -3, -1)
            painter.drawText(inner, align, self._elide(metrics, text, int(inner.width())))

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
        metrics = self._metrics()
        width, height = geometry.size.width(), geometry.size.height()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HEADER)
        painter.drawRect(QRectF(0, 0, width, HEADER_HEIGHT))
        first_lane = geometry.lanes[0] if geometry.lanes else None
        gutter = first_lane.rect.left() if first_lane else 0.0
        painter.drawRect(QRectF(0, HEADER_HEIGHT, gutter, height - HEADER_HEIGHT))
        painter.setPen(TEXT)
        align = Qt.AlignmentFlag.AlignCenter
        if self._mode is ViewMode.DAY:
            for lane in geometry.lanes:
                r = QRectF(lane.rect.left() + 2, 0, lane.rect.width() - 4, HEADER_HEIGHT)
                painter.drawText(r, align, self._elide(metrics, lane.resource.name, int(r.width())))
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
        locale = QLocale()
        for band in geometry.bands_in(exposed.top(), exposed.bottom()):
            lane = band.lanes[0]
            r = QRectF(6, band.top, gutter - 10, band.bottom - band.top)
            painter.drawText(
                r,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._elide(metrics, lane.resource.name, int(r.width())),
            )
        for lane in geometry.lanes[: len(self._view.days)]:
            qdate = QDate(lane.day.year, lane.day.month, lane.day.day)
            label = locale.toString(qdate, "ddd d MMM")
            painter.drawText(
                QRectF(lane.rect.left(), 0, lane.rect.width(), HEADER_HEIGHT), align, label
            )

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
            place = self._geometry.place_at(QPointF(event.pos())) if self._geometry else None
            if place is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), block_tooltip(place.block), self)
            return True
        return super().event(event)

    def tooltip_at(self, point: QPoint) -> str | None:
        place = self._geometry.place_at(QPointF(point)) if self._geometry else None
        return block_tooltip(place.block) if place else None

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
