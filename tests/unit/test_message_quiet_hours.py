"""Quiet hours in the client's zone: a message due at night waits for the morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging.quiet_hours import (
    DEFAULT_QUIET_HOURS,
    QuietHours,
    shift_out_of_quiet_hours,
    zone_or_default,
)

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10
KALININGRAD = ZoneInfo("Europe/Kaliningrad")  # UTC+2


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def test_daytime_is_left_alone() -> None:
    moment = utc(23, 9)  # 12:00 in Moscow
    assert shift_out_of_quiet_hours(moment, MOSCOW, DEFAULT_QUIET_HOURS) == moment


def test_evening_moves_to_next_morning_in_the_clients_zone() -> None:
    moment = utc(23, 9)  # 19:00 in Vladivostok: fine; 12:00 in Moscow
    assert shift_out_of_quiet_hours(moment, VLADIVOSTOK, DEFAULT_QUIET_HOURS) == moment
    late = utc(23, 12)  # 22:00 in Vladivostok, 15:00 in Moscow
    assert shift_out_of_quiet_hours(late, MOSCOW, DEFAULT_QUIET_HOURS) == late
    # 09:00 on the 24th in Vladivostok is 23:00 UTC on the 23rd.
    assert shift_out_of_quiet_hours(late, VLADIVOSTOK, DEFAULT_QUIET_HOURS) == utc(23, 23)


def test_early_morning_moves_to_the_same_mornings_end() -> None:
    moment = utc(23, 4)  # 07:00 in Moscow, 06:00 in Kaliningrad
    assert shift_out_of_quiet_hours(moment, MOSCOW, DEFAULT_QUIET_HOURS) == utc(23, 6)
    assert shift_out_of_quiet_hours(moment, KALININGRAD, DEFAULT_QUIET_HOURS) == utc(23, 7)


def test_boundaries() -> None:
    assert shift_out_of_quiet_hours(utc(23, 18), MOSCOW, DEFAULT_QUIET_HOURS) == utc(24, 6)  # 21:00
    before = utc(23, 17, 59)  # 20:59
    assert shift_out_of_quiet_hours(before, MOSCOW, DEFAULT_QUIET_HOURS) == before
    assert shift_out_of_quiet_hours(utc(23, 6), MOSCOW, DEFAULT_QUIET_HOURS) == utc(23, 6)  # 09:00


def test_quiet_hours_within_one_day_and_none() -> None:
    lunch = QuietHours(dt.time(13, 0), dt.time(14, 0))
    assert shift_out_of_quiet_hours(utc(23, 10, 30), MOSCOW, lunch) == utc(23, 11)
    never = QuietHours(dt.time(0, 0), dt.time(0, 0))
    assert shift_out_of_quiet_hours(utc(23, 20), MOSCOW, never) == utc(23, 20)


def test_across_a_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 22:30 on Saturday 28 March 2026 (CET); the clocks go forward that night.
    late = dt.datetime(2026, 3, 28, 21, 30, tzinfo=dt.UTC)
    assert shift_out_of_quiet_hours(late, berlin, DEFAULT_QUIET_HOURS) == dt.datetime(
        2026, 3, 29, 7, 0, tzinfo=dt.UTC
    )  # 09:00 CEST


def test_config_round_trip_and_validation() -> None:
    quiet = QuietHours.from_config({"quiet_from": "22:30", "quiet_to": "08:00"})
    assert quiet == QuietHours(dt.time(22, 30), dt.time(8, 0))
    assert quiet.to_config() == {"quiet_from": "22:30", "quiet_to": "08:00"}
    assert QuietHours.from_config({}) == DEFAULT_QUIET_HOURS
    for bad in ("25:00", "9", "09:0", 9, "aa:bb"):
        with pytest.raises(ValidationFailed) as raised:
            QuietHours.from_config({"quiet_from": bad})
        assert raised.value.field == "quiet_from"


def test_zone_fallbacks() -> None:
    assert zone_or_default(None, "Asia/Vladivostok") == VLADIVOSTOK
    assert zone_or_default("Not/AZone", None) == MOSCOW
    assert zone_or_default() == MOSCOW
