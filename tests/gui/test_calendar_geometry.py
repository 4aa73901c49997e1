"""The calendar sheet's layout: lanes per mode, overlapping visits side by side, and drops
snapped to the resource's slot grid."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QSize, QSizeF
from PySide6.QtWidgets import QApplication

from operator_app.core.calendar.views import CalendarView, ResourceChoice, VisitBlock
from operator_app.gui.calendar.geometry import ViewMode, layout_grid, snap_minute
from operator_app.gui.calendar.grid import CalendarGrid

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
