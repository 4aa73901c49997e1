"""The client's preferred windows: parsing with precise errors, JSON, and containment."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from operator_app.core.calendar.preferences import (
    TimeWindow,
    parse_windows,
    validate_channel,
    validate_time_zone,
    window_contains,
    windows_to_json,
)
from operator_app.core.errors import ValidationFailed

T = dt.time


def test_windows_are_parsed_and_sorted_by_weekday_and_start() -> None:
    windows = parse_windows(
        [
            {"weekday": 2, "starts": "18:00", "ends": "20:30"},
            {"weekday": 0, "starts": "14:00", "ends": "16:00"},
            {"weekday": 0, "starts": "9:00", "ends": "12:00"},
        ]
    )
    assert windows == (
        TimeWindow(0, T(9), T(12)),
        TimeWindow(0, T(14), T(16)),
        TimeWindow(2, T(18), T(20, 30)),
    )


def test_json_round_trip() -> None:
    windows = (TimeWindow(0, T(9), T(12)), TimeWindow(5, T(10, 30), T(14)))
    raw = windows_to_json(windows)
    assert raw == [
        {"weekday": 0, "starts": "09:00", "ends": "12:00"},
        {"weekday": 5, "starts": "10:30", "ends": "14:00"},
    ]
    assert parse_windows(raw) == windows


def test_time_window_objects_are_accepted() -> None:
    assert parse_windows([TimeWindow(1, T(8), T(9))]) == (TimeWindow(1, T(8), T(9)),)


def test_empty_list_means_no_preference() -> None:
    assert parse_windows([]) == ()


@pytest.mark.parametrize(
    ("item", "field", "problem"),
    [
        (
            {"weekday": 7, "starts": "09:00", "ends": "10:00"},
            "windows[0].weekday",
            "weekday_out_of_range",
        ),
        (
            {"weekday": -1, "starts": "09:00", "ends": "10:00"},
            "windows[0].weekday",
            "weekday_out_of_range",
        ),
        (
            {"weekday": True, "starts": "09:00", "ends": "10:00"},
            "windows[0].weekday",
            "bad_weekday",
        ),
        (
            {"weekday": "mon", "starts": "09:00", "ends": "10:00"},
            "windows[0].weekday",
            "bad_weekday",
        ),
        ({"weekday": 0, "starts": "9", "ends": "10:00"}, "windows[0].starts", "bad_time"),
        ({"weekday": 0, "starts": "25:00", "ends": "26:00"}, "windows[0].starts", "bad_time"),
        ({"weekday": 0, "starts": "09:00", "ends": "10:60"}, "windows[0].ends", "bad_time"),
        ({"weekday": 0, "starts": None, "ends": "10:00"}, "windows[0].starts", "bad_time"),
        (
            {"weekday": 0, "starts": "10:00", "ends": "10:00"},
            "windows[0].ends",
            "ends_not_after_starts",
        ),
        (
            {"weekday": 0, "starts": "18:00", "ends": "09:00"},
            "windows[0].ends",
            "ends_not_after_starts",
        ),
        ({"weekday": 0, "starts": "09:00"}, "windows[0].ends", "missing"),
        ("Monday mornings", "windows[0]", "not_a_window"),
    ],
)
def test_bad_window_names_field_and_problem(item: Any, field: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_windows([item])
    assert (caught.value.field, caught.value.problem) == (field, problem)
    assert str(caught.value).startswith("window 1")


def test_error_names_the_right_window() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_windows(
            [
                {"weekday": 0, "starts": "09:00", "ends": "10:00"},
                {"weekday": 1, "starts": "12:00", "ends": "11:00"},
            ]
        )
    assert caught.value.field == "windows[1].ends"
    assert "window 2" in str(caught.value)


def test_overlapping_windows_on_one_day_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_windows(
            [
                {"weekday": 3, "starts": "09:00", "ends": "12:00"},
                {"weekday": 3, "starts": "11:30", "ends": "13:00"},
            ]
        )
    assert caught.value.problem == "overlapping"
    assert caught.value.field == "windows[1]"
    assert "overlaps 09:00-12:00" in str(caught.value)


def test_touching_windows_and_same_hours_on_other_days_are_fine() -> None:
    windows = parse_windows(
        [
            {"weekday": 3, "starts": "09:00", "ends": "12:00"},
            {"weekday": 3, "starts": "12:00", "ends": "13:00"},
            {"weekday": 4, "starts": "09:00", "ends": "12:00"},
        ]
    )
    assert len(windows) == 3


def test_a_string_is_not_a_list_of_windows() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_windows("mon 9-12")  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.problem) == ("windows", "not_a_list")


MONDAY = dt.date(2030, 3, 4)
MORNING = (TimeWindow(0, T(9), T(12)),)


@pytest.mark.parametrize(
    ("start", "minutes", "inside"),
    [
        (T(9), 60, True),
        (T(11), 60, True),  # ends exactly at the window's end
        (T(11, 30), 60, False),  # runs past the end
        (T(8, 30), 60, False),  # starts before
        (T(12), 30, False),
    ],
)
def test_whole_visit_must_fit_in_the_window(start: dt.time, minutes: int, inside: bool) -> None:
    assert window_contains(MORNING, dt.datetime.combine(MONDAY, start), minutes) is inside


def test_other_weekday_is_outside() -> None:
    tuesday = dt.datetime.combine(MONDAY + dt.timedelta(days=1), T(10))
    assert not window_contains(MORNING, tuesday, 30)


def test_visit_past_midnight_is_outside() -> None:
    late = (TimeWindow(0, T(22), T(23, 59)),)
    assert not window_contains(late, dt.datetime.combine(MONDAY, T(23, 30)), 60)


def test_aware_local_time_measures_real_duration_across_dst() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    night = (TimeWindow(6, T(1), T(3, 30)),)  # Sunday 31 March 2030: 02:00 -> 03:00
    start = dt.datetime(2030, 3, 31, 1, 30, tzinfo=berlin)
    # 60 real minutes after 01:30 CET the clock shows 03:30 CEST: still inside.
    assert window_contains(night, start, 60)
    assert not window_contains(night, start, 61)


def test_time_zone_and_channel_validation() -> None:
    assert validate_time_zone(" Asia/Vladivostok ") == "Asia/Vladivostok"
    assert validate_time_zone("") is None
    with pytest.raises(ValidationFailed) as caught:
        validate_time_zone("Mars/Olympus")
    assert caught.value.field == "time_zone"
    assert validate_channel("sms") == "sms"
    assert validate_channel(None) is None
    with pytest.raises(ValidationFailed) as bad:
        validate_channel("pigeon")
    assert (bad.value.field, bad.value.problem) == ("channel", "unknown_channel")
