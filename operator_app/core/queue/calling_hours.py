"""Is it a decent hour to call a client in their own time zone, and when will it be."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CallingHours", "HoursWindow", "candidate_zones"]


@dataclass(frozen=True, slots=True)
class HoursWindow:
    """Calls allowed on `weekday` (0 = Monday) from `starts` up to, not including, `ends`."""

    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class CallingHours:
    """A campaign's calling hours, in the client's local time."""

    windows: tuple[HoursWindow, ...]

    @classmethod
    def of(cls, windows: Iterable[HoursWindow]) -> CallingHours:
        return cls(tuple(sorted(windows, key=lambda w: (w.weekday, w.starts))))

    def allows_local(self, local: dt.datetime) -> bool:
        clock = local.time().replace(tzinfo=None)
        weekday = local.weekday()
        return any(w.weekday == weekday and w.starts <= clock < w.ends for w in self.windows)

    def allows(self, moment: dt.datetime, zone: str) -> bool:
        return self.allows_local(moment.astimezone(zoneinfo.ZoneInfo(zone)))

    def next_allowed(self, moment: dt.datetime, zone: str) -> dt.datetime | None:
        """The first moment at or after `moment` when a client in `zone` may be called."""
        tz = zoneinfo.ZoneInfo(zone)
        local = moment.astimezone(tz)
        if self.allows_local(local):
            return moment
        for day_offset in range(8):
            day = local.date() + dt.timedelta(days=day_offset)
            for window in self.windows:
                if window.weekday != day.weekday():
                    continue
                start = dt.datetime.combine(day, window.starts, tzinfo=tz)
                # A start inside a DST gap does not exist: round-tripping through UTC moves it.
                start = start.astimezone(dt.UTC).astimezone(tz)
                if start > local and self.allows_local(start):
                    return start.astimezone(dt.UTC)
        return None

    def open_zones(self, moment: dt.datetime, zones: Iterable[str]) -> frozenset[str]:
        """Which of `zones` are inside the hours at `moment` (a small set the SQL filters on)."""
        return _open_zones(self, moment.replace(second=0, microsecond=0), frozenset(zones))


@functools.lru_cache(maxsize=256)
def _open_zones(hours: CallingHours, minute: dt.datetime, zones: frozenset[str]) -> frozenset[str]:
    # Hours are whole minutes in practice, so the answer holds for the whole minute.
    return frozenset(zone for zone in zones if hours.allows(minute, zone))


@functools.cache
def candidate_zones() -> frozenset[str]:
    """Every IANA zone a client may be recorded in."""
    return frozenset(
        zone
        for zone in zoneinfo.available_timezones()
        if not zone.startswith(("posix/", "right/")) and zone not in {"Factory", "localtime"}
    )
