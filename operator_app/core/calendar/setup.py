"""The administrator's calendar setup: offices, their bookable resources, weekly hours with
breaks, and holidays, days off and special working days.

Every change is one write transaction with its audit row. Lowering a resource's capacity
never overbooks a slot: it is refused while a future slot holds more seats than the new
capacity, and the future slots take the new capacity in the same transaction (the slots'
CHECK booked <= capacity holds throughout). Deactivating an office or a resource keeps its
visits; the caller is told how many future ones it has.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import calendar_setup_queries as q
from operator_app.storage.repositories.booking_queries import add_audit
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "BUFFER_RANGE",
    "CAPACITY_RANGE",
    "EXCEPTION_KINDS",
    "RESOURCE_KINDS",
    "SLOT_RANGE",
    "CalendarSetupService",
    "CapacityBelowBooked",
    "ExceptionDraft",
    "ExceptionInfo",
    "HoursInterval",
    "HoursInvalid",
    "OfficeDraft",
    "OfficeInfo",
    "OfficeSaved",
    "ResourceDraft",
    "ResourceInfo",
    "ResourceSaved",
    "SellerChoice",
    "format_intervals",
    "parse_day_hours",
    "validate_hours",
]

RESOURCE_KINDS: tuple[str, ...] = ("seller", "room", "doctor", "group")
EXCEPTION_KINDS: tuple[str, ...] = ("holiday", "day_off", "working")
CLOSING_KINDS = frozenset({"holiday", "day_off"})
CAPACITY_RANGE = (1, 500)
SLOT_RANGE = (5, 480)
BUFFER_RANGE = (0, 240)
NAME_MAX = 200
ADDRESS_MAX = 500
PHONE_MAX = 20
NOTE_MAX = 300
SELLER_ROLE = "seller"
_PHONE_PATTERN = re.compile(r"^[0-9+()\- ]+$")
_MIDNIGHT = dt.time(0)


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficeInfo:
    office_id: int
    name: str
    address: str
    directions: str | None
    phone: str | None
    time_zone: str
    active: bool
    resource_count: int


@dataclass(frozen=True, slots=True)
class OfficeDraft:
    """What the administrator typed for an office."""

    name: str
    address: str = ""
    directions: str | None = None
    phone: str | None = None
    time_zone: str = "Europe/Moscow"
    active: bool = True


@dataclass(frozen=True, slots=True)
class OfficeSaved:
    office: OfficeInfo
    future_visits: int
    """Booked or confirmed visits still ahead at the office's resources (kept as they are)."""


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    resource_id: int
    office_id: int
    name: str
    kind: str
    user_id: int | None
    user_name: str | None
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    active: bool


@dataclass(frozen=True, slots=True)
class ResourceDraft:
    """What the administrator typed for a resource."""

    name: str
    kind: str = "seller"
    user_id: int | None = None
    capacity: int = 1
    slot_minutes: int = 60
    buffer_minutes: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class ResourceSaved:
    resource: ResourceInfo
    future_visits: int
    """Booked or confirmed visits still ahead at the resource (kept as they are)."""
    slots_updated: int
    """Future slots that took the new capacity."""


@dataclass(frozen=True, slots=True)
class SellerChoice:
    user_id: int
    display_name: str
    active: bool


@dataclass(frozen=True, slots=True)
class HoursInterval:
    """A working interval on a weekday (0 = Monday) in the office's time; 00:00 as the end
    means midnight."""

    weekday: int
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    exception_id: int
    office_id: int | None
    resource_id: int | None
    day: dt.date
    kind: str  # holiday | day_off | working
    starts: dt.time | None
    ends: dt.time | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ExceptionDraft:
    """A holiday or day off (no hours), or a special working day's interval, for an office
    or one resource (exactly one of the two)."""

    day: dt.date
    kind: str
    office_id: int | None = None
    resource_id: int | None = None
    starts: dt.time | None = None
    ends: dt.time | None = None
    note: str | None = None


# --- errors -------------------------------------------------------------------------------------


class HoursInvalid(ValidationFailed):
    """A weekly-hours problem on one weekday; `starts`/`ends` name the interval (None when the
    text of the day could not be read). Problems: format, weekday, order, overlap."""

    def __init__(
        self,
        weekday: int,
        problem: str,
        message: str,
        starts: dt.time | None = None,
        ends: dt.time | None = None,
    ) -> None:
        self.weekday = weekday
        self.starts = starts
        self.ends = ends
        super().__init__("hours", problem, message)


class CapacityBelowBooked(ValidationFailed):
    """The new capacity is below the seats already taken in a future slot."""

    def __init__(self, capacity: int, slot_starts_at: dt.datetime, booked: int, zone: str) -> None:
        self.capacity = capacity
        self.slot_starts_at = slot_starts_at
        self.booked = booked
        self.time_zone = zone
        local = slot_starts_at.astimezone(zoneinfo.ZoneInfo(zone))
        super().__init__(
            "capacity",
            "below_booked",
            f"the slot at {local:%Y-%m-%d %H:%M} ({zone}) already has {booked} seats taken: "
            f"the capacity cannot be lower than that",
        )


# --- validation ---------------------------------------------------------------------------------


def _text(field: str, value: str | None, limit: int, *, required: bool, what: str) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(field, "empty", f"{what} must not be empty")
        return None
    if len(text) > limit:
        raise ValidationFailed(field, "too_long", f"{what} must be at most {limit} characters")
    return text


def _time_zone(name: str) -> str:
    text = (name or "").strip()
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationFailed(
            "time_zone", "unknown", f"'{text}' is not a known time zone (e.g. Europe/Moscow)"
        ) from None
    return text


def _in_range(field: str, value: int, bounds: tuple[int, int], what: str) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise ValidationFailed(field, "range", f"{what} must be from {low} to {high}")
    return value


def _office_values(draft: OfficeDraft) -> dict[str, Any]:
    phone = _text("phone", draft.phone, PHONE_MAX, required=False, what="the phone")
    if phone is not None and not _PHONE_PATTERN.match(phone):
        raise ValidationFailed(
            "phone", "format", "the phone may hold digits, spaces, +, - and brackets only"
        )
    return {
        "name": _text("name", draft.name, NAME_MAX, required=True, what="the office's name"),
        "address": _text("address", draft.address, ADDRESS_MAX, required=False, what="the address")
        or "",
        "directions": (draft.directions or "").strip() or None,
        "phone": phone,
        "time_zone": _time_zone(draft.time_zone),
        "active": bool(draft.active),
    }


def _resource_values(draft: ResourceDraft) -> dict[str, Any]:
    if draft.kind not in RESOURCE_KINDS:
        raise ValidationFailed(
            "kind", "unknown", f"a resource is one of: {', '.join(RESOURCE_KINDS)}"
        )
    return {
        "name": _text("name", draft.name, NAME_MAX, required=True, what="the resource's name"),
        "kind": draft.kind,
        "user_id": draft.user_id,
        "capacity": _in_range("capacity", draft.capacity, CAPACITY_RANGE, "the capacity"),
        "slot_minutes": _in_range(
            "slot_minutes", draft.slot_minutes, SLOT_RANGE, "the slot length in minutes"
        ),
        "buffer_minutes": _in_range(
            "buffer_minutes", draft.buffer_minutes, BUFFER_RANGE, "the buffer in minutes"
        ),
        "active": bool(draft.active),
    }


def _minutes(moment: dt.time, *, end: bool) -> int:
    # An end of 00:00 is the midnight that closes the day.
    if end and moment == _MIDNIGHT:
        return 24 * 60
    return moment.hour * 60 + moment.minute


def _hhmm(moment: dt.time) -> str:
    return f"{moment:%H:%M}"


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def validate_hours(hours: Iterable[HoursInterval]) -> tuple[HoursInterval, ...]:
    """The intervals sorted by weekday and start; HoursInvalid naming the weekday and the
    interval when one ends before it starts or overlaps another of the same day."""
    by_day: dict[int, list[HoursInterval]] = {}
    for interval in hours:
        if not 0 <= interval.weekday <= 6:
            raise HoursInvalid(
                interval.weekday, "weekday", f"weekday {interval.weekday} is not 0 (Monday)..6"
            )
        clean = replace(
            interval,
            starts=interval.starts.replace(second=0, microsecond=0),
            ends=interval.ends.replace(second=0, microsecond=0),
        )
        if _minutes(clean.ends, end=True) <= _minutes(clean.starts, end=False):
            raise HoursInvalid(
                clean.weekday,
                "order",
                f"{WEEKDAY_NAMES[clean.weekday]} {_hhmm(clean.starts)}-{_hhmm(clean.ends)}: "
                "the interval must end after it starts",
                clean.starts,
                clean.ends,
            )
        by_day.setdefault(clean.weekday, []).append(clean)
    result: list[HoursInterval] = []
    for weekday in sorted(by_day):
        day = sorted(by_day[weekday], key=lambda i: _minutes(i.starts, end=False))
        for before, after in itertools.pairwise(day):
            if _minutes(after.starts, end=False) < _minutes(before.ends, end=True):
                raise HoursInvalid(
                    weekday,
                    "overlap",
                    f"{WEEKDAY_NAMES[weekday]} {_hhmm(after.starts)}-{_hhmm(after.ends)} overlaps "
                    f"{_hhmm(before.starts)}-{_hhmm(before.ends)}",
                    after.starts,
                    after.ends,
                )
        result.extend(day)
    return tuple(result)


_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_INTERVAL = re.compile(rf"^\s*{_TIME}\s*[-–—]\s*{_TIME}\s*$")


def _clock(hours: str, minutes: str | None) -> dt.time | None:
    hour, minute = int(hours), int(minutes or 0)
    if hour == 24 and minute == 0:
        return _MIDNIGHT
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_day_hours(weekday: int, text: str) -> tuple[HoursInterval, ...]:
    """A day's intervals typed as "09:00-13:00, 14:00-18:00" (also "9-13; 14-18", en or em
    dashes; "24:00" is midnight). Empty: the day is off. HoursInvalid(format) otherwise."""
    parts = [part for part in re.split(r"[,;]", text) if part.strip()]
    intervals = []
    for part in parts:
        match = _INTERVAL.match(part)
        starts = ends = None
        if match is not None:
            starts = _clock(match.group(1), match.group(2))
            ends = _clock(match.group(3), match.group(4))
        if starts is None or ends is None:
            raise HoursInvalid(
                weekday,
                "format",
                f"{WEEKDAY_NAMES[weekday]}: '{part.strip()}' is not an interval like 09:00-13:00",
            )
        intervals.append(HoursInterval(weekday, starts, ends))
    return tuple(intervals)


def format_intervals(intervals: Iterable[HoursInterval]) -> str:
    """The day's intervals as the editor shows them: "09:00–13:00, 14:00–18:00"."""
    return ", ".join(
        f"{_hhmm(i.starts)}–{'24:00' if i.ends == _MIDNIGHT else _hhmm(i.ends)}" for i in intervals
    )


def _exception_values(draft: ExceptionDraft) -> dict[str, Any]:
    if (draft.office_id is None) == (draft.resource_id is None):
        raise ValidationFailed(
            "target", "missing", "an exception belongs to either an office or a resource"
        )
    if draft.kind not in EXCEPTION_KINDS:
        raise ValidationFailed(
            "kind", "unknown", f"an exception is one of: {', '.join(EXCEPTION_KINDS)}"
        )
    starts, ends = draft.starts, draft.ends
    if draft.kind == "working":
        if starts is None or ends is None:
            raise ValidationFailed(
                "hours", "missing", "a special working day needs its hours (from and to)"
            )
        if _minutes(ends, end=True) <= _minutes(starts, end=False):
            raise ValidationFailed(
                "hours",
                "order",
                f"{_hhmm(starts)}-{_hhmm(ends)}: the working hours must end after they start",
            )
    else:
        starts = ends = None
    return {
        "office_id": draft.office_id,
        "resource_id": draft.resource_id,
        "day": draft.day,
        "kind": draft.kind,
        "starts": starts,
        "ends": ends,
        "note": _text("note", draft.note, NOTE_MAX, required=False, what="the note"),
    }


def _check_day_free(session: Session, values: dict[str, Any]) -> None:
    """A closed day has no other exception; a special day's intervals do not overlap."""
    same_day = q.exception_rows(
        session,
        office_ids=[values["office_id"]] if values["office_id"] is not None else (),
        resource_ids=[values["resource_id"]] if values["resource_id"] is not None else (),
        day=values["day"],
    )
    same_day = [
        row
        for row in same_day
        if row.office_id == values["office_id"] and row.resource_id == values["resource_id"]
    ]
    if not same_day:
        return
    day = values["day"]
    if values["kind"] in CLOSING_KINDS or any(row.kind in CLOSING_KINDS for row in same_day):
        raise ValidationFailed("day", "exists", f"{day.isoformat()} already has an exception")
    starts = _minutes(values["starts"], end=False)
    ends = _minutes(values["ends"], end=True)
    for row in same_day:
        assert row.starts is not None and row.ends is not None
        if starts < _minutes(row.ends, end=True) and _minutes(row.starts, end=False) < ends:
            raise ValidationFailed(
                "hours",
                "overlap",
                f"{day.isoformat()} {_hhmm(values['starts'])}-{_hhmm(values['ends'])} overlaps "
                f"{_hhmm(row.starts)}-{_hhmm(row.ends)}",
            )


# --- conversions --------------------------------------------------------------------------------


def _office(row: q.OfficeRow) -> OfficeInfo:
    return OfficeInfo(
        row.office_id,
        row.name,
        row.address,
        row.directions,
        row.phone,
        row.time_zone,
        bool(row.active),
        int(row.resource_count),
    )


def _resource(row: q.ResourceRow) -> ResourceInfo:
    return ResourceInfo(
        row.resource_id,
        row.office_id,
        row.name,
        row.kind,
        row.user_id,
        row.user_name,
        row.capacity,
        row.slot_minutes,
        row.buffer_minutes,
        bool(row.active),
    )


def _exception(row: q.ExceptionRow) -> ExceptionInfo:
    return ExceptionInfo(
        row.exception_id,
        row.office_id,
        row.resource_id,
        row.day,
        row.kind,
        row.starts,
        row.ends,
        row.note,
    )


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _json(value) for key, value in values.items()}


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _office_audit(info: OfficeInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "address": info.address,
        "directions": info.directions,
        "phone": info.phone,
        "time_zone": info.time_zone,
        "active": info.active,
    }


def _resource_audit(info: ResourceInfo) -> dict[str, Any]:
    return {
        "office_id": info.office_id,
        "name": info.name,
        "kind": info.kind,
        "user_id": info.user_id,
        "capacity": info.capacity,
        "slot_minutes": info.slot_minutes,
        "buffer_minutes": info.buffer_minutes,
        "active": info.active,
    }


def _hours_audit(hours: Sequence[HoursInterval]) -> list[dict[str, Any]]:
    return [{"weekday": i.weekday, "starts": _hhmm(i.starts), "ends": _hhmm(i.ends)} for i in hours]


def _require_reader(actor: Actor) -> None:
    if not actor.can(Permission.WORK_QUEUE):
        require(actor, Permission.MANAGE_CAMPAIGNS)


# --- the service --------------------------------------------------------------------------------


class CalendarSetupService:
    """Offices, resources, weekly hours and calendar exceptions, as the administrator sets
    them up. Reads: anyone who works the queue or manages campaigns; changes: MANAGE_CAMPAIGNS."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- offices ------------------------------------------------------------------------------

    def offices(self, actor: Actor) -> list[OfficeInfo]:
        _require_reader(actor)
        with self._db.session() as session:
            return [_office(row) for row in q.office_rows(session)]

    def office(self, actor: Actor, office_id: int) -> OfficeInfo:
        _require_reader(actor)
        with self._db.session() as session:
            rows = q.office_rows(session, office_id)
        if not rows:
            raise NotFound(f"office {office_id} does not exist")
        return _office(rows[0])

    def create_office(
        self, actor: Actor, draft: OfficeDraft, *, now: dt.datetime | None = None
    ) -> OfficeInfo:
        """Raises ValidationFailed (name, address, phone, time_zone)."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        values = _office_values(draft)
        with write_session(self._db) as session:
            if q.office_name_taken(session, values["name"]):
                raise _office_name_exists(values["name"])
            office_id = q.insert_office(session, values)
            add_audit(
                session,
                user_id=actor.user_id,
                entity="office",
                entity_id=office_id,
                action="created",
                before=None,
                after=_audited(values),
                at=moment,
            )
            return _office(q.office_rows(session, office_id)[0])

    def update_office(
        self, actor: Actor, office_id: int, draft: OfficeDraft, *, now: dt.datetime | None = None
    ) -> OfficeSaved:
        """Save the office; deactivating it keeps its visits and says how many lie ahead.
        Raises ValidationFailed, NotFound."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        values = _office_values(draft)
        with write_session(self._db) as session:
            before = q.lock_office(session, office_id)
            if before is None:
                raise NotFound(f"office {office_id} does not exist")
            if q.office_name_taken(session, values["name"], except_id=office_id):
                raise _office_name_exists(values["name"])
            q.update_office(session, office_id, values)
            after = _office(q.office_rows(session, office_id)[0])
            add_audit(
                session,
                user_id=actor.user_id,
                entity="office",
                entity_id=office_id,
                action=_change_action(before.active, after.active),
                before=_office_audit(_office(before)),
                after=_office_audit(after),
                at=moment,
            )
            ahead = q.future_visit_count(session, now=moment, office_id=office_id)
        return OfficeSaved(after, ahead)

    # --- resources ----------------------------------------------------------------------------

    def resources(self, actor: Actor, office_id: int) -> list[ResourceInfo]:
        _require_reader(actor)
        with self._db.session() as session:
            return [_resource(row) for row in q.resource_rows(session, office_id=office_id)]

    def resource(self, actor: Actor, resource_id: int) -> ResourceInfo:
        _require_reader(actor)
        with self._db.session() as session:
            rows = q.resource_rows(session, resource_id=resource_id)
        if not rows:
            raise NotFound(f"resource {resource_id} does not exist")
        return _resource(rows[0])

    def sellers(self, actor: Actor) -> list[SellerChoice]:
        """Users with the seller role, who may be linked to a resource."""
        _require_reader(actor)
        with self._db.session() as session:
            return [
                SellerChoice(row.user_id, row.display_name, bool(row.active))
                for row in q.seller_rows(session)
            ]

    def create_resource(
        self,
        actor: Actor,
        office_id: int,
        draft: ResourceDraft,
        *,
        now: dt.datetime | None = None,
    ) -> ResourceInfo:
        """Raises ValidationFailed (name, kind, user_id, capacity, slot_minutes,
        buffer_minutes), NotFound (the office)."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        values = _resource_values(draft)
        with write_session(self._db) as session:
            if q.lock_office(session, office_id) is None:
                raise NotFound(f"office {office_id} does not exist")
            _check_resource(session, office_id, values, None)
            resource_id = q.insert_resource(session, {**values, "office_id": office_id})
            add_audit(
                session,
                user_id=actor.user_id,
                entity="resource",
                entity_id=resource_id,
                action="created",
                before=None,
                after={**values, "office_id": office_id},
                at=moment,
            )
            return _resource(q.resource_rows(session, resource_id=resource_id)[0])

    def update_resource(
        self,
        actor: Actor,
        resource_id: int,
        draft: ResourceDraft,
        *,
        now: dt.datetime | None = None,
    ) -> ResourceSaved:
        """Save the resource. A new capacity goes to its future slots too, and is refused
        (CapacityBelowBooked) below the seats taken in any of them. Deactivating keeps the
        visits and says how many lie ahead. Raises ValidationFailed, NotFound."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        values = _resource_values(draft)
        with write_session(self._db) as session:
            before = q.lock_resource(session, resource_id)
            if before is None:
                raise NotFound(f"resource {resource_id} does not exist")
            _check_resource(session, before.office_id, values, resource_id)
            updated = 0
            if values["capacity"] != before.capacity:
                updated = _move_capacity(session, before, values["capacity"], moment)
            q.update_resource(session, resource_id, values)
            after = _resource(q.resource_rows(session, resource_id=resource_id)[0])
            add_audit(
                session,
                user_id=actor.user_id,
                entity="resource",
                entity_id=resource_id,
                action=_change_action(before.active, after.active),
                before=_resource_audit(_resource(before)),
                after={**_resource_audit(after), "future_slots_updated": updated},
                at=moment,
            )
            ahead = q.future_visit_count(session, now=moment, resource_id=resource_id)
        return ResourceSaved(after, ahead, updated)

    def future_visits(
        self,
        actor: Actor,
        *,
        office_id: int | None = None,
        resource_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Booked or confirmed visits ahead at a resource or at an office's resources: what
        the administrator is warned about before deactivating it."""
        _require_reader(actor)
        with self._db.session() as session:
            return q.future_visit_count(
                session, now=now or utcnow(), office_id=office_id, resource_id=resource_id
            )

    # --- weekly hours -------------------------------------------------------------------------

    def hours(self, actor: Actor, resource_id: int) -> tuple[HoursInterval, ...]:
        _require_reader(actor)
        with self._db.session() as session:
            return tuple(HoursInterval(*row) for row in q.hours_of(session, resource_id))

    def replace_hours(
        self,
        actor: Actor,
        resource_id: int,
        hours: Iterable[HoursInterval | tuple[int, dt.time, dt.time]],
        *,
        now: dt.datetime | None = None,
    ) -> tuple[HoursInterval, ...]:
        """Replace the resource's weekly hours (office time; several intervals a day leave
        breaks between them). Raises HoursInvalid (naming the weekday and the interval),
        NotFound."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        clean = validate_hours(
            item if isinstance(item, HoursInterval) else HoursInterval(*item) for item in hours
        )
        with write_session(self._db) as session:
            if q.lock_resource(session, resource_id) is None:
                raise NotFound(f"resource {resource_id} does not exist")
            before = [HoursInterval(*row) for row in q.hours_of(session, resource_id)]
            q.replace_hours(session, resource_id, ((i.weekday, i.starts, i.ends) for i in clean))
            add_audit(
                session,
                user_id=actor.user_id,
                entity="working_hours",
                entity_id=resource_id,
                action="replaced",
                before={"hours": _hours_audit(before)},
                after={"hours": _hours_audit(clean)},
                at=moment,
            )
        return clean

    # --- exceptions ---------------------------------------------------------------------------

    def exceptions(
        self,
        actor: Actor,
        *,
        office_id: int | None = None,
        resource_id: int | None = None,
        since: dt.date | None = None,
    ) -> list[ExceptionInfo]:
        """The office's and/or the resource's exceptions from `since` on, by day."""
        _require_reader(actor)
        with self._db.session() as session:
            rows = q.exception_rows(
                session,
                office_ids=[office_id] if office_id is not None else (),
                resource_ids=[resource_id] if resource_id is not None else (),
                day_from=since,
            )
        return [_exception(row) for row in rows]

    def add_exception(
        self, actor: Actor, draft: ExceptionDraft, *, now: dt.datetime | None = None
    ) -> ExceptionInfo:
        """Raises ValidationFailed (target, kind, hours, note, day), NotFound."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        values = _exception_values(draft)
        with write_session(self._db) as session:
            if draft.office_id is not None and q.lock_office(session, draft.office_id) is None:
                raise NotFound(f"office {draft.office_id} does not exist")
            if (
                draft.resource_id is not None
                and q.lock_resource(session, draft.resource_id) is None
            ):
                raise NotFound(f"resource {draft.resource_id} does not exist")
            _check_day_free(session, values)
            exception_id = q.insert_exception(session, values)
            add_audit(
                session,
                user_id=actor.user_id,
                entity="calendar_exception",
                entity_id=exception_id,
                action="added",
                before=None,
                after=_audited(values),
                at=moment,
            )
            return _exception(q.exception_rows(session, exception_id=exception_id)[0])

    def remove_exception(
        self, actor: Actor, exception_id: int, *, now: dt.datetime | None = None
    ) -> None:
        require(actor, Permission.MANAGE_CAMPAIGNS)
        moment = now or utcnow()
        with write_session(self._db) as session:
            rows = q.exception_rows(session, exception_id=exception_id)
            if not rows:
                raise NotFound(f"calendar exception {exception_id} does not exist")
            row = rows[0]
            q.delete_exception(session, exception_id)
            add_audit(
                session,
                user_id=actor.user_id,
                entity="calendar_exception",
                entity_id=exception_id,
                action="removed",
                before=_audited(
                    {
                        "office_id": row.office_id,
                        "resource_id": row.resource_id,
                        "day": row.day,
                        "kind": row.kind,
                        "starts": row.starts,
                        "ends": row.ends,
                        "note": row.note,
                    }
                ),
                after=None,
                at=moment,
            )


def _office_name_exists(name: str) -> ValidationFailed:
    return ValidationFailed("name", "exists", f"an office named '{name}' already exists")


def _change_action(was_active: bool, is_active: bool) -> str:
    if was_active and not is_active:
        return "deactivated"
    if is_active and not was_active:
        return "activated"
    return "updated"


def _check_resource(
    session: Session, office_id: int, values: dict[str, Any], resource_id: int | None
) -> None:
    if q.resource_name_taken(session, office_id, values["name"], except_id=resource_id):
        raise ValidationFailed(
            "name", "exists", f"this office already has a resource named '{values['name']}'"
        )
    user_id = values["user_id"]
    if user_id is None:
        return
    user = q.user_row(session, user_id)
    if user is None:
        raise ValidationFailed("user_id", "unknown", f"user {user_id} does not exist")
    if user.role != SELLER_ROLE:
        raise ValidationFailed(
            "user_id", "not_seller", f"'{user.display_name}' is not a seller: link a seller"
        )


def _move_capacity(
    session: Session, resource: q.ResourceRow, capacity: int, now: dt.datetime
) -> int:
    """Give the future slots the new capacity, or CapacityBelowBooked naming the first slot
    that would be overbooked."""
    zone = _office_zone(session, resource.office_id)
    overbooked = q.overbooked_future_slot(session, resource.resource_id, capacity, now)
    if overbooked is not None:
        raise CapacityBelowBooked(capacity, overbooked[0], overbooked[1], zone)
    updated = q.set_future_slot_capacity(session, resource.resource_id, capacity, now)
    if updated is None:  # a booking took a seat between the check and the update
        late = q.overbooked_future_slot(session, resource.resource_id, capacity, now)
        assert late is not None
        raise CapacityBelowBooked(capacity, late[0], late[1], zone)
    return updated


def _office_zone(session: Session, office_id: int) -> str:
    rows = q.office_rows(session, office_id)
    return rows[0].time_zone if rows else "UTC"
