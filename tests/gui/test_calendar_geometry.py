"""The calendar sheet's layout: lanes per mode, overlapping visits side by side, drops
snapped to the resource's slot grid, the week's hour scale, today's column and the names'
column."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, QSize, QSizeF
from PySide6.QtWidgets import QApplication

from operator_app.core.calendar.views import CalendarView, ResourceChoice, VisitBlock
from operator_app.gui.calendar.geometry import (
    HEADER_HEIGHT,
    NAME_PADDING,
    WEEK_DAY_LABEL_HEIGHT,
    WEEK_MAX_GUTTER,
    WEEK_MIN_GUTTER,
    GridGeometry,
    HourLabel,
    TextSizes,
    ViewMode,
    layout_grid,
    snap_minute,
)
from operator_app.gui.calendar.grid import CalendarGrid
from operator_app.gui.calendar.texts import short_client_name

MONDAY = dt.date(2026, 11, 23)
ZONE = "Europe/Moscow"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def resource(resource_id: int, slot: int = 60, buffer: int = 0) -> ResourceChoice:
    return ResourceChoice(resource_id, 1, f"R{resource_id}", "seller", 1, slot, buffer, None)


def visit(
    visit_id: int, resource_id: int, hour: int, minute: int = 0, status: str = "booked"
) -> VisitBlock:
    starts = dt.datetime(2026, 11, 23, hour - 3, minute, tzinfo=dt.UTC)
    ends = starts + dt.timedelta(hours=1)
    offset = dt.timedelta(hours=3)
    zone = dt.timezone(offset)
    return VisitBlock(
        visit_id, 1, resource_id, starts, ends, ZONE, status, "C", None, None, None, False, False,
        starts.astimezone(zone), ends.astimezone(zone),
    )  # fmt: skip


def view(blocks: tuple[VisitBlock, ...], days: int = 1) -> CalendarView:
    resources = (resource(1), resource(2, 45, 15))
    day_list = tuple(MONDAY + dt.timedelta(days=n) for n in range(days))
    hours = {
        (r.resource_id, d): ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))
        for r in resources
        for d in day_list
    }
    return CalendarView(1, "O", ZONE, day_list, resources, blocks, hours, 0, 0, NOW)


def test_day_lanes_are_columns_and_week_lanes_are_cells(qapp: QApplication) -> None:
    day = layout_grid(view(()), ViewMode.DAY, QSizeF(1000, 700))
    assert len(day.lanes) == 2 and all(lane.vertical for lane in day.lanes)
    week = layout_grid(view((), days=7), ViewMode.WEEK, QSizeF(1400, 700))
    assert len(week.lanes) == 14 and not any(lane.vertical for lane in week.lanes)
    assert week.lanes[0].rect.top() < week.lanes[7].rect.top()  # a row per resource


def test_overlapping_visits_share_the_lane_and_others_keep_it_whole(qapp: QApplication) -> None:
    blocks = (
        visit(1, 1, 9, status="cancelled"),
        visit(2, 1, 9),
        visit(3, 1, 11),
    )
    geometry = layout_grid(view(blocks), ViewMode.DAY, QSizeF(1000, 700))
    rects = {p.block.visit_id: p.rect for p in geometry.places}
    assert rects[1].width() == rects[2].width() < rects[3].width()
    assert rects[1].left() != rects[2].left()
    # The active visit is painted last, so it wins the click where both could be.
    assert [p.block.visit_id for p in geometry.places][-1] in (2, 3)
    assert geometry.places[0].block.visit_id == 1


def test_drops_snap_to_the_slot_grid_inside_working_hours(qapp: QApplication) -> None:
    geometry = layout_grid(view(()), ViewMode.DAY, QSizeF(1000, 700))
    first, second = geometry.lanes
    assert snap_minute(10 * 60 + 20, first, geometry.view) == 10 * 60
    assert snap_minute(10 * 60 + 40, first, geometry.view) == 11 * 60
    assert snap_minute(12 * 60 + 50, first, geometry.view) == 12 * 60  # before the break
    assert snap_minute(13 * 60 + 20, first, geometry.view) == 14 * 60  # after it
    # 45-minute slots with a 15-minute buffer from 14:00: 14:00, 15:00, 16:00, 17:00.
    assert snap_minute(15 * 60 + 10, second, geometry.view) == 15 * 60
    assert snap_minute(20 * 60, second, geometry.view) == 17 * 60

    target = geometry.drop_target(
        QPointF(second.rect.center().x(), geometry.position_of(second, 15 * 60 + 5))
    )
    assert target is not None and target.resource_id == 2
    assert target.starts_at == dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def test_week_bands_are_rows_holding_their_blocks_by_status(qapp: QApplication) -> None:
    blocks = (visit(1, 1, 9), visit(2, 1, 11, status="held"), visit(3, 2, 10))
    geometry = layout_grid(view(blocks, days=7), ViewMode.WEEK, QSizeF(1400, 700))
    assert len(geometry.bands) == 2 and all(len(band.lanes) == 7 for band in geometry.bands)
    first, second = geometry.bands
    assert first.by_status == {
        "held": [geometry.places[0].rect],
        "booked": [p.rect for p in geometry.places if p.block.visit_id == 1],
    }
    assert [len(rects) for rects in second.by_status.values()] == [1]
    assert geometry.bands_in(second.top + 1, second.bottom - 1) == [second]
    # Hour lines run down each day's whole column, not lane by lane.
    assert {(line.y1(), line.y2()) for line in geometry.time_lines} == {(first.top, second.bottom)}


def test_the_grid_shows_a_layout_made_elsewhere_for_its_size(qapp: QApplication) -> None:
    shown = view((visit(1, 1, 9),), days=7)
    grid = CalendarGrid()
    ready = layout_grid(shown, ViewMode.WEEK, QSizeF(1400, 700))
    grid.set_view(shown, ViewMode.WEEK, QSize(1400, 700), geometry=ready)
    assert grid.geometry_ is ready
    grid.set_view(shown, ViewMode.WEEK, QSize(1200, 700), geometry=ready)  # resized meanwhile
    assert grid.geometry_ is not ready and grid.geometry_ is not None
    assert grid.geometry_.available == QSizeF(1200, 700)


def week_labels_by_day(geometry: GridGeometry) -> dict[dt.date, list[HourLabel]]:
    by_day: dict[dt.date, list[HourLabel]] = {}
    for label in geometry.hour_labels:
        x = label.rect.center().x()
        lane = next(la for la in geometry.bands[0].lanes if la.rect.left() < x < la.rect.right())
        by_day.setdefault(lane.day, []).append(label)
    return by_day


@pytest.mark.parametrize(
    ("width", "step_hours"),
    [(1400, 3), (4000, 1)],  # 9:00-18:00 in cells of ~175 px and of ~550 px
)
def test_week_headers_carry_an_hour_scale_placed_by_the_time_axis(
    qapp: QApplication, width: int, step_hours: int
) -> None:
    geometry = layout_grid(
        view((), days=7), ViewMode.WEEK, QSizeF(width, 700), TextSizes(hour_label=32)
    )
    assert geometry.span == (9 * 60, 18 * 60)
    by_day = week_labels_by_day(geometry)
    assert sorted(by_day) == list(geometry.view.days if geometry.view else ())
    for lane in geometry.bands[0].lanes:
        labels = by_day[lane.day]
        minutes = [int(label.text[:2]) * 60 + int(label.text[3:]) for label in labels]
        # A step apart from the span's start, never touching nor leaving the day's cell.
        assert all((minute - 9 * 60) % (step_hours * 60) == 0 for minute in minutes)
        assert minutes == sorted(minutes) and len(minutes) >= 9 // step_hours - 1
        for left, right in itertools.pairwise(labels):
            assert left.rect.right() < right.rect.left()
        for label, minute in zip(labels, minutes, strict=True):
            assert lane.rect.left() <= label.rect.left() < label.rect.right() <= lane.rect.right()
            assert WEEK_DAY_LABEL_HEIGHT <= label.rect.top() < label.rect.bottom() <= HEADER_HEIGHT
            mark = geometry.position_of(lane, minute)
            inside = lane.rect.left() + 32 / 2 < mark < lane.rect.right() - 32 / 2
            if inside:  # centred on its mark unless kept inside the cell at its edges
                assert label.rect.center().x() == pytest.approx(mark)
            assert any(tick.x1() == pytest.approx(mark) for tick in geometry.hour_ticks)
    assert by_day[MONDAY][0].text == "09:00"  # the span's start, kept inside the cell


def test_week_hour_labels_step_out_of_each_others_way(qapp: QApplication) -> None:
    narrow = layout_grid(
        view((), days=7), ViewMode.WEEK, QSizeF(1400, 700), TextSizes(hour_label=60)
    )
    # ~19 px an hour and labels of 60 px: every 6 hours from 9:00.
    assert [label.text for label in week_labels_by_day(narrow)[MONDAY]] == ["09:00", "15:00"]
    for labels in week_labels_by_day(narrow).values():
        for left, right in itertools.pairwise(labels):
            assert left.rect.right() < right.rect.left()


def test_todays_column_is_marked_in_the_week(qapp: QApplication) -> None:
    geometry = layout_grid(view((), days=7), ViewMode.WEEK, QSizeF(1400, 700))
    monday = geometry.bands[0].lanes[0].rect  # NOW is a Monday in the office
    assert geometry.today_column is not None
    assert (geometry.today_column.left(), geometry.today_column.width()) == (
        monday.left(),
        monday.width(),
    )
    assert geometry.today_column.top() == 0
    assert geometry.today_column.bottom() == geometry.bands[-1].bottom
    later = CalendarView(
        1, "O", ZONE, tuple(MONDAY + dt.timedelta(days=7 + n) for n in range(7)),
        (resource(1),), (), {}, 0, 0, NOW,
    )  # fmt: skip
    assert layout_grid(later, ViewMode.WEEK, QSizeF(1400, 700)).today_column is None


def test_the_week_gutter_fits_the_names_up_to_a_limit(qapp: QApplication) -> None:
    shown = view((), days=7)

    def gutter(sizes: TextSizes) -> float:
        return layout_grid(shown, ViewMode.WEEK, QSizeF(1400, 700), sizes).gutter

    assert gutter(TextSizes(widest_name=180)) == 180 + NAME_PADDING
    assert gutter(TextSizes(widest_name=600)) == WEEK_MAX_GUTTER
    assert gutter(TextSizes(widest_name=20)) == WEEK_MIN_GUTTER
    geometry = layout_grid(shown, ViewMode.WEEK, QSizeF(1400, 700), TextSizes(widest_name=180))
    second = geometry.bands[1]
    assert geometry.resource_name_at(QPointF(20, second.top + 5)) == "R2"
    assert geometry.resource_name_at(QPointF(geometry.gutter + 5, second.top + 5)) is None


def test_tall_narrow_week_blocks_get_text_and_small_ones_none(qapp: QApplication) -> None:
    blocks = (visit(1, 1, 9), visit(2, 2, 10))
    tall = layout_grid(view(blocks, days=7), ViewMode.WEEK, QSizeF(1400, 700))
    assert {place.block.visit_id for band in tall.bands for place in band.texts} == {1, 2}
    days = tuple(MONDAY + dt.timedelta(days=n) for n in range(7))
    hours = {(n, day): ((dt.time(9), dt.time(18)),) for n in range(1, 51) for day in days}
    many = CalendarView(
        1, "O", ZONE, days, tuple(resource(n) for n in range(1, 51)), blocks, hours, 0, 0, NOW
    )
    short = layout_grid(many, ViewMode.WEEK, QSizeF(1400, 700))  # rows of 30 px
    assert not any(band.texts for band in short.bands)


def test_short_client_names() -> None:
    assert short_client_name("Петров Иван Сергеевич") == "Петров"
    assert short_client_name("Иван Петров") == "Иван Петров"
    assert short_client_name("  ") == ""


def test_the_grid_paints_the_week_with_its_scale_and_names(qapp: QApplication) -> None:
    shown = view((visit(1, 1, 9), visit(2, 2, 12, status="confirmed")), days=7)
    grid = CalendarGrid()
    grid.set_view(shown, ViewMode.WEEK, QSize(1400, 700))
    geometry = grid.geometry_
    assert geometry is not None and geometry.hour_labels and geometry.hour_ticks
    image = grid.grab().toImage()
    assert image.width() == int(geometry.size.width())
    # Today's header cell is tinted; the next day's is not.
    monday, tuesday = geometry.bands[0].lanes[0].rect, geometry.bands[0].lanes[1].rect
    assert image.pixelColor(int(monday.center().x()), 3) != image.pixelColor(
        int(tuesday.center().x()), 3
    )
    name_point = QPoint(20, int(geometry.bands[0].top + 5))
    assert grid.tooltip_at(name_point) == "R1"
