"""When a client can come, in their own time, and how they want to be reminded.

The client says it once; slot suggestions and bookings never leave these windows. Windows are
stored as JSON: [{"weekday": 0..6 (0 = Monday), "starts": "HH:MM", "ends": "HH:MM"}, ...].
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from operator_app.core.errors import ValidationFailed

__all__ = [
    "CHANNELS",
    "ClientPreferences",
    "TimeWindow",
    "parse_windows",
    "validate_channel",
    "validate_time_zone",
    "window_contains",
    "windows_to_json",
]

CHANNELS: tuple[str, ...] = ("email", "sms", "messenger", "phone", "manual")
"""How a client may want confirmations and reminders."""

WEEKDAYS = 7
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The client can come on `weekday` (0 = Monday) from `starts` to `ends`, their local time."""

    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class ClientPreferences:
    contact_id: int
    windows: tuple[TimeWindow, ...]
    """Empty: the client named no preferred hours, any slot suits."""
    time_zone: str | None
    channel: str | None
    contact_time: str | None
    wants_earlier: bool


def _field(index: int, name: str) -> str:
    return f"windows[{index}].{name}"


def _clock(value: Any, index: int, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValidationFailed(
            _field(index, name), "bad_time", f"window {index + 1}: {name} must be HH:MM"
        )
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        raise ValidationFailed(
            _field(index, name),
            "bad_time",
            f"window {index + 1}: {name} {value!r} is not a time of day",
        )
    return dt.time(hours, minutes)


def _weekday(value: Any, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _field(index, "weekday"),
            "bad_weekday",
            f"window {index + 1}: the weekday must be a number 0 (Monday) to 6 (Sunday)",
        )
    if not 0 <= value < WEEKDAYS:
        raise ValidationFailed(
            _field(index, "weekday"),
            "weekday_out_of_range",
            f"window {index + 1}: weekday {value} is out of range 0 (Monday) to 6 (Sunday)",
        )
    return value


def _window(item: Any, index: int) -> TimeWindow:
    if isinstance(item, TimeWindow):
        weekday, starts, ends = item.weekday, item.starts, item.ends
    elif isinstance(item, Mapping):
        missing = [key for key in ("weekday", "starts", "ends") if key not in item]
        if missing:
            raise ValidationFailed(
                _field(index, missing[0]),
                "missing",
                f"window {index + 1}: '{missing[0]}' is missing",
            )
        weekday, starts, ends = item["weekday"], item["starts"], item["ends"]
    else:
        raise ValidationFailed(
            f"windows[{index}]",
            "not_a_window",
            f"window {index + 1} must have a weekday, a start and an end",
        )
    window = TimeWindow(
        _weekday(weekday, index), _clock(starts, index, "starts"), _clock(ends, index, "ends")
    )
    if window.ends <= window.starts:
        raise ValidationFailed(
            _field(index, "ends"),
            "ends_not_after_starts",
            f"window {index + 1}: it ends at {window.ends:%H:%M}, "
            f"not after it starts ({window.starts:%H:%M})",
        )
    return window


def parse_windows(raw: Iterable[Any]) -> tuple[TimeWindow, ...]:
    """Windows from JSON-like dicts (or TimeWindow objects), sorted by weekday and start.

    Raises ValidationFailed naming the field (``windows[i].starts`` ...) and the problem:
    missing, bad_weekday, weekday_out_of_range, bad_time, ends_not_after_starts, overlapping.
    """
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise ValidationFailed("windows", "not_a_list", "the windows must be a list")
    indexed = [(_window(item, index), index) for index, item in enumerate(raw)]
    indexed.sort(key=lambda pair: (pair[0].weekday, pair[0].starts))
    for (earlier, _), (later, index) in itertools.pairwise(indexed):
        if earlier.weekday == later.weekday and later.starts < earlier.ends:
            raise ValidationFailed(
                f"windows[{index}]",
                "overlapping",
                f"window {index + 1} ({later.starts:%H:%M}-{later.ends:%H:%M}) overlaps "
                f"{earlier.starts:%H:%M}-{earlier.ends:%H:%M} on the same day",
            )
    return tuple(window for window, _ in indexed)


def windows_to_json(windows: Iterable[TimeWindow]) -> list[dict[str, Any]]:
    return [
        {"weekday": w.weekday, "starts": f"{w.starts:%H:%M}", "ends": f"{w.ends:%H:%M}"}
        for w in windows
    ]


def window_contains(windows: Iterable[TimeWindow], local: dt.datetime, minutes: int) -> bool:
    """True when a visit starting at `local` (the client's time) and lasting `minutes` lies
    wholly inside one window. An aware `local` measures the duration in real time, so a
    visit across a DST change ends where the clock really shows."""
    if local.tzinfo is not None:
        end = (local.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(local.tzinfo)
    else:
        end = local + dt.timedelta(minutes=minutes)
    if end.date() != local.date():
        return False
    weekday, starts, ends = local.weekday(), local.time(), end.time()
    return any(w.weekday == weekday and w.starts <= starts and ends <= w.ends for w in windows)


def validate_time_zone(zone: str | None) -> str | None:
    """The zone as given (stripped), None for blank; ValidationFailed("time_zone") if unknown."""
    if zone is None or not zone.strip():
        return None
    name = zone.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationFailed(
            "time_zone", "unknown_zone", f"unknown time zone '{name}'"
        ) from error
    return name


def validate_channel(channel: str | None, field: str = "channel") -> str | None:
    if channel is None or not channel.strip():
        return None
    name = channel.strip()
    if name not in CHANNELS:
        raise ValidationFailed(
            field,
            "unknown_channel",
            f"unknown channel '{name}' (one of: {', '.join(CHANNELS)})",
        )
    return name
