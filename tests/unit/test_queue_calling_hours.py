"""Calling hours in the client's local time, across Russian zones and a zone with DST."""

from __future__ import annotations

import datetime as dt

from operator_app.core.queue.buckets import Bucket, reason_text
from operator_app.core.queue.calling_hours import CallingHours, HoursWindow, candidate_zones

WEEKDAYS_9_TO_21 = [HoursWindow(day, dt.time(9), dt.time(21)) for day in range(5)]
SATURDAY = HoursWindow(5, dt.time(10), dt.time(16))
HOURS = CallingHours.of([*WEEKDAYS_9_TO_21, SATURDAY])


def utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def test_the_clients_local_time_decides_not_the_operators() -> None:
    # 08:30 in Yekaterinburg (UTC+5) is too early; 09:10 in Moscow (UTC+3) is fine.
    assert not HOURS.allows(utc(2026, 11, 23, 3, 30), "Asia/Yekaterinburg")
    assert HOURS.allows(utc(2026, 11, 23, 6, 10), "Europe/Moscow")
    # At that same moment Kaliningrad is at 08:10 and Vladivostok at 16:10.
    assert not HOURS.allows(utc(2026, 11, 23, 6, 10), "Europe/Kaliningrad")
    assert HOURS.allows(utc(2026, 11, 23, 6, 10), "Asia/Vladivostok")


def test_the_end_of_the_window_is_exclusive() -> None:
    assert HOURS.allows(utc(2026, 11, 23, 17, 59), "Europe/Moscow")
    assert not HOURS.allows(utc(2026, 11, 23, 18, 0), "Europe/Moscow")


def test_weekday_rules_saturday_and_sunday() -> None:
    saturday_0930_msk = utc(2026, 11, 28, 6, 30)
    assert not HOURS.allows(saturday_0930_msk, "Europe/Moscow")  # Saturdays start at 10
    assert HOURS.allows(saturday_0930_msk, "Asia/Yekaterinburg")  # 11:30 there
    assert not HOURS.allows(utc(2026, 11, 29, 9, 0), "Europe/Moscow")  # Sunday: no hours
    # Friday 23:30 UTC is already Saturday 08:30 in Vladivostok (UTC+10): too early.
    assert not HOURS.allows(utc(2026, 11, 27, 22, 30), "Asia/Vladivostok")


def test_a_zone_with_daylight_saving_time() -> None:
    # Berlin switches to summer time on 29 March 2026: 09:00 local moves from 08:00 to 07:00 UTC.
    assert not HOURS.allows(utc(2026, 3, 27, 7, 30), "Europe/Berlin")
    assert HOURS.allows(utc(2026, 3, 30, 7, 30), "Europe/Berlin")
    assert HOURS.next_allowed(utc(2026, 3, 28, 20, 0), "Europe/Berlin") == utc(2026, 3, 30, 7, 0)


def test_next_allowed_moment() -> None:
    friday_evening_msk = utc(2026, 11, 27, 18, 30)  # 21:30 in Moscow
    assert HOURS.next_allowed(friday_evening_msk, "Europe/Moscow") == utc(2026, 11, 28, 7, 0)
    inside = utc(2026, 11, 23, 10, 0)
    assert HOURS.next_allowed(inside, "Europe/Moscow") == inside
    assert CallingHours.of([]).next_allowed(inside, "Europe/Moscow") is None


def test_a_window_starting_in_a_dst_gap_starts_when_the_clock_jumps() -> None:
    gap_hours = CallingHours.of([HoursWindow(6, dt.time(2, 30), dt.time(5))])  # Sundays
    # 02:30 does not exist in Berlin on 29 March 2026; the clock reads 03:30 CEST at 01:30 UTC.
    assert gap_hours.next_allowed(utc(2026, 3, 28, 12, 0), "Europe/Berlin") == utc(
        2026, 3, 29, 1, 30
    )


def test_open_zones_is_the_small_set_the_sql_filters_on() -> None:
    moment = utc(2026, 11, 23, 6, 10)
    zones = HOURS.open_zones(moment, candidate_zones())
    assert {"Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok"} <= zones
    assert "Europe/Kaliningrad" not in zones and "America/New_York" not in zones
    assert "Europe/Moscow" in candidate_zones() and not any(
        z.startswith("posix/") for z in candidate_zones()
    )


def test_buckets_are_worked_in_the_documented_order_with_reasons() -> None:
    assert list(Bucket) == [
        Bucket.INBOUND,
        Bucket.CALLBACK,
        Bucket.REMINDER,
        Bucket.RETRY,
        Bucket.FRESH,
    ]
    assert [b.rank for b in Bucket] == [0, 1, 2, 3, 4]
    assert reason_text(Bucket.INBOUND, "missed") == "missed call"
    assert reason_text(Bucket.REMINDER, "confirm_call") == "confirm call is due"
    assert reason_text(Bucket.FRESH, "Autumn") == "fresh lead from list Autumn"
