"""Where a resource's slots lie, and which free ones suit a client. Pure: no database.

Slots are laid out in the office's wall-clock time (a 09:00 slot is at 09:00 summer and
winter) and converted to UTC; a local time that does not exist (a DST gap) yields no slot. A
visit lasts `slot_minutes` of real time; the next slot starts `buffer_minutes` after it.
Gaps between a day's working intervals are breaks.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from operator_app.core.calendar.preferences import TimeWindow

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "ExceptionDay",
    "ResourceCalendar",
    "SlotOption",
    "free_slots",
    "layout_slots",
    "merge_exceptions",
    "slot_starting_at",
]

DEFAULT_HORIZON_DAYS = 92
"""How far ahead free_slots looks before giving up: about a quarter."""

FIRST_AHEAD_STARTS = 32
MAX_AHEAD_STARTS = 512
"""free_slots announces whole days until it has this many starts (the first time; twice as
many each time after, up to the most), so narrow client hours are read in one go and wide
ones a day or two at a time."""

Interval = tuple[dt.time, dt.time]

CLOSING_KINDS = frozenset({"holiday", "day_off"})
WORKING_KIND = "working"


@dataclass(frozen=True, slots=True)
class ResourceCalendar:
    """Everything needed to lay out one resource's slots."""

    resource_id: int
    office_time_zone: str
    slot_minutes: int
    buffer_minutes: int
    capacity: int
    hours: tuple[tuple[int, dt.time, dt.time], ...]
    """(weekday 0 = Monday, starts, ends) in the office's time; an end of 00:00 is midnight."""
    exceptions: Mapping[dt.date, tuple[Interval, ...]]
    """Days whose working intervals replace the weekly hours; () means closed."""


@dataclass(frozen=True, slots=True)
class SlotOption:
    resource_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime  # UTC
    free_seats: int
    office_local: dt.datetime  # the start in the office's zone (aware)
    client_local: dt.datetime  # the start in the client's zone (aware)


@dataclass(frozen=True, slots=True)
class ExceptionDay:
    """One calendar exception row: kind holiday | day_off | working (with its hours)."""

    day: dt.date
    kind: str
    starts: dt.time | None = None
    ends: dt.time | None = None


def _intervals_of(rows: Sequence[ExceptionDay]) -> tuple[Interval, ...]:
    # A closing row wins over working rows of the same day: a holiday is not worked by accident.
    if any(row.kind in CLOSING_KINDS for row in rows):
        return ()
    return tuple(
        sorted(
            (row.starts, row.ends)
            for row in rows
            if row.kind == WORKING_KIND and row.starts is not None and row.ends is not None
        )
    )


def merge_exceptions(
    office: Iterable[ExceptionDay], resource: Iterable[ExceptionDay]
) -> dict[dt.date, tuple[Interval, ...]]:
    """Day -> working intervals. On a day the resource has exceptions of its own, they replace
    the office's."""
    by_level: list[dict[dt.date, list[ExceptionDay]]] = [{}, {}]
    for level, rows in enumerate((office, resource)):
        for row in rows:
            by_level[level].setdefault(row.day, []).append(row)
    merged = {day: _intervals_of(rows) for day, rows in by_level[0].items()}
    merged.update({day: _intervals_of(rows) for day, rows in by_level[1].items()})
    return merged


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _weekly(cal: ResourceCalendar) -> dict[int, tuple[Interval, ...]]:
    weekly: dict[int, list[Interval]] = {}
    for weekday, starts, ends in cal.hours:
        weekly.setdefault(weekday, []).append((starts, ends))
    return {weekday: tuple(sorted(intervals)) for weekday, intervals in weekly.items()}


def _to_utc(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The UTC moment of an office wall-clock time; None inside a DST gap."""
    moment = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return moment


def _day_intervals(
    cal: ResourceCalendar, weekly: Mapping[int, tuple[Interval, ...]], day: dt.date
) -> tuple[Interval, ...]:
    intervals = cal.exceptions.get(day)
    return weekly.get(day.weekday(), ()) if intervals is None else intervals


def _wall_starts(
    intervals: tuple[Interval, ...], day: dt.date, slot_minutes: int, buffer_minutes: int
) -> Iterator[dt.datetime]:
    """The wall-clock starts of a day's slots with these working intervals, in order."""
    if slot_minutes <= 0:
        return
    length = dt.timedelta(minutes=slot_minutes)
    step = dt.timedelta(minutes=slot_minutes + buffer_minutes)
    for starts, ends in intervals:
        wall = dt.datetime.combine(day, starts)
        close = dt.datetime.combine(day + dt.timedelta(days=1) if ends == dt.time(0) else day, ends)
        while wall + length <= close:
            yield wall
            wall += step


def _day_starts(
    cal: ResourceCalendar, weekly: Mapping[int, tuple[Interval, ...]], day: dt.date
) -> Iterator[dt.datetime]:
    """The wall-clock starts of the day's slots, in order."""
    return _wall_starts(_day_intervals(cal, weekly, day), day, cal.slot_minutes, cal.buffer_minutes)


def layout_slots(
    cal: ResourceCalendar, day_from: dt.date, day_to: dt.date
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """(starts_at, ends_at) in UTC of every slot on the office-local days day_from..day_to
    (both included), in time order."""
    zone = _zone(cal.office_time_zone)
    weekly = _weekly(cal)
    length = dt.timedelta(minutes=cal.slot_minutes)
    day = day_from
    while day <= day_to:
        for wall in _day_starts(cal, weekly, day):
            starts_at = _to_utc(wall, zone)
            if starts_at is not None:
                yield starts_at, starts_at + length
        day += dt.timedelta(days=1)


def slot_starting_at(
    cal: ResourceCalendar, starts_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    """The slot of this resource that starts exactly at `starts_at` (aware), if there is one."""
    day = starts_at.astimezone(_zone(cal.office_time_zone)).date()
    for slot in layout_slots(cal, day, day):
        if slot[0] == starts_at:
            return slot
    return None


class _Windows:
    """The client's windows by weekday, for a quick "is this visit inside" test."""

    def __init__(self, windows: Iterable[TimeWindow]) -> None:
        self.by_weekday: dict[int, list[Interval]] = {}
        for w in windows:
            self.by_weekday.setdefault(w.weekday, []).append((w.starts, w.ends))
        self.unrestricted = not self.by_weekday

    def contain(self, starts: dt.datetime, ends: dt.datetime) -> bool:
        if self.unrestricted:
            return True
        if ends.date() != starts.date():
            return False
        first, last = starts.time(), ends.time()
        return any(
            w_starts <= first and last <= w_ends
            for w_starts, w_ends in self.by_weekday.get(starts.weekday(), ())
        )

    def may_touch(self, office_day: dt.date) -> bool:
        """False when no window can hold a slot of this office day (client days differ by at
        most one from the office's)."""
        if self.unrestricted:
            return True
        return any((office_day.weekday() + shift) % 7 in self.by_weekday for shift in (-1, 0, 1))


def free_slots(
    cals: Sequence[ResourceCalendar],
    booked: Mapping[tuple[int, dt.datetime], int],
    windows: Iterable[TimeWindow],
    client_zone: str,
    after: dt.datetime,
    limit: int,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    exclude: Iterable[tuple[int, dt.datetime]] = (),
    ahead: Callable[[Collection[dt.datetime]], None] | None = None,
) -> list[SlotOption]:
    """Up to `limit` free slots starting at or after `after`, soonest first (ties by resource
    id), each wholly inside one of the client's `windows` in `client_zone` (no windows: any
    time suits). `booked` maps (resource_id, starts_at UTC) to seats taken. Lays out one
    office-local day at a time for all resources and stops as soon as no later day can
    give an earlier slot, looking at most `horizon_days` ahead.

    `ahead`, when given, is told the starts that suit the client on the coming days (see
    FIRST_AHEAD_STARTS) before any of them is looked up in `booked`: a lazy `booked` reads
    the seats of just those slots."""
    if limit <= 0 or not cals:
        return []
    wanted = _Windows(windows)
    skipped = set(exclude)
    plans: list[_Plan] = [(cal, _zone(cal.office_time_zone), _weekly(cal)) for cal in cals]
    zones = {zone for _, zone, _ in plans}
    first_day = min(after.astimezone(zone).date() for zone in zones)
    suitable = _SuitableSlots(wanted, _zone(client_zone), after)
    announced_until = 0  # days from first_day whose starts `ahead` was told
    enough = FIRST_AHEAD_STARTS
    found: list[SlotOption] = []
    for offset in range(horizon_days + 1):
        day = first_day + dt.timedelta(days=offset)
        if ahead is not None and offset >= announced_until:
            starts: set[dt.datetime] = set()
            while announced_until <= horizon_days and (
                announced_until <= offset or len(starts) < enough
            ):
                coming = first_day + dt.timedelta(days=announced_until)
                starts.update(suitable.starts_of_day(plans, coming))
                announced_until += 1
            ahead(starts)
            enough = min(enough * 2, MAX_AHEAD_STARTS)
        if wanted.may_touch(day):
            for cal, zone, weekly in plans:
                resource_id = cal.resource_id
                capacity = cal.capacity
                for starts_at, ends_at, office_local, client_local in suitable.of_day(
                    cal, zone, weekly, day
                ):
                    key = (resource_id, starts_at)
                    seats = capacity - booked.get(key, 0)
                    if seats > 0 and key not in skipped:
                        found.append(
                            SlotOption(
                                resource_id, starts_at, ends_at, seats, office_local, client_local
                            )
                        )
        if len(found) >= limit:
            found.sort(key=lambda option: (option.starts_at, option.resource_id))
            del found[limit:]
            next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
            earliest_next = min(_midnight_utc(next_day, zone) for zone in zones)
            if found[-1].starts_at <= earliest_next:
                return found
    found.sort(key=lambda option: (option.starts_at, option.resource_id))
    return found[:limit]


def _midnight_utc(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    # An hour earlier covers a midnight that falls in a DST gap.
    return wall.replace(tzinfo=zone).astimezone(dt.UTC) - dt.timedelta(hours=1)


_Plan = tuple[ResourceCalendar, zoneinfo.ZoneInfo, Mapping[int, tuple[Interval, ...]]]
"""A resource's calendar, its office's zone and its weekly hours."""

_Suitable = tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]
"""(starts_at UTC, ends_at UTC, start in the office's zone, start in the client's zone)"""


class _SuitableSlots:
    """The slots of an office day that start at or after `after` and lie inside the client's
    windows, whoever is booked in them. Resources of an office mostly share their hours, so
    a day's slots are laid out and tested once per distinct layout, not once per resource."""

    def __init__(self, wanted: _Windows, client_tz: zoneinfo.ZoneInfo, after: dt.datetime) -> None:
        self._wanted = wanted
        self._client_tz = client_tz
        self._after = after
        self._days: dict[
            tuple[dt.date, tuple[Interval, ...], int, int, zoneinfo.ZoneInfo], list[_Suitable]
        ] = {}

    def of_day(
        self,
        cal: ResourceCalendar,
        zone: zoneinfo.ZoneInfo,
        weekly: Mapping[int, tuple[Interval, ...]],
        day: dt.date,
    ) -> list[_Suitable]:
        intervals = _day_intervals(cal, weekly, day)
        key = (day, intervals, cal.slot_minutes, cal.buffer_minutes, zone)
        slots = self._days.get(key)
        if slots is None:
            slots = self._days[key] = list(self._lay_out(intervals, day, cal, zone))
        return slots

    def starts_of_day(self, plans: Sequence[_Plan], day: dt.date) -> set[dt.datetime]:
        """The starts of every resource's suitable slots on this office day."""
        if not self._wanted.may_touch(day):
            return set()
        return {
            slot[0] for cal, zone, weekly in plans for slot in self.of_day(cal, zone, weekly, day)
        }

    def _lay_out(
        self,
        intervals: tuple[Interval, ...],
        day: dt.date,
        cal: ResourceCalendar,
        zone: zoneinfo.ZoneInfo,
    ) -> Iterator[_Suitable]:
        length = dt.timedelta(minutes=cal.slot_minutes)
        client_tz = self._client_tz
        for wall in _wall_starts(intervals, day, cal.slot_minutes, cal.buffer_minutes):
            starts_at = _to_utc(wall, zone)
            if starts_at is None or starts_at < self._after:
                continue
            ends_at = starts_at + length
            client_start = starts_at.astimezone(client_tz)
            if self._wanted.contain(client_start, ends_at.astimezone(client_tz)):
                yield starts_at, ends_at, starts_at.astimezone(zone), client_start
