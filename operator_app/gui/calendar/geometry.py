"""Where everything of the calendar grid goes, computed once per data or size change so that
painting is one pass over ready rectangles.

Layouts (chosen for a 1440×900 screen with up to ~50 resources):

- day: a column per resource, time running down (office time), a time gutter on the left;
- week: a row per resource and a column per day; inside each cell time runs left to right
  over the office's working span, so 50 resources × 7 days stay on one scrollable sheet. Each
  day's header carries the hour scale of its cells, and today's column is marked.

A *lane* is one resource on one day; its time axis is vertical (day) or horizontal (week).
A *band* is a horizontal strip of the sheet (a resource's row in the week, the whole sheet in
a day) with its blocks' rectangles grouped for painting, so that a paint event draws only the
strips it exposes. The layout uses value types only (no fonts, no widgets) and may run off the
UI thread: the sizes of texts it leaves room for come measured in `TextSizes`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF

from operator_app.core.calendar.views import (
    ACTIVE_STATUSES,
    CalendarView,
    ResourceChoice,
    VisitBlock,
)

__all__ = [
    "TEXT_MIN_WIDTH",
    "BlockPlace",
    "DropTarget",
    "GridGeometry",
    "HourLabel",
    "Lane",
    "PaintBand",
    "TextSizes",
    "ViewMode",
    "layout_grid",
]

HEADER_HEIGHT = 40.0
DAY_GUTTER_WIDTH = 56.0
WEEK_GUTTER_WIDTH = 170.0  # when the names' width is not known
WEEK_MIN_GUTTER = 120.0
WEEK_MAX_GUTTER = 260.0  # longer names wrap onto a second line or are elided
NAME_PADDING = 12.0  # left and right of a resource's name in the week's gutter
WEEK_DAY_LABEL_HEIGHT = 22.0  # the top of a week header; the hour scale is below it
HOUR_TICK = 4.0  # the hour scale's marks at the header's bottom edge
HOUR_LABEL_GAP = 6.0  # the least room between two hour labels
HOUR_STEPS = (1, 2, 3, 4, 6, 12)  # hours between labels, the first that fits is used
DAY_MIN_COLUMN = 120.0
DAY_MIN_HOUR_HEIGHT = 56.0
WEEK_MIN_DAY_WIDTH = 150.0
WEEK_MIN_ROW_HEIGHT = 30.0
DEFAULT_SPAN = (8 * 60, 20 * 60)  # minutes of the day when nothing says otherwise
CELL_PADDING = 3.0
TEXT_MIN_WIDTH = 36.0  # shorter blocks get no text
TEXT_MIN_THICKNESS = 10.0  # a week block this narrow but tall enough gets its text upright
MINUTE = dt.timedelta(minutes=1)


class ViewMode(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class TextSizes:
    """Measured text sizes (pixels) in the sheet's fonts, so the layout leaves room for them."""

    widest_name: float | None = None  # the widest resource name; None: unknown
    hour_label: float = 30.0  # "00:00" in the hour scale's font


class HourLabel(NamedTuple):
    rect: QRectF  # where the text goes, inside its day's header
    text: str  # "09:00"


@dataclass(frozen=True, slots=True)
class Lane:
    resource: ResourceChoice
    day: dt.date
    rect: QRectF  # the whole lane, time axis included
    vertical: bool  # time runs down (day) or right (week)
    work_rects: tuple[QRectF, ...]  # working intervals inside the lane
    axis_start: float  # where the span's first minute is on the time axis
    axis_length: float
    across: tuple[float, float]  # the blocks' band across the axis: (offset, thickness)

    def contains(self, point: QPointF) -> bool:
        return self.rect.contains(point)


class BlockPlace(NamedTuple):  # a tuple: thousands are made per layout
    block: VisitBlock
    rect: QRectF


@dataclass(frozen=True, slots=True)
class DropTarget:
    resource_id: int
    day: dt.date
    minute: int  # minutes after local midnight, snapped to the resource's slot grid
    starts_at: dt.datetime  # the same, in UTC


@dataclass(slots=True)
class PaintBand:
    """A horizontal strip of the sheet and what is painted in it: the blocks' rectangles by
    status (one brush each), the outlines of late and unconfirmed ones, and the blocks wide
    enough for a name — all in paint order (withdrawn and finished visits first)."""

    top: float
    bottom: float
    lanes: list[Lane] = field(default_factory=list)
    by_status: dict[str, list[QRectF]] = field(default_factory=dict)
    late: list[QRectF] = field(default_factory=list)
    unconfirmed: list[QRectF] = field(default_factory=list)
    texts: list[BlockPlace] = field(default_factory=list)


@dataclass(slots=True)
class GridGeometry:
    mode: ViewMode
    size: QSizeF
    span: tuple[int, int]  # first and last minute of the day drawn
    lanes: list[Lane] = field(default_factory=list)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    view: CalendarView | None = None
    available: QSizeF = field(default_factory=QSizeF)  # the viewport size it was laid out for
    bands: list[PaintBand] = field(default_factory=list)  # top to bottom
    time_lines: list[QLineF] = field(default_factory=list)
    # The week's hour scale under each day's name: labels and marks at the header's bottom.
    hour_labels: list[HourLabel] = field(default_factory=list)
    hour_ticks: list[QLineF] = field(default_factory=list)
    today_column: QRectF | None = None  # the week's column of today in the office, header included
    # The blocks and their rectangles in paint order; `places` pairs them when first asked
    # (hit tests, highlighting), which painting a sheet does not need.
    block_order: list[VisitBlock] = field(default_factory=list)
    rect_order: list[QRectF] = field(default_factory=list)
    _places: list[BlockPlace] | None = None

    @property
    def places(self) -> list[BlockPlace]:
        if self._places is None:
            self._places = list(map(BlockPlace, self.block_order, self.rect_order))
        return self._places

    def bands_in(self, top: float, bottom: float) -> list[PaintBand]:
        return [band for band in self.bands if band.bottom >= top and band.top <= bottom]

    @property
    def span_minutes(self) -> int:
        return self.span[1] - self.span[0]

    @property
    def gutter(self) -> float:
        """The width of the left column: hours (day) or resource names (week)."""
        return self.lanes[0].rect.left() if self.lanes else 0.0

    def resource_name_at(self, point: QPointF) -> str | None:
        """The resource whose name is painted at `point` (a header or the week's gutter)."""
        if self.mode is ViewMode.DAY:
            if point.y() > HEADER_HEIGHT:
                return None
            lane = next(
                (la for la in self.lanes if la.rect.left() <= point.x() < la.rect.right()), None
            )
            return lane.resource.name if lane else None
        if point.x() > self.gutter or point.y() < HEADER_HEIGHT:
            return None
        band = next((b for b in self.bands if b.top <= point.y() < b.bottom), None)
        return band.lanes[0].resource.name if band and band.lanes else None

    def lane_at(self, point: QPointF) -> Lane | None:
        return next((lane for lane in self.lanes if lane.contains(point)), None)

    def place_at(self, point: QPointF) -> BlockPlace | None:
        for place in reversed(self.places):  # drawn last = on top
            if place.rect.contains(point):
                return place
        return None

    def place_of(self, visit_id: int) -> BlockPlace | None:
        return next((p for p in self.places if p.block.visit_id == visit_id), None)

    def minute_at(self, lane: Lane, point: QPointF) -> float:
        along = (point.y() if lane.vertical else point.x()) - lane.axis_start
        along = min(max(along, 0.0), lane.axis_length)
        return self.span[0] + along / lane.axis_length * self.span_minutes

    def position_of(self, lane: Lane, minute: float) -> float:
        """The coordinate on the lane's time axis (y for day, x for week) of a minute."""
        return lane.axis_start + (minute - self.span[0]) / self.span_minutes * lane.axis_length

    def drop_target(self, point: QPointF, minute_offset: float = 0.0) -> DropTarget | None:
        """Where a dragged block whose start is `minute_offset` before the pointer would land."""
        lane = self.lane_at(point)
        if lane is None:
            return None
        minute = self.minute_at(lane, point) - minute_offset
        snapped = snap_minute(minute, lane, self.view)
        local = dt.datetime.combine(lane.day, dt.time(snapped // 60, snapped % 60), self.zone)
        return DropTarget(lane.resource.resource_id, lane.day, snapped, local.astimezone(dt.UTC))

    def rect_for(self, lane: Lane, minute: int, minutes: int) -> QRectF:
        a = self.position_of(lane, minute)
        b = self.position_of(lane, minute + minutes)
        offset, thickness = lane.across
        if lane.vertical:
            return QRectF(offset, a, thickness, max(b - a, 3.0))
        return QRectF(a, offset, max(b - a, 3.0), thickness)


def _minute_of_day(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def snap_minute(minute: float, lane: Lane, view: CalendarView | None) -> int:
    """The nearest slot start of the resource that day: slots of slot_minutes every
    slot_minutes + buffer from the start of each working interval (as the booking service
    lays them out). A day without hours snaps to that grid from midnight, and the booking
    service then refuses the time with its reason."""
    resource = lane.resource
    length = max(5, resource.slot_minutes)
    step = max(5, resource.slot_minutes + resource.buffer_minutes)
    intervals = view.hours.get((resource.resource_id, lane.day), ()) if view else ()
    starts: list[int] = []
    for begins, ends in intervals:
        first = _minute_of_day_time(begins)
        close = _minute_of_day_time(ends) or 24 * 60
        starts.extend(range(first, close - length + 1, step))
    if starts:
        return min(starts, key=lambda start: (abs(start - minute), start))
    snapped = round(minute / step) * step
    return int(min(max(snapped, 0), 24 * 60 - step))


def _minute_of_day_time(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _span(view: CalendarView, mode: ViewMode) -> tuple[int, int]:
    first: float = math.inf
    last: float = -math.inf
    for intervals in view.hours.values():
        for starts, ends in intervals:
            first = min(first, _minute_of_day_time(starts))
            last = max(last, _minute_of_day_time(ends) or 24 * 60)
    # Blocks share their moments' objects (see views._blocks): look at each pair once.
    moments = {(b.starts_local, b.ends_local) for b in view.blocks}
    for local_start, local_end in moments:
        first = min(first, _minute_of_day(local_start))
        last = max(
            last,
            24 * 60 if local_end.date() > local_start.date() else _minute_of_day(local_end),
        )
    if first == math.inf:
        return DEFAULT_SPAN
    begin = int(first) // 60 * 60
    end = min(24 * 60, -(-int(last) // 60) * 60)
    if mode is ViewMode.DAY:
        begin, end = min(begin, DEFAULT_SPAN[0]), max(end, DEFAULT_SPAN[1])
    return begin, max(end, begin + 60)


def _lane(
    resource: ResourceChoice,
    day: dt.date,
    rect: QRectF,
    vertical: bool,
    span: tuple[int, int],
    intervals: tuple[tuple[dt.time, dt.time], ...],
) -> Lane:
    if vertical:
        axis_start, axis_length = rect.top(), rect.height()
        across = (rect.left() + 2, rect.width() - 4)
    else:
        axis_start, axis_length = rect.left() + CELL_PADDING, rect.width() - 2 * CELL_PADDING
        across = (rect.top() + CELL_PADDING, rect.height() - 2 * CELL_PADDING)
    scale = axis_length / (span[1] - span[0])
    work = []
    for starts, ends in intervals:
        a = max(_minute_of_day_time(starts), span[0])
        b = min(_minute_of_day_time(ends) or 24 * 60, span[1])
        if b <= a:
            continue
        p, q = axis_start + (a - span[0]) * scale, axis_start + (b - span[0]) * scale
        work.append(
            QRectF(rect.left(), p, rect.width(), q - p)
            if vertical
            else QRectF(p, rect.top(), q - p, rect.height())
        )
    return Lane(resource, day, rect, vertical, tuple(work), axis_start, axis_length, across)


def week_gutter(sizes: TextSizes) -> float:
    if sizes.widest_name is None:
        return WEEK_GUTTER_WIDTH
    return min(WEEK_MAX_GUTTER, max(WEEK_MIN_GUTTER, math.ceil(sizes.widest_name + NAME_PADDING)))


def layout_grid(
    view: CalendarView, mode: ViewMode, available: QSizeF, sizes: TextSizes | None = None
) -> GridGeometry:
    """Lanes, bands and block rectangles for `view` filling at least `available` (the
    viewport), with room for texts of `sizes`."""
    sizes = sizes or TextSizes()
    zone = ZoneInfo(view.office_time_zone)
    span = _span(view, mode)
    span_minutes = span[1] - span[0]
    resources = view.resources
    count = max(1, len(resources))
    lanes: list[Lane] = []
    bands: list[PaintBand] = []
    if mode is ViewMode.DAY:
        column = max(DAY_MIN_COLUMN, (available.width() - DAY_GUTTER_WIDTH) / count)
        height = max(
            DAY_MIN_HOUR_HEIGHT * span_minutes / 60, available.height() - HEADER_HEIGHT - 1
        )
        size = QSizeF(DAY_GUTTER_WIDTH + column * count, HEADER_HEIGHT + height)
        day = view.days[0]
        band = PaintBand(HEADER_HEIGHT, HEADER_HEIGHT + height)
        bands.append(band)
        for index, resource in enumerate(resources):
            rect = QRectF(DAY_GUTTER_WIDTH + index * column, HEADER_HEIGHT, column, height)
            hours = view.hours.get((resource.resource_id, day), ())
            band.lanes.append(_lane(resource, day, rect, True, span, hours))
    else:
        days = len(view.days)
        gutter = week_gutter(sizes)
        day_width = max(WEEK_MIN_DAY_WIDTH, (available.width() - gutter) / days)
        row = max(WEEK_MIN_ROW_HEIGHT, (available.height() - HEADER_HEIGHT - 1) / count)
        size = QSizeF(gutter + day_width * days, HEADER_HEIGHT + row * len(resources))
        for r_index, resource in enumerate(resources):
            top = HEADER_HEIGHT + r_index * row
            band = PaintBand(top, top + row)
            bands.append(band)
            for d_index, day in enumerate(view.days):
                rect = QRectF(gutter + d_index * day_width, top, day_width, row)
                hours = view.hours.get((resource.resource_id, day), ())
                band.lanes.append(_lane(resource, day, rect, False, span, hours))
    for band in bands:
        lanes.extend(band.lanes)
    geometry = GridGeometry(mode, size, span, lanes, zone, view, QSizeF(available), bands)
    _place_blocks(geometry, view)
    if mode is ViewMode.WEEK and geometry.bands:
        step = _label_step(geometry, sizes.hour_label)
        geometry.time_lines = _week_time_lines(geometry, step)
        _hour_scale(geometry, step, sizes.hour_label)
        today = view.now.astimezone(zone).date()
        cell = next((lane.rect for lane in geometry.bands[0].lanes if lane.day == today), None)
        if cell is not None:
            geometry.today_column = QRectF(cell.left(), 0, cell.width(), geometry.bands[-1].bottom)
    else:
        geometry.time_lines = _day_time_lines(geometry)
    return geometry


def _place_blocks(geometry: GridGeometry, view: CalendarView) -> None:
    """Rectangles of the blocks in paint order, also grouped into their bands. Visits
    overlapping in one lane (group slots, a cancelled visit under its replacement) share it
    side by side: each run of overlapping visits is split into as many tracks as it needs,
    greedily in start order.

    One tight loop: the sheet of a busy week has thousands of blocks."""
    lane_of = {(lane.resource.resource_id, lane.day): lane for lane in geometry.lanes}
    band_of = {id(lane): band for band in geometry.bands for lane in band.lanes}
    first_minute, span_minutes = geometry.span[0], geometry.span_minutes
    blocks: list[VisitBlock] = []
    rects: list[QRectF] = []
    bands: list[PaintBand] = []
    tracks_of: list[int] = []  # each block's track in its run
    run_key: tuple[int, dt.date] | None = None
    run_start = 0  # index in blocks of the current run's first block
    run_tracks: list[int] = []  # the end minute of each track of the current run
    run_end = -1
    lane: Lane | None = None
    band = PaintBand(0, 0)
    scale = axis_start = offset = thickness = 0.0
    vertical = False
    day_minute: dict[dt.datetime, tuple[dt.date, int]] = {}  # per distinct (shared) start

    def split_run() -> None:
        """Narrow the current run's rectangles into tracks (rare: overlapping visits)."""
        share = thickness / len(run_tracks)
        for index in range(run_start, len(blocks)):
            old = rects[index]
            across = offset + tracks_of[index] * share
            rects[index] = (
                QRectF(across, old.top(), share, old.height())
                if vertical
                else QRectF(old.left(), across, old.width(), share)
            )

    # view.blocks come ordered by resource and start: a lane's blocks are consecutive.
    for block in view.blocks:
        start = block.starts_local
        known = day_minute.get(start)
        if known is None:
            known = day_minute[start] = (start.date(), start.hour * 60 + start.minute)
        day, first = known
        key = (block.resource_id, day)
        length = (block.ends_at - block.starts_at) // MINUTE
        if length < 5:
            length = 5
        if key != run_key or first >= run_end:
            if len(run_tracks) > 1:
                split_run()
            run_start, run_tracks, run_end = len(blocks), [], -1
            if key != run_key:
                run_key = key
                lane = lane_of.get(key)
                if lane is not None:
                    band = band_of[id(lane)]
                    scale = lane.axis_length / span_minutes
                    axis_start, vertical = lane.axis_start, lane.vertical
                    offset, thickness = lane.across
        if lane is None:
            continue
        for track, end in enumerate(run_tracks):
            if end <= first:
                run_tracks[track] = first + length
                break
        else:
            run_tracks.append(first + length)
            track = len(run_tracks) - 1
        if first + length > run_end:
            run_end = first + length
        a = axis_start + (first - first_minute) * scale
        extent = length * scale if length * scale > 3.0 else 3.0
        blocks.append(block)
        bands.append(band)
        tracks_of.append(track)
        rects.append(
            QRectF(offset, a, thickness, extent)
            if vertical
            else QRectF(a, offset, extent, thickness)
        )
    if len(run_tracks) > 1:
        split_run()
    _fill_bands(geometry, blocks, rects, bands)


def _fill_bands(
    geometry: GridGeometry,
    blocks: list[VisitBlock],
    rects: list[QRectF],
    bands: list[PaintBand],
) -> None:
    """The paint order (withdrawn and finished visits first, so active ones are painted over
    them and win clicks), and each rectangle into its band's groups."""
    withdrawn: list[int] = []
    active: list[int] = []
    upright_text = geometry.mode is ViewMode.WEEK  # narrow, tall week blocks: text upright
    for index, block in enumerate(blocks):
        (active if block.status in ACTIVE_STATUSES else withdrawn).append(index)
    order = withdrawn + active
    geometry.block_order = [blocks[i] for i in order]
    geometry.rect_order = [rects[i] for i in order]
    for index in order:
        block, rect, band = blocks[index], rects[index], bands[index]
        by_status = band.by_status.get(block.status)
        if by_status is None:
            by_status = band.by_status[block.status] = []
        by_status.append(rect)
        if block.late:
            band.late.append(rect.adjusted(1, 1, -1, -1))
        elif block.unconfirmed:
            band.unconfirmed.append(rect.adjusted(1, 1, -1, -1))
        width, height = rect.width(), rect.height()
        if width >= TEXT_MIN_WIDTH or (
            upright_text and height >= TEXT_MIN_WIDTH and width >= TEXT_MIN_THICKNESS
        ):
            band.texts.append(BlockPlace(block, rect))


def _day_time_lines(geometry: GridGeometry) -> list[QLineF]:
    first, last = geometry.span
    if not geometry.lanes:
        return []
    lane = geometry.lanes[0]
    width = geometry.size.width()
    return [
        QLineF(0, y, width, y)
        for y in (geometry.position_of(lane, m) for m in range(first, last + 1, 60))
    ]


def _hour_width(geometry: GridGeometry) -> float:
    return geometry.lanes[0].axis_length / max(1.0, geometry.span_minutes / 60)


def _label_step(geometry: GridGeometry, label_width: float) -> int:
    """Minutes between the hour scale's labels: the shortest step whose labels do not touch,
    the first one included (it is kept inside the cell, half a label right of its mark)."""
    hour_width = _hour_width(geometry)
    room = 1.5 * label_width + HOUR_LABEL_GAP
    hours = next((h for h in HOUR_STEPS if h * hour_width >= room), HOUR_STEPS[-1])
    return hours * 60


def _scale_minutes(first: int, last: int, step: int) -> range:
    """Every `step` from the span's start (10:00, 13:00, 16:00…): the first label tells
    where a day's cell begins."""
    return range(first, last + 1, step)


def _week_time_lines(geometry: GridGeometry, label_step: int) -> list[QLineF]:
    first, last = geometry.span
    step = 60 if _hour_width(geometry) >= 14 else label_step
    # The rows of a day's column touch: one line down the whole column per hour.
    top, bottom = geometry.bands[0].top, geometry.bands[-1].bottom
    lines = []
    for lane in geometry.bands[0].lanes:
        for minute in _scale_minutes(first + step, last - 1, step):
            x = geometry.position_of(lane, minute)
            lines.append(QLineF(x, top, x, bottom))
    return lines


def _hour_scale(geometry: GridGeometry, step: int, label_width: float) -> None:
    """Each day's hour labels, centred on their marks but kept inside the day's header; a
    label that would touch the previous one is left out (only at the span's ends)."""
    first, last = geometry.span
    top = WEEK_DAY_LABEL_HEIGHT
    height = HEADER_HEIGHT - HOUR_TICK - top
    for lane in geometry.bands[0].lanes:
        left_edge, right_edge = lane.rect.left() + 1, lane.rect.right() - 1
        previous_right = -math.inf
        for minute in _scale_minutes(first, last, step):
            x = geometry.position_of(lane, minute)
            geometry.hour_ticks.append(QLineF(x, HEADER_HEIGHT - HOUR_TICK, x, HEADER_HEIGHT))
            left = min(max(x - label_width / 2, left_edge), right_edge - label_width)
            if left < left_edge or left < previous_right + HOUR_LABEL_GAP / 2:
                continue
            previous_right = left + label_width
            text = f"{minute // 60:02d}:{minute % 60:02d}"
            geometry.hour_labels.append(HourLabel(QRectF(left, top, label_width, height), text))
