"""Quiet hours: no message reaches a client at night in the client's own time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from operator_app.core.errors import ValidationFailed

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "DEFAULT_ZONE",
    "QuietHours",
    "parse_clock",
    "shift_out_of_quiet_hours",
    "zone_or_default",
]

DEFAULT_ZONE = "Europe/Moscow"


def parse_clock(field: str, value: Any) -> dt.time:
    """'HH:MM' as a time; ValidationFailed naming `field` otherwise."""
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            if len(minutes) == 2 and hours.isdigit() and minutes.isdigit():
                return dt.time(int(hours), int(minutes))
        except ValueError:
            pass
    raise ValidationFailed(field, "bad_time", f"{field}: expected a time as HH:MM, got {value!r}")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `starts` to `ends` in the client's local time (may cross midnight; equal: none)."""

    starts: dt.time
    ends: dt.time

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> QuietHours:
        return cls(
            parse_clock("quiet_from", config.get("quiet_from", "21:00")),
            parse_clock("quiet_to", config.get("quiet_to", "09:00")),
        )

    def to_config(self) -> dict[str, str]:
        return {
            "quiet_from": self.starts.strftime("%H:%M"),
            "quiet_to": self.ends.strftime("%H:%M"),
        }

    def contains(self, clock: dt.time) -> bool:
        if self.starts == self.ends:
            return False
        if self.starts < self.ends:
            return self.starts <= clock < self.ends
        return clock >= self.starts or clock < self.ends


DEFAULT_QUIET_HOURS = QuietHours(dt.time(21, 0), dt.time(9, 0))


def zone_or_default(*candidates: str | None) -> ZoneInfo:
    """The first valid zone among the candidates, else Moscow."""
    for name in candidates:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo(DEFAULT_ZONE)


def shift_out_of_quiet_hours(moment: dt.datetime, zone: ZoneInfo, quiet: QuietHours) -> dt.datetime:
    """`moment` (aware) if it is outside quiet hours in `zone`, else the end of those quiet
    hours; returned in UTC."""
    local = moment.astimezone(zone)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return moment.astimezone(dt.UTC)
    end_day = local.date()
    if quiet.starts > quiet.ends and local.time() >= quiet.starts:
        end_day += dt.timedelta(days=1)  # late evening: quiet hours end tomorrow morning
    end = dt.datetime.combine(end_day, quiet.ends, tzinfo=zone)
    # A clock change may make that wall time skipped: converting through UTC normalises it.
    return max(end.astimezone(dt.UTC), moment.astimezone(dt.UTC))
