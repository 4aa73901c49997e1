"""A reporting period: whole days in one time zone, and the UTC instants that bound them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from operator_app.core.errors import OperatorAppError

__all__ = ["DEFAULT_REPORT_ZONE", "InvalidPeriod", "ReportPeriod", "report_today"]

DEFAULT_REPORT_ZONE = "Europe/Moscow"


def report_today(now: dt.datetime | None = None, zone: str = DEFAULT_REPORT_ZONE) -> dt.date:
    """Today as reports count days (in the report zone, not the desktop's own clock)."""
    instant = now if now is not None else dt.datetime.now(dt.UTC)
    return instant.astimezone(ZoneInfo(zone)).date()


class InvalidPeriod(OperatorAppError):
    def __init__(self, first_day: dt.date, last_day: dt.date) -> None:
        super().__init__(f"the period ends ({last_day}) before it starts ({first_day})")
        self.first_day = first_day
        self.last_day = last_day


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Days `first_day` to `last_day`, both included, as the clock in `zone` shows them."""

    first_day: dt.date
    last_day: dt.date
    zone: str = DEFAULT_REPORT_ZONE

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidPeriod(self.first_day, self.last_day)
        ZoneInfo(self.zone)  # an unknown zone fails here, not in the middle of a query

    @classmethod
    def single_day(cls, day: dt.date, zone: str = DEFAULT_REPORT_ZONE) -> ReportPeriod:
        return cls(day, day, zone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def day_list(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=offset) for offset in range(self.days)]

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end): local midnight of the first day to local midnight after the last."""
        zone = ZoneInfo(self.zone)
        start = dt.datetime.combine(self.first_day, dt.time(), zone)
        end = dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def utc_offset_minutes(self) -> int:
        """The zone's offset at noon of the first day: SQL buckets rows into local days with it.

        One offset for the whole period keeps the day bucketing a plain expression on both
        backends; in a zone that changes its clocks inside the period, calls within an hour
        of midnight on the far side of the change land in the neighbouring day.
        """
        noon = dt.datetime.combine(self.first_day, dt.time(12), ZoneInfo(self.zone))
        offset = noon.utcoffset()
        assert offset is not None
        return int(offset.total_seconds() // 60)

    def local_day(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(ZoneInfo(self.zone)).date()

    def days_to(self, today: dt.date) -> int:
        """Days of the period that have begun by `today` (0 before it starts)."""
        if today < self.first_day:
            return 0
        return (min(today, self.last_day) - self.first_day).days + 1
