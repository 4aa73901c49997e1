"""What the calendar screen shows: offices and resources to choose from, and a day or a week of
visit blocks with working hours and the counters of unconfirmed and late visits.

Flag rules (both computed against `now`, in UTC):

- unconfirmed: the visit is still `booked` (nobody confirmed it) and starts within the next
  `UNCONFIRMED_WITHIN` (24 h) — these need a confirmation call now;
- late: the visit is `booked` or `confirmed` and its start has passed, so it should have been
  marked held (arrived) or no-show by now.

The counters count the flagged visits among those shown (the chosen resources and range).
Every read is a fixed handful of statements whatever the number of resources: resources,
hours, exceptions and visits are each one query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from operator_app.core.errors import NotFound
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories.calendar_view_queries import (
    ExceptionRow,
    HoursRow,
    VisitRow,
    VisitValues,
    exception_rows,
    hours_rows,
    office_rows,
    resource_rows,
    visit_audit_rows,
    visit_detail_row,
)
from operator_app.storage.repositories.calendar_view_queries import (
    visit_rows as query_visit_rows,
)

__all__ = [
    "ACTIVE_STATUSES",
    "UNCONFIRMED_WITHIN",
    "VISIT_STATUSES",
    "CalendarView",
    "CalendarViewService",
    "HistoryEntry",
    "OfficeChoice",
    "ResourceChoice",
    "VisitBlock",
    "VisitDetails",
    "is_late",
    "is_unconfirmed",
    "week_start_of",
]

VISIT_STATUSES = ("booked", "confirmed", "held", "no_show", "rescheduled", "cancelled")
# Visits that still hold their seat and may be moved.
ACTIVE_STATUSES = frozenset({"booked", "confirmed"})
UNCONFIRMED_WITHIN = dt.timedelta(hours=24)

Interval = tuple[dt.time, dt.time]


@dataclass(frozen=True, slots=True)
class ResourceChoice:
    resource_id: int
    office_id: int
    name: str
    kind: str
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class OfficeChoice:
    office_id: int
    name: str
    time_zone: str
    resources: tuple[ResourceChoice, ...]


@dataclass(frozen=True, slots=True)
class VisitBlock:
    visit_id: int
    lead_id: int
    resource_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime  # UTC
    office_time_zone: str
    status: str
    client_name: str
    phone: str | None
    campaign_name: str | None
    confirmation_channel: str | None
    unconfirmed: bool
    late: bool
    starts_local: dt.datetime  # the same moments in the office's time
    ends_local: dt.datetime

    @property
    def movable(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def local_start(self) -> dt.datetime:
        return self.starts_local

    def local_end(self) -> dt.datetime:
        return self.ends_local


@dataclass(frozen=True, slots=True)
class CalendarView:
    office_id: int
    office_name: str
    office_time_zone: str
    days: tuple[dt.date, ...]  # office-local days shown, in order
    resources: tuple[ResourceChoice, ...]
    blocks: tuple[VisitBlock, ...]  # ordered by resource, then start
    # (resource_id, day) -> working intervals in office time; () = closed that day
    hours: Mapping[tuple[int, dt.date], tuple[Interval, ...]]
    unconfirmed: int
    late: int
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: dt.datetime
    who: str | None
    action: str
    status: str | None


@dataclass(frozen=True, slots=True)
class VisitDetails:
    block: VisitBlock
    office_name: str
    resource_name: str
    confirmation_note: str | None
    cancelled_by: str | None
    cancel_reason: str | None
    rescheduled_from_id: int | None
    booked_at: dt.datetime
    booked_by: str | None
    wants_earlier: bool
    result_sale: bool | None
    result_amount: str | None
    result_comment: str | None
    history: tuple[HistoryEntry, ...]


def is_unconfirmed(status: str, starts_at: dt.datetime, now: dt.datetime) -> bool:
    return status == "booked" and now <= starts_at < now + UNCONFIRMED_WITHIN


def is_late(status: str, starts_at: dt.datetime, now: dt.datetime) -> bool:
    return status in ACTIVE_STATUSES and starts_at <= now


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _block(row: VisitRow, zone: str, now: dt.datetime) -> VisitBlock:
    office_zone = ZoneInfo(zone)  # cached by zoneinfo: one object per zone
    return VisitBlock(
        visit_id=row.visit_id,
        lead_id=row.lead_id,
        resource_id=row.resource_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        office_time_zone=zone,
        status=row.status,
        client_name=row.client_name,
        phone=row.phone,
        campaign_name=row.campaign_name,
        confirmation_channel=row.confirmation_channel,
        unconfirmed=is_unconfirmed(row.status, row.starts_at, now),
        late=is_late(row.status, row.starts_at, now),
        starts_local=row.starts_at.astimezone(office_zone),
        ends_local=row.ends_at.astimezone(office_zone),
    )


def _blocks(
    rows: Sequence[VisitValues], zone_name: str, now: dt.datetime
) -> tuple[VisitBlock, ...]:
    """The blocks of a range's rows. Visits start on slot grids, so a week of thousands has a
    few hundred distinct moments (shared objects from the read): each is converted to the
    office's time once, not once per visit."""
    zone = ZoneInfo(zone_name)
    local: dict[dt.datetime, dt.datetime] = {}
    blocks = []
    for row in rows:  # VisitRow's fields: ids, starts, ends, then status to channel
        starts, ends, status = row[3], row[4], row[5]
        starts_local = local.get(starts)
        if starts_local is None:
            starts_local = local[starts] = starts.astimezone(zone)
        ends_local = local.get(ends)
        if ends_local is None:
            ends_local = local[ends] = ends.astimezone(zone)
        blocks.append(
            VisitBlock(
                *row[:5],
                zone_name,
                *row[5:],
                is_unconfirmed(status, starts, now),
                is_late(status, starts, now),
                starts_local,
                ends_local,
            )
        )
    return tuple(blocks)


def _day_hours(
    resource_ids: Sequence[int],
    days: Sequence[dt.date],
    hours: Sequence[HoursRow],
    exceptions: Sequence[ExceptionRow],
) -> dict[tuple[int, dt.date], tuple[Interval, ...]]:
    """Working intervals per resource and day: a resource's exception beats the office's,
    which beats the weekly hours. A holiday or day off closes the day; a working exception
    with times replaces the hours (several rows: several intervals)."""
    weekly: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    for row in hours:
        weekly[(row.resource_id, row.weekday)].append((row.starts, row.ends))
    office_days: dict[dt.date, list[ExceptionRow]] = defaultdict(list)
    resource_days: dict[tuple[int, dt.date], list[ExceptionRow]] = defaultdict(list)
    for exception in exceptions:
        if exception.resource_id is not None:
            resource_days[(exception.resource_id, exception.day)].append(exception)
        else:
            office_days[exception.day].append(exception)
    result: dict[tuple[int, dt.date], tuple[Interval, ...]] = {}
    for resource_id in resource_ids:
        for day in days:
            regular = tuple(weekly.get((resource_id, day.weekday()), ()))
            rules = resource_days.get((resource_id, day)) or office_days.get(day) or []
            result[(resource_id, day)] = _apply_exceptions(regular, rules)
    return result


def _apply_exceptions(
    regular: tuple[Interval, ...], rules: list[ExceptionRow]
) -> tuple[Interval, ...]:
    if not rules:
        return regular
    if any(rule.kind != "working" for rule in rules):
        return ()
    special = tuple(
        (rule.starts, rule.ends)
        for rule in rules
        if rule.starts is not None and rule.ends is not None
    )
    return tuple(sorted(special)) or regular


class CalendarViewService:
    """Read-only: the calendar's data as plain values for the screen."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def offices(self) -> list[OfficeChoice]:
        with self._database.session() as session:
            offices = office_rows(session)
            resources = resource_rows(session)
        by_office: dict[int, list[ResourceChoice]] = defaultdict(list)
        for row in resources:
            by_office[row.office_id].append(
                ResourceChoice(
                    row.resource_id,
                    row.office_id,
                    row.name,
                    row.kind,
                    row.capacity,
                    row.slot_minutes,
                    row.buffer_minutes,
                    row.user_id,
                )
            )
        return [
            OfficeChoice(o.office_id, o.name, o.time_zone, tuple(by_office.get(o.office_id, ())))
            for o in offices
        ]

    def day(
        self,
        office_id: int,
        day: dt.date,
        *,
        resource_ids: Sequence[int] | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarView:
        return self.range(office_id, day, 1, resource_ids=resource_ids, now=now)

    def week(
        self,
        office_id: int,
        week_start: dt.date,
        *,
        resource_ids: Sequence[int] | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarView:
        return self.range(office_id, week_start, 7, resource_ids=resource_ids, now=now)

    def range(
        self,
        office_id: int,
        first_day: dt.date,
        day_count: int,
        *,
        resource_ids: Sequence[int] | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarView:
        """`day_count` office-local days from `first_day`, for the office's resources (all of
        them, or those of `resource_ids` that belong to it)."""
        now = now or utcnow()
        days = tuple(first_day + dt.timedelta(days=n) for n in range(day_count))
        with self._database.session() as session:
            office = next((o for o in office_rows(session) if o.office_id == office_id), None)
            if office is None:
                raise NotFound(f"office {office_id} not found")
            zone = ZoneInfo(office.time_zone)
            wanted = set(resource_ids) if resource_ids is not None else None
            resources = tuple(
                ResourceChoice(
                    r.resource_id,
                    r.office_id,
                    r.name,
                    r.kind,
                    r.capacity,
                    r.slot_minutes,
                    r.buffer_minutes,
                    r.user_id,
                )
                for r in resource_rows(session, [office_id])
                if wanted is None or r.resource_id in wanted
            )
            ids = [r.resource_id for r in resources]
            starts_from = dt.datetime.combine(days[0], dt.time(), zone).astimezone(dt.UTC)
            starts_before = dt.datetime.combine(
                days[-1] + dt.timedelta(days=1), dt.time(), zone
            ).astimezone(dt.UTC)
            visits = query_visit_rows(session, ids, starts_from, starts_before) if ids else []
            hours = hours_rows(session, ids) if ids else []
            exceptions = exception_rows(session, office_id, ids, days[0], days[-1])
        blocks = _blocks(visits, office.time_zone, now)
        return CalendarView(
            office_id=office.office_id,
            office_name=office.name,
            office_time_zone=office.time_zone,
            days=days,
            resources=resources,
            blocks=blocks,
            hours=_day_hours(ids, days, hours, exceptions),
            unconfirmed=sum(block.unconfirmed for block in blocks),
            late=sum(block.late for block in blocks),
            now=now,
        )

    def visit(self, visit_id: int, *, now: dt.datetime | None = None) -> VisitDetails:
        """One visit with what the details dialog shows, and its history across reschedules."""
        now = now or utcnow()
        with self._database.session() as session:
            row = visit_detail_row(session, visit_id)
            if row is None:
                raise NotFound(f"visit {visit_id} not found")
            audit = visit_audit_rows(session, [visit_id])
        amount = None if row.result_amount is None else str(row.result_amount)
        history = tuple(
            HistoryEntry(
                entry.at,
                entry.user_name,
                entry.action,
                str(entry.after.get("status")) if entry.after and "status" in entry.after else None,
            )
            for entry in audit
        )
        return VisitDetails(
            block=_block(row.visit, row.office_time_zone, now),
            office_name=row.office_name,
            resource_name=row.resource_name,
            confirmation_note=row.confirmation_note,
            cancelled_by=row.cancelled_by,
            cancel_reason=row.cancel_reason,
            rescheduled_from_id=row.rescheduled_from_id,
            booked_at=row.booked_at,
            booked_by=row.booked_by_name,
            wants_earlier=row.wants_earlier,
            result_sale=row.result_sale,
            result_amount=amount,
            result_comment=row.result_comment,
            history=history,
        )
