"""Booking visits into slots: suggestions inside the client's hours, atomic booking,
rescheduling and cancelling.

A seat is taken in one write transaction: the slot row is inserted if missing, then
`booked = booked + 1 WHERE booked < capacity`; no row updated means the slot is full and the
whole transaction rolls back (`SlotTaken`, with the next-best free slot). The visit, the
lead's state, the audit rows and the hooks (reminders, freed-seat offers) share that
transaction, so either all of it happens or none.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, overload

from sqlalchemy.orm import Session

from operator_app.core.calendar.preferences import (
    ClientPreferences,
    TimeWindow,
    parse_windows,
    validate_channel,
    validate_time_zone,
    window_contains,
    windows_to_json,
)
from operator_app.core.calendar.slots import (
    ExceptionDay,
    ResourceCalendar,
    SlotOption,
    free_slots,
    merge_exceptions,
    slot_starting_at,
)
from operator_app.core.errors import NotFound, OperatorAppError, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.lead_states import LeadState
from operator_app.storage.repositories import booking_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "BookedVisit",
    "BookingHooks",
    "BookingRefusal",
    "BookingRefused",
    "BookingService",
    "SlotTaken",
    "build_calendars",
    "cancel_in_session",
]

AUDIT_ENTITY = "visit"
CANCELLED_BY = ("client", "us")
FALLBACK_ZONE = "Europe/Moscow"

_T = TypeVar("_T")


class BookingRefusal(StrEnum):
    """Why a slot cannot be booked. Stable codes for the UI."""

    RESOURCE_INACTIVE = "resource_inactive"
    OUTSIDE_HOURS = "outside_hours"
    """No slot of the resource starts at that time (closed, a break, off the slot grid)."""
    IN_PAST = "in_past"
    OUTSIDE_PREFERENCES = "outside_preferences"
    """The client named preferred hours and the visit does not fit wholly inside one."""
    VISIT_NOT_ACTIVE = "visit_not_active"
    """The visit is no longer booked or confirmed (held, cancelled, already rescheduled)."""
    SAME_SLOT = "same_slot"


class BookingRefused(OperatorAppError):
    def __init__(self, reason: BookingRefusal, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class SlotTaken(OperatorAppError):
    """The slot was just taken by someone else; `suggestion` is the next-best free slot for
    the same client (None when nothing is free within the horizon)."""

    def __init__(
        self, resource_id: int, starts_at: dt.datetime, suggestion: SlotOption | None
    ) -> None:
        self.resource_id = resource_id
        self.starts_at = starts_at
        self.suggestion = suggestion
        super().__init__("this slot was just taken")


@dataclass(frozen=True, slots=True)
class BookedVisit:
    visit_id: int
    lead_id: int
    resource_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    office_time_zone: str
    client_time_zone: str


@dataclass(frozen=True, slots=True)
class BookingHooks:
    """Each is called inside the booking transaction with its session."""

    after_booked: Callable[[Session, int, dt.datetime], None] | None = None
    """(session, visit_id, now)"""
    after_rescheduled: Callable[[Session, int, int, dt.datetime], None] | None = None
    """(session, old_visit_id, new_visit_id, now)"""
    after_cancelled: Callable[[Session, int, dt.datetime], None] | None = None
    """(session, visit_id, now)"""
    after_seat_freed: Callable[[Session, int, dt.datetime, dt.datetime], None] | None = None
    """(session, resource_id, slot starts_at, now)"""


NO_HOOKS = BookingHooks()


class _SlotFull(Exception):
    """Raised inside the transaction to roll it back; turned into SlotTaken outside."""


def build_calendars(
    session: Session, resources: Sequence[q.ResourceRow], since: dt.date
) -> list[ResourceCalendar]:
    """The layout inputs of these resources: weekly hours and every exception from `since`
    on (office exceptions, replaced by the resource's own on the days it has them)."""
    ids = [r.resource_id for r in resources]
    hours = q.working_hours(session, ids)
    exceptions = q.calendar_exceptions(
        session,
        office_ids={r.office_id for r in resources},
        resource_ids=ids,
        day_from=since,
    )
    by_office: dict[int, list[ExceptionDay]] = {}
    by_resource: dict[int, list[ExceptionDay]] = {}
    for row in exceptions:
        day = ExceptionDay(row.day, row.kind, row.starts, row.ends)
        if row.resource_id is not None:
            by_resource.setdefault(row.resource_id, []).append(day)
        elif row.office_id is not None:
            by_office.setdefault(row.office_id, []).append(day)
    return [
        ResourceCalendar(
            resource_id=r.resource_id,
            office_time_zone=r.office_time_zone,
            slot_minutes=r.slot_minutes,
            buffer_minutes=r.buffer_minutes,
            capacity=r.capacity,
            hours=tuple(hours[r.resource_id]),
            exceptions=merge_exceptions(
                by_office.get(r.office_id, ()), by_resource.get(r.resource_id, ())
            ),
        )
        for r in resources
    ]


class _BookedSeats(Mapping[tuple[int, dt.datetime], int]):
    """Seats taken per (resource, slot start), read as the search reaches them: free_slots
    announces the starts that suit the client a few days at a time (`expect`) and only
    those slots are read. A busy calendar holds thousands of booked slots the search need
    not read, most of them at hours the client cannot come."""

    def __init__(self, session: Session, resource_ids: Sequence[int]) -> None:
        self._session = session
        self._resource_ids = resource_ids
        self._loaded: set[dt.datetime] = set()
        self._counts: dict[tuple[int, dt.datetime], int] = {}

    def expect(self, starts: Collection[dt.datetime]) -> None:
        """Read the seats taken at these starts (those not read yet)."""
        missing = [starts_at for starts_at in starts if starts_at not in self._loaded]
        if missing:
            self._counts.update(q.booked_counts(self._session, self._resource_ids, missing))
            self._loaded.update(missing)

    def __getitem__(self, key: tuple[int, dt.datetime]) -> int:
        self.expect((key[1],))
        return self._counts[key]

    @overload
    def get(self, key: tuple[int, dt.datetime], /) -> int | None: ...
    @overload
    def get(self, key: tuple[int, dt.datetime], /, default: int | _T) -> int | _T: ...
    def get(self, key: tuple[int, dt.datetime], /, default: object = None) -> object:
        # Mapping.get would go through __getitem__ and a KeyError for every free slot.
        if key[1] not in self._loaded:
            self.expect((key[1],))
        return self._counts.get(key, default)

    def __iter__(self) -> Iterator[tuple[int, dt.datetime]]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)


def _preferences(row: q.PreferencesRow) -> ClientPreferences:
    return ClientPreferences(
        contact_id=row.contact_id,
        windows=parse_windows(row.windows),
        time_zone=row.time_zone,
        channel=row.channel,
        contact_time=row.contact_time,
        wants_earlier=row.wants_earlier,
    )


@dataclass(frozen=True, slots=True)
class _Client:
    lead: q.LeadForBooking
    windows: tuple[TimeWindow, ...]
    zone: str | None  # preferences' zone, else the lead's, else the campaign's


def _client(session: Session, lead_id: int) -> _Client:
    lead = q.lead_for_booking(session, lead_id)
    if lead is None:
        raise NotFound(f"lead {lead_id} does not exist")
    prefs = q.preferences_row(session, lead.contact_id)
    if prefs is None:
        return _Client(lead, (), lead.client_zone)
    return _Client(lead, parse_windows(prefs.windows), prefs.time_zone or lead.client_zone)


def _aware(starts_at: dt.datetime) -> dt.datetime:
    if starts_at.tzinfo is None:
        raise ValidationFailed("starts_at", "naive", "the visit time must carry its time zone")
    return starts_at.astimezone(dt.UTC)


def _check_slot(
    session: Session, client: _Client, resource_id: int, starts_at: dt.datetime, now: dt.datetime
) -> tuple[q.ResourceRow, dt.datetime, str]:
    """The resource, the visit's end and the client's zone, or BookingRefused/NotFound."""
    rows = q.resource_rows(session, resource_ids=[resource_id])
    if not rows:
        raise NotFound(f"resource {resource_id} does not exist")
    resource = rows[0]
    if not resource.active:
        raise BookingRefused(
            BookingRefusal.RESOURCE_INACTIVE, f"'{resource.name}' is not taking bookings"
        )
    if starts_at <= now:
        raise BookingRefused(BookingRefusal.IN_PAST, f"{starts_at.isoformat()} is in the past")
    cal = build_calendars(session, rows, starts_at.date() - dt.timedelta(days=1))[0]
    slot = slot_starting_at(cal, starts_at)
    if slot is None:
        raise BookingRefused(
            BookingRefusal.OUTSIDE_HOURS,
            f"'{resource.name}' has no slot starting at {starts_at.isoformat()}",
        )
    zone = client.zone or resource.office_time_zone
    if client.windows and not window_contains(
        client.windows, starts_at.astimezone(zoneinfo.ZoneInfo(zone)), resource.slot_minutes
    ):
        raise BookingRefused(
            BookingRefusal.OUTSIDE_PREFERENCES,
            f"{starts_at.isoformat()} is outside the client's preferred hours",
        )
    return resource, slot[1], zone


def _take(session: Session, resource: q.ResourceRow, starts_at: dt.datetime) -> int:
    slot_id = q.ensure_slot(session, resource.resource_id, starts_at)
    if not q.take_seat(session, slot_id):
        raise _SlotFull
    return slot_id


def _free(session: Session, visit: q.VisitRow, hooks: BookingHooks, now: dt.datetime) -> None:
    slot_id = visit.slot_id
    if slot_id is None:
        slot_id = q.slot_id(session, visit.resource_id, visit.starts_at)
    if slot_id is not None and q.free_seat(session, slot_id) and hooks.after_seat_freed:
        hooks.after_seat_freed(session, visit.resource_id, visit.starts_at, now)


def cancel_in_session(
    session: Session,
    actor_user_id: int | None,
    visit_id: int,
    by: str,
    reason: str,
    now: dt.datetime,
    hooks: BookingHooks | None = None,
) -> None:
    """Cancel a booked or confirmed visit in the caller's transaction and free its seat.

    `hooks` (optional) get after_cancelled and after_seat_freed, as BookingService.cancel does.
    Raises ValidationFailed (by, reason), NotFound, BookingRefused(VISIT_NOT_ACTIVE).
    """
    if by not in CANCELLED_BY:
        raise ValidationFailed("by", "unknown", "a visit is cancelled by the client or by us")
    text = reason.strip()
    if not text:
        raise ValidationFailed("reason", "empty", "the reason for cancelling must not be empty")
    visit = q.lock_visit(session, visit_id)
    if visit is None:
        raise NotFound(f"visit {visit_id} does not exist")
    if visit.status not in q.ACTIVE_VISIT_STATUSES:
        raise BookingRefused(BookingRefusal.VISIT_NOT_ACTIVE, f"visit {visit_id} is {visit.status}")
    q.set_visit_status(session, visit_id, "cancelled", {"cancelled_by": by, "cancel_reason": text})
    q.add_audit(
        session,
        user_id=actor_user_id,
        entity=AUDIT_ENTITY,
        entity_id=visit_id,
        action="cancelled",
        before={"status": visit.status},
        after={"status": "cancelled", "by": by, "reason": text},
        at=now,
    )
    used = hooks or NO_HOOKS
    _free(session, visit, used, now)
    if used.after_cancelled:
        used.after_cancelled(session, visit_id, now)


class BookingService:
    """Client preferences, slot suggestions, booking, rescheduling and cancelling visits."""

    def __init__(self, database: Database, hooks: BookingHooks | None = None) -> None:
        self._db = database
        self._hooks = hooks or NO_HOOKS

    # --- preferences --------------------------------------------------------------------------

    def preferences(self, contact_id: int) -> ClientPreferences | None:
        with self._db.session() as session:
            row = q.preferences_row(session, contact_id)
        return None if row is None else _preferences(row)

    def save_preferences(
        self,
        actor: Actor,
        contact_id: int,
        windows: Iterable[TimeWindow | dict[str, Any]],
        *,
        time_zone: str | None,
        channel: str | None,
        contact_time: str | None,
        wants_earlier: bool,
        now: dt.datetime | None = None,
    ) -> ClientPreferences:
        """Record (replace) when the client can come and how to remind them.
        Raises ValidationFailed (windows[i].…, time_zone, channel)."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        parsed = parse_windows(list(windows))
        values: dict[str, Any] = {
            "windows": windows_to_json(parsed),
            "time_zone": validate_time_zone(time_zone),
            "channel": validate_channel(channel),
            "contact_time": (contact_time or "").strip() or None,
            "wants_earlier": wants_earlier,
            "updated_by_id": actor.user_id,
        }
        with write_session(self._db) as session:
            if not q.contact_exists(session, contact_id):
                raise NotFound(f"contact {contact_id} does not exist")
            before = q.preferences_row(session, contact_id)
            q.save_preferences_row(session, contact_id, values, moment)
            after = {k: v for k, v in values.items() if k != "updated_by_id"}
            q.add_audit(
                session,
                user_id=actor.user_id,
                entity="client_preferences",
                entity_id=contact_id,
                action="saved",
                before=None
                if before is None
                else {
                    "windows": before.windows,
                    "time_zone": before.time_zone,
                    "channel": before.channel,
                    "contact_time": before.contact_time,
                    "wants_earlier": before.wants_earlier,
                },
                after=after,
                at=moment,
            )
        return ClientPreferences(
            contact_id,
            parsed,
            values["time_zone"],
            values["channel"],
            values["contact_time"],
            wants_earlier,
        )

    # --- suggestions --------------------------------------------------------------------------

    def suggest(
        self,
        lead_id: int,
        *,
        resource_ids: Sequence[int] | None = None,
        office_id: int | None = None,
        limit: int = 10,
        now: dt.datetime | None = None,
        after: dt.datetime | None = None,
    ) -> list[SlotOption]:
        """Free slots for the lead's client, soonest first, inside their preferred hours,
        among active `resource_ids` and/or the active resources of `office_id` (neither: all
        active resources). `after` (default: now) moves the search start later."""
        moment = now or utcnow()
        start = max(moment, _aware(after)) if after is not None else moment
        with self._db.session() as session:
            client = _client(session, lead_id)
            return self._free(session, client, resource_ids, office_id, start, limit)

    @staticmethod
    def _free(
        session: Session,
        client: _Client,
        resource_ids: Sequence[int] | None,
        office_id: int | None,
        after: dt.datetime,
        limit: int,
        exclude: Iterable[tuple[int, dt.datetime]] = (),
    ) -> list[SlotOption]:
        resources = q.resource_rows(
            session, resource_ids=resource_ids, office_id=office_id, active_only=True
        )
        if not resources:
            return []
        cals = build_calendars(session, resources, after.date() - dt.timedelta(days=1))
        booked = _BookedSeats(session, [r.resource_id for r in resources])
        zone = client.zone or resources[0].office_time_zone
        return free_slots(
            cals,
            booked,
            client.windows,
            zone,
            after,
            limit,
            exclude=exclude,
            ahead=booked.expect,
        )

    def _next_best(
        self, lead_id: int, resource_id: int, starts_at: dt.datetime, now: dt.datetime
    ) -> SlotOption | None:
        """After a failed booking: the first free slot of the same office at or after the
        wanted time (the same time at another resource first), else the soonest from now."""
        with self._db.session() as session:
            client = _client(session, lead_id)
            rows = q.resource_rows(session, resource_ids=[resource_id])
            office = rows[0].office_id if rows else None
            taken = [(resource_id, starts_at)]
            later = self._free(session, client, None, office, max(now, starts_at), 1, taken)
            if later:
                return later[0]
            sooner = self._free(session, client, None, office, now, 1, taken)
            return sooner[0] if sooner else None

    # --- booking ------------------------------------------------------------------------------

    def book(
        self,
        actor: Actor,
        lead_id: int,
        resource_id: int,
        starts_at: dt.datetime,
        *,
        confirmation_channel: str | None,
        confirmation_note: str | None,
        wants_earlier: bool = False,
        now: dt.datetime | None = None,
    ) -> BookedVisit:
        """Book the lead's client into the slot of `resource_id` starting at `starts_at`;
        the lead moves to visit_booked. Raises SlotTaken (full; with a suggestion),
        BookingRefused (inactive resource, outside hours, in the past, outside the client's
        preferred hours), ValidationFailed, NotFound."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        wanted = _aware(starts_at)
        channel = validate_channel(confirmation_channel, "confirmation_channel")
        note = (confirmation_note or "").strip() or None
        try:
            with write_session(self._db) as session:
                client = _client(session, lead_id)
                resource, ends_at, zone = _check_slot(session, client, resource_id, wanted, moment)
                slot_id = _take(session, resource, wanted)
                visit_id = q.insert_visit(
                    session,
                    lead_id=lead_id,
                    resource_id=resource_id,
                    slot_id=slot_id,
                    starts_at=wanted,
                    ends_at=ends_at,
                    status="booked",
                    confirmation_channel=channel,
                    confirmation_note=note,
                    wants_earlier=wants_earlier,
                    details={},
                    booked_by_id=actor.user_id,
                    booked_at=moment,
                )
                q.add_audit(
                    session,
                    user_id=actor.user_id,
                    entity=AUDIT_ENTITY,
                    entity_id=visit_id,
                    action="booked",
                    before=None,
                    after={
                        "status": "booked",
                        "lead_id": lead_id,
                        "resource_id": resource_id,
                        "starts_at": wanted.isoformat(),
                    },
                    at=moment,
                )
                self._lead_booked(session, actor, lead_id, moment)
                if self._hooks.after_booked:
                    self._hooks.after_booked(session, visit_id, moment)
        except _SlotFull:
            raise SlotTaken(
                resource_id, wanted, self._next_best(lead_id, resource_id, wanted, moment)
            ) from None
        return BookedVisit(
            visit_id, lead_id, resource_id, wanted, ends_at, resource.office_time_zone, zone
        )

    @staticmethod
    def _lead_booked(session: Session, actor: Actor, lead_id: int, now: dt.datetime) -> None:
        act_as(session, actor.user_id)
        q.set_lead_state(session, lead_id, LeadState.VISIT_BOOKED.value, now)

    def reschedule(
        self,
        actor: Actor,
        visit_id: int,
        resource_id: int,
        starts_at: dt.datetime,
        *,
        now: dt.datetime | None = None,
    ) -> BookedVisit:
        """Move a booked or confirmed visit: a new visit in the new slot (linked by
        rescheduled_from_id), the old one marked rescheduled and its seat freed — all or
        nothing. Raises SlotTaken, BookingRefused, NotFound."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        wanted = _aware(starts_at)
        lead_id: int | None = None
        try:
            with write_session(self._db) as session:
                old = q.lock_visit(session, visit_id)
                if old is None:
                    raise NotFound(f"visit {visit_id} does not exist")
                lead_id = old.lead_id
                if old.status not in q.ACTIVE_VISIT_STATUSES:
                    raise BookingRefused(
                        BookingRefusal.VISIT_NOT_ACTIVE, f"visit {visit_id} is {old.status}"
                    )
                if old.resource_id == resource_id and old.starts_at == wanted:
                    raise BookingRefused(
                        BookingRefusal.SAME_SLOT, f"visit {visit_id} is already in that slot"
                    )
                client = _client(session, old.lead_id)
                resource, ends_at, zone = _check_slot(session, client, resource_id, wanted, moment)
                new_id = self._move(session, actor, old, resource, wanted, ends_at, moment)
        except _SlotFull:
            assert lead_id is not None
            raise SlotTaken(
                resource_id, wanted, self._next_best(lead_id, resource_id, wanted, moment)
            ) from None
        return BookedVisit(
            new_id, old.lead_id, resource_id, wanted, ends_at, resource.office_time_zone, zone
        )

    def _move(
        self,
        session: Session,
        actor: Actor,
        old: q.VisitRow,
        resource: q.ResourceRow,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        now: dt.datetime,
    ) -> int:
        new_slot = q.ensure_slot(session, resource.resource_id, starts_at)
        old_slot = old.slot_id or q.slot_id(session, old.resource_id, old.starts_at)
        # Seats are locked in slot id order: two visits swapping slots cannot deadlock.
        freed = False
        if old_slot is not None and old_slot < new_slot:
            freed = q.free_seat(session, old_slot)
        if not q.take_seat(session, new_slot):
            raise _SlotFull
        if old_slot is not None and old_slot > new_slot:
            freed = q.free_seat(session, old_slot)
        slot_id = new_slot
        q.set_visit_status(session, old.visit_id, "rescheduled")
        new_id = q.insert_visit(
            session,
            lead_id=old.lead_id,
            resource_id=resource.resource_id,
            slot_id=slot_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status="booked",
            rescheduled_from_id=old.visit_id,
            confirmation_channel=old.confirmation_channel,
            confirmation_note=old.confirmation_note,
            wants_earlier=old.wants_earlier,
            details=old.details,
            booked_by_id=actor.user_id,
            booked_at=now,
        )
        q.add_audit(
            session,
            user_id=actor.user_id,
            entity=AUDIT_ENTITY,
            entity_id=old.visit_id,
            action="rescheduled",
            before={"status": old.status, "starts_at": old.starts_at.isoformat()},
            after={
                "status": "rescheduled",
                "new_visit_id": new_id,
                "resource_id": resource.resource_id,
                "starts_at": starts_at.isoformat(),
            },
            at=now,
        )
        if freed and self._hooks.after_seat_freed:
            self._hooks.after_seat_freed(session, old.resource_id, old.starts_at, now)
        if self._hooks.after_rescheduled:
            self._hooks.after_rescheduled(session, old.visit_id, new_id, now)
        return new_id

    def cancel(
        self,
        actor: Actor,
        visit_id: int,
        *,
        by: str,
        reason: str,
        now: dt.datetime | None = None,
    ) -> None:
        """Cancel a booked or confirmed visit (by the client or by us, with a reason) and free
        its seat. Raises ValidationFailed, NotFound, BookingRefused(VISIT_NOT_ACTIVE)."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with write_session(self._db) as session:
            cancel_in_session(session, actor.user_id, visit_id, by, reason, moment, self._hooks)
