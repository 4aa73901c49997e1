"""Slot layout and free-slot search: zones, DST, holidays, breaks, buffers and capacity."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping

from operator_app.core.calendar.preferences import TimeWindow
from operator_app.core.calendar.slots import (
    ExceptionDay,
    ResourceCalendar,
    free_slots,
    layout_slots,
    merge_exceptions,
    slot_starting_at,
)

T = dt.time
MONDAY = dt.date(2030, 3, 4)
SATURDAY = MONDAY + dt.timedelta(days=5)
NINE_TO_SIX = ((T(9), T(13)), (T(14), T(18)))
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
VLADIVOSTOK = zoneinfo.ZoneInfo("Asia/Vladivostok")


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=dt.UTC)


def calendar(
    resource_id: int = 1,
    *,
    zone: str = "Europe/Moscow",
    slot: int = 60,
    buffer: int = 0,
    capacity: int = 1,
    weekdays: Iterable[int] = range(5),
    intervals: Iterable[tuple[dt.time, dt.time]] = NINE_TO_SIX,
    exceptions: Mapping[dt.date, tuple[tuple[dt.time, dt.time], ...]] | None = None,
) -> ResourceCalendar:
    spans = list(intervals)
    return ResourceCalendar(
        resource_id=resource_id,
        office_time_zone=zone,
        slot_minutes=slot,
        buffer_minutes=buffer,
        capacity=capacity,
        hours=tuple((day, starts, ends) for day in weekdays for starts, ends in spans),
        exceptions=exceptions or {},
    )


def local_starts(cal: ResourceCalendar, day: dt.date) -> list[str]:
    zone = zoneinfo.ZoneInfo(cal.office_time_zone)
    return [f"{s.astimezone(zone):%H:%M}" for s, _ in layout_slots(cal, day, day)]


# --- layout ---------------------------------------------------------------------------------


def test_moscow_day_with_a_lunch_break() -> None:
    cal = calendar()
    assert local_starts(cal, MONDAY) == [
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "14:00",
        "15:00",
        "16:00",
        "17:00",
    ]
    slots = list(layout_slots(cal, MONDAY, MONDAY))
    first, last = slots[0], slots[-1]
    assert first == (utc(MONDAY, 6), utc(MONDAY, 7))  # UTC+3
    assert last == (utc(MONDAY, 14), utc(MONDAY, 15))


def test_weekend_without_hours_has_no_slots() -> None:
    assert local_starts(calendar(), SATURDAY) == []


def test_buffer_between_slots_and_a_slot_must_fit_before_the_break() -> None:
    cal = calendar(slot=30, buffer=15, intervals=((T(9), T(13)),))
    assert local_starts(cal, MONDAY) == ["09:00", "09:45", "10:30", "11:15", "12:00"]
    ends = [e - s for s, e in layout_slots(cal, MONDAY, MONDAY)]
    assert set(ends) == {dt.timedelta(minutes=30)}


def test_holiday_closes_the_day_and_a_special_working_day_replaces_hours() -> None:
    cal = calendar(exceptions={MONDAY: (), SATURDAY: ((T(10), T(12)), (T(13), T(14)))})
    assert local_starts(cal, MONDAY) == []
    assert local_starts(cal, SATURDAY) == ["10:00", "11:00", "13:00"]
    tuesday = MONDAY + dt.timedelta(days=1)
    assert len(local_starts(cal, tuesday)) == 8


def test_layout_covers_a_range_of_days_in_order() -> None:
    cal = calendar()
    slots = list(layout_slots(cal, MONDAY, MONDAY + dt.timedelta(days=6)))
    assert len(slots) == 5 * 8
    assert slots == sorted(slots)


def test_working_until_midnight() -> None:
    cal = calendar(intervals=((T(22), T(0)),))
    assert local_starts(cal, MONDAY) == ["22:00", "23:00"]


def test_exceptions_resource_overrides_office() -> None:
    office = [
        ExceptionDay(MONDAY, "holiday"),
        ExceptionDay(SATURDAY, "working", T(10), T(14)),
    ]
    own = [ExceptionDay(MONDAY, "working", T(12), T(15))]
    merged = merge_exceptions(office, own)
    assert merged == {MONDAY: ((T(12), T(15)),), SATURDAY: ((T(10), T(14)),)}
    assert merge_exceptions(office, [])[MONDAY] == ()
    day_off = merge_exceptions([], [ExceptionDay(SATURDAY, "day_off")])
    assert day_off == {SATURDAY: ()}


def test_closing_row_wins_over_a_working_row_of_the_same_day() -> None:
    rows = [ExceptionDay(MONDAY, "working", T(9), T(12)), ExceptionDay(MONDAY, "holiday")]
    assert merge_exceptions(rows, []) == {MONDAY: ()}


# --- DST (Europe/Berlin: 31 March 2030 02:00 -> 03:00, 27 October 2030 03:00 -> 02:00) -------

DST_START = dt.date(2030, 3, 31)  # a Sunday
DST_END = dt.date(2030, 10, 27)  # a Sunday


def test_berlin_office_keeps_wall_clock_hours_across_spring_forward() -> None:
    cal = calendar(zone="Europe/Berlin", weekdays=range(7), intervals=((T(9), T(10)),))
    friday, monday = DST_START - dt.timedelta(days=2), DST_START + dt.timedelta(days=1)
    assert [s for s, _ in layout_slots(cal, friday, friday)] == [utc(friday, 8)]  # CET
    assert [s for s, _ in layout_slots(cal, monday, monday)] == [utc(monday, 7)]  # CEST


def test_nonexistent_local_time_is_skipped() -> None:
    cal = calendar(zone="Europe/Berlin", weekdays=[6], intervals=((T(1), T(5)),))
    slots = list(layout_slots(cal, DST_START, DST_START))
    # 01:00 CET, (02:00 does not exist), 03:00 CEST, 04:00 CEST
    assert [s for s, _ in slots] == [utc(DST_START, 0), utc(DST_START, 1), utc(DST_START, 2)]
    assert local_starts(cal, DST_START) == ["01:00", "03:00", "04:00"]
    assert all(e - s == dt.timedelta(hours=1) for s, e in slots)


def test_repeated_local_hour_in_autumn_gives_one_slot_each_and_no_overlap() -> None:
    cal = calendar(zone="Europe/Berlin", weekdays=[6], intervals=((T(1), T(4)),))
    slots = list(layout_slots(cal, DST_END, DST_END))
    day_before = DST_END - dt.timedelta(days=1)
    # 01:00 CEST, 02:00 (first, CEST), 03:00 CET
    assert [s for s, _ in slots] == [utc(day_before, 23), utc(DST_END, 0), utc(DST_END, 2)]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(slots))


def test_slot_starting_at_finds_only_real_slots() -> None:
    cal = calendar()
    assert slot_starting_at(cal, utc(MONDAY, 7)) == (utc(MONDAY, 7), utc(MONDAY, 8))
    assert slot_starting_at(cal, utc(MONDAY, 10)) is None  # 13:00 Moscow: lunch
    assert slot_starting_at(cal, utc(MONDAY, 7, 30)) is None  # off the grid
    assert slot_starting_at(cal, utc(SATURDAY, 7)) is None


# --- free slots -----------------------------------------------------------------------------

AFTER = utc(MONDAY, 5)  # Monday 08:00 in Moscow


def test_client_in_vladivostok_sees_moscow_slots_in_both_times() -> None:
    # Monday 16:00-19:00 in Vladivostok (UTC+10) is 09:00-12:00 in Moscow (UTC+3).
    windows = (TimeWindow(0, T(16), T(19)),)
    found = free_slots([calendar()], {}, windows, "Asia/Vladivostok", AFTER, 10)
    assert [f"{o.client_local:%a %H:%M}" for o in found[:3]] == [
        "Mon 16:00",
        "Mon 17:00",
        "Mon 18:00",
    ]
    first = found[0]
    assert first.starts_at == utc(MONDAY, 6)
    assert first.office_local == dt.datetime(2030, 3, 4, 9, tzinfo=MOSCOW)
    assert first.client_local == dt.datetime(2030, 3, 4, 16, tzinfo=VLADIVOSTOK)
    assert first.office_local.utcoffset() == dt.timedelta(hours=3)
    assert first.client_local.utcoffset() == dt.timedelta(hours=10)
    # Three a Monday, and the next come a week later.
    assert [o.starts_at for o in found[:4]] == [
        utc(MONDAY, 6),
        utc(MONDAY, 7),
        utc(MONDAY, 8),
        utc(MONDAY + dt.timedelta(days=7), 6),
    ]
    assert len(found) == 10


def test_client_weekday_differs_from_the_office_day() -> None:
    # Tuesday 00:00-01:00 in Vladivostok is Monday 17:00-18:00 in Moscow.
    windows = (TimeWindow(1, T(0), T(1)),)
    found = free_slots([calendar()], {}, windows, "Asia/Vladivostok", AFTER, 1)
    assert len(found) == 1
    assert found[0].office_local == dt.datetime(2030, 3, 4, 17, tzinfo=MOSCOW)
    assert found[0].client_local == dt.datetime(2030, 3, 5, 0, tzinfo=VLADIVOSTOK)


def test_visit_must_fit_wholly_inside_the_window() -> None:
    windows = (TimeWindow(0, T(9, 30), T(12)),)  # 09:00 slot starts too early
    found = free_slots([calendar()], {}, windows, "Europe/Moscow", AFTER, 3)
    assert [f"{o.office_local:%a %H:%M}" for o in found] == ["Mon 10:00", "Mon 11:00", "Mon 10:00"]
    assert found[2].starts_at == utc(MONDAY + dt.timedelta(days=7), 7)


def test_capacity_and_booked_seats() -> None:
    cal = calendar(capacity=3)
    booked = {(1, utc(MONDAY, 6)): 3, (1, utc(MONDAY, 7)): 2}
    found = free_slots([cal], booked, (), "Europe/Moscow", AFTER, 2)
    assert [(o.starts_at, o.free_seats) for o in found] == [
        (utc(MONDAY, 7), 1),
        (utc(MONDAY, 8), 3),
    ]


def test_only_slots_after_the_moment_and_excluded_ones_are_left_out() -> None:
    after = utc(MONDAY, 7, 30)  # 10:30 Moscow
    found = free_slots(
        [calendar()], {}, (), "Europe/Moscow", after, 2, exclude=[(1, utc(MONDAY, 8))]
    )
    assert [o.starts_at for o in found] == [utc(MONDAY, 9), utc(MONDAY, 11)]


def test_soonest_first_across_offices_in_different_zones() -> None:
    moscow = calendar(1)
    vladivostok = calendar(2, zone="Asia/Vladivostok")
    # Monday 09:00 in Vladivostok is Sunday 23:00 UTC: before any Moscow slot.
    found = free_slots(
        [moscow, vladivostok], {}, (), "Europe/Moscow", utc(MONDAY, 0) - dt.timedelta(hours=2), 12
    )
    starts = [(o.starts_at, o.resource_id) for o in found]
    assert starts == sorted(starts)
    assert found[0].resource_id == 2
    assert found[0].starts_at == utc(MONDAY, 0) - dt.timedelta(hours=1)
    assert {o.resource_id for o in found} == {1, 2}


def test_ties_go_to_the_lower_resource_id() -> None:
    found = free_slots([calendar(7), calendar(3)], {}, (), "Europe/Moscow", AFTER, 2)
    assert [(o.resource_id, o.starts_at) for o in found] == [
        (3, utc(MONDAY, 6)),
        (7, utc(MONDAY, 6)),
    ]


def test_holidays_are_skipped_by_the_search() -> None:
    cal = calendar(exceptions={MONDAY: ()})
    found = free_slots([cal], {}, (), "Europe/Moscow", AFTER, 1)
    assert found[0].starts_at == utc(MONDAY + dt.timedelta(days=1), 6)


def test_nothing_inside_the_horizon_gives_an_empty_list() -> None:
    saturday_only = (TimeWindow(5, T(10), T(12)),)
    assert free_slots([calendar()], {}, saturday_only, "Europe/Moscow", AFTER, 5) == []
    assert free_slots([], {}, (), "Europe/Moscow", AFTER, 5) == []
    assert free_slots([calendar()], {}, (), "Europe/Moscow", AFTER, 0) == []


def test_search_across_fifty_resources_finds_the_soonest_in_narrow_windows() -> None:
    cals = [
        calendar(
            i,
            zone=("Europe/Moscow", "Asia/Yekaterinburg", "Europe/Berlin")[i % 3],
            capacity=1 + i % 4,
        )
        for i in range(1, 51)
    ]
    windows = (TimeWindow(3, T(18), T(20)),)  # Thursday evenings, Vladivostok time
    found = free_slots(cals, {}, windows, "Asia/Vladivostok", AFTER, 10)
    assert len(found) == 10
    assert [(o.starts_at, o.resource_id) for o in found] == sorted(
        (o.starts_at, o.resource_id) for o in found
    )
    for option in found:
        local = option.client_local
        assert local.weekday() == 3 and T(18) <= local.time() and local.time() <= T(19)


def test_ahead_is_told_every_start_before_it_is_looked_up() -> None:
    cals = [calendar(1, capacity=2), calendar(2, zone="Asia/Vladivostok")]
    booked = {
        (cal.resource_id, starts): 1
        for cal in cals
        for starts, _ in layout_slots(cal, MONDAY, MONDAY + dt.timedelta(days=92))
    }
    told: list[set[dt.datetime]] = []

    class Lazy(Mapping[tuple[int, dt.datetime], int]):
        def __getitem__(self, key: tuple[int, dt.datetime]) -> int:
            assert any(key[1] in starts for starts in told), key
            return booked[key]

        def __iter__(self) -> Iterator[tuple[int, dt.datetime]]:
            return iter(booked)

        def __len__(self) -> int:
            return len(booked)

    lazy = Lazy()
    windows = (TimeWindow(0, T(9), T(12)), TimeWindow(3, T(14), T(18)))
    expected = free_slots(cals, booked, windows, "Europe/Moscow", AFTER, 40)
    found = free_slots(
        cals, lazy, windows, "Europe/Moscow", AFTER, 40, ahead=lambda s: told.append(set(s))
    )
    assert found == expected
    assert len(found) == 40
    assert {(o.resource_id, o.free_seats) for o in found} == {(1, 1)}  # 2 seats, 1 taken
    assert len(told) >= 2  # a few days at a time, not the whole horizon at once
