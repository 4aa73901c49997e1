"""The calendar's calls taken from the queue: what the call screen shows, and how they end.

A confirmation, control or second call, a no-show's feedback call, an earlier-slot offer or a
next-visit reminder is worked like any other call — claimed, dialled, talked — but it does
not end with a disposition: the reminder service records what happened to the visit, and
then the call itself is recorded (so supervisors count it) and the claim released. The
lead's state is left alone: a visit_booked lead must not drift to retry or callback because
its confirmation call went unanswered.

All of it happens in ONE write transaction, so a dropped connection leaves either the whole
call or nothing. Moving the visit (another time, a freed seat) runs in the booking service's
transaction: the task is closed and the call recorded from its after_rescheduled hook. Ending
is idempotent by the call's client_uuid, like `core/calls.py`: a re-sent save finds the
recorded call and does nothing else. A task closed before (by a colleague) is not an error:
the call is still recorded and `task_already_closed` says so.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operator_app.core.calendar.attendance import CalendarServices, freed_slot_of
from operator_app.core.calendar.booking import BookedVisit, BookingService
from operator_app.core.calendar.confirmation import (
    CANCELLED_DISPOSITION,
    CONFIRMED_DISPOSITION,
    DONE_DISPOSITION,
    NOT_REACHED_DISPOSITION,
    RESCHEDULED_DISPOSITION,
)
from operator_app.core.calendar.reminder_plan import EARLIER_SLOT
from operator_app.core.calendar.reminders import (
    CALL_TASK_KINDS,
    OTHER_CALL_TASK_KINDS,
    ConfirmationOutcome,
    ConfirmationResult,
    TaskNotOpen,
)
from operator_app.core.calls import canonical_uuid
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import calendar_call_queries as q
from operator_app.storage.repositories import call_queries, queue_queries
from operator_app.storage.repositories.calendar_call_queries import BookableResource

__all__ = [
    "CALENDAR_CALL_DISPOSITIONS",
    "CALENDAR_TASK_KINDS",
    "CANCELLED_DISPOSITION",
    "CONFIRMED_DISPOSITION",
    "DONE_DISPOSITION",
    "NOT_REACHED_DISPOSITION",
    "REACHED_DISPOSITIONS",
    "RESCHEDULED_DISPOSITION",
    "BookableResource",
    "CalendarCall",
    "CalendarCallResult",
    "CalendarCallService",
    "CallTiming",
    "bookable_resources",
    "campaign_office",
    "load_calendar_call",
]

CALENDAR_TASK_KINDS: Final = (*CALL_TASK_KINDS, *OTHER_CALL_TASK_KINDS)
CALENDAR_CALL_DISPOSITIONS: Final = {
    ConfirmationResult.CONFIRMED: CONFIRMED_DISPOSITION,
    ConfirmationResult.NOT_REACHED: NOT_REACHED_DISPOSITION,
    ConfirmationResult.RESCHEDULE_REQUESTED: RESCHEDULED_DISPOSITION,
    ConfirmationResult.CANCELLED_BY_CLIENT: CANCELLED_DISPOSITION,
}
"""The codes written on call_attempts.disposition for the calendar's calls."""
REACHED_DISPOSITIONS: Final = frozenset(
    {CONFIRMED_DISPOSITION, RESCHEDULED_DISPOSITION, CANCELLED_DISPOSITION, DONE_DISPOSITION}
)
"""Calendar-call codes where the client was on the line (for reach-rate reports)."""
REASON_LENGTH: Final = 300  # call_attempts.reason


@dataclass(frozen=True, slots=True)
class CalendarCall:
    """A calendar task as the call screen shows it."""

    task_id: int
    kind: str
    state: str
    due_at: dt.datetime
    lead_id: int | None
    contact_id: int | None
    client_time_zone: str
    visit_id: int | None
    visit_status: str | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    resource_id: int | None
    resource_name: str | None
    office_name: str | None
    office_address: str | None
    office_time_zone: str | None
    confirmation_channel: str | None
    confirmation_note: str | None
    freed_slot: tuple[int, dt.datetime] | None  # an earlier_slot task's offer

    @property
    def is_confirmation(self) -> bool:
        """Confirmed / not reached / another time / cancels; otherwise a note and Done."""
        return self.kind in CALL_TASK_KINDS

    @property
    def client_starts(self) -> dt.datetime | None:
        return None if self.starts_at is None else _in_zone(self.starts_at, self.client_time_zone)

    @property
    def office_starts(self) -> dt.datetime | None:
        if self.starts_at is None or self.office_time_zone is None:
            return None
        return _in_zone(self.starts_at, self.office_time_zone)


@dataclass(frozen=True, slots=True)
class CallTiming:
    """The call as the desktop timed it (the same fields `core/calls.FinishedCall` has)."""

    client_uuid: str
    lead_id: int
    phone_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime
    talk_seconds: int


@dataclass(frozen=True, slots=True)
class CalendarCallResult:
    call_id: int
    client_uuid: str
    disposition: str
    claim_released: bool
    already_recorded: bool  # this call had been saved before: nothing else was done now
    task_already_closed: bool  # the task had been closed before (by a colleague)
    confirmation: ConfirmationOutcome | None = None
    rescheduled: BookedVisit | None = None


def _in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def load_calendar_call(database: Database, task_id: int) -> CalendarCall | None:
    """The calendar task and its visit, or None when the task is not one of the calendar's
    calls (a callback, say) or does not exist."""
    with database.session() as session:
        row = q.calendar_task(session, task_id)
    if row is None or row.kind not in CALENDAR_TASK_KINDS:
        return None
    zone = row.client_zone or row.office_time_zone or "Europe/Moscow"
    return CalendarCall(
        task_id=row.task_id,
        kind=row.kind,
        state=row.state,
        due_at=row.due_at,
        lead_id=row.lead_id,
        contact_id=row.contact_id,
        client_time_zone=zone,
        visit_id=row.visit_id,
        visit_status=row.visit_status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        resource_id=row.resource_id,
        resource_name=row.resource_name,
        office_name=row.office_name,
        office_address=row.office_address,
        office_time_zone=row.office_time_zone,
        confirmation_channel=row.confirmation_channel,
        confirmation_note=row.confirmation_note,
        freed_slot=freed_slot_of(row.note) if row.kind == EARLIER_SLOT else None,
    )


def bookable_resources(database: Database) -> list[BookableResource]:
    """Where a visit can be booked: active resources of active offices."""
    with database.session() as session:
        return q.bookable_resources(session)


def campaign_office(database: Database, lead_id: int) -> int | None:
    """The office the lead's campaign books its visits into, when it names an active one."""
    with database.session() as session:
        return q.campaign_office_of_lead(session, lead_id)


def _check_timing(call: CallTiming) -> str:
    client_uuid = canonical_uuid(call.client_uuid)
    for name in ("started_at", "ended_at"):
        if getattr(call, name).tzinfo is None:
            raise ValidationFailed(name, "naive", f"the {name} must carry a time zone")
    if call.ended_at < call.started_at:
        raise ValidationFailed("ended_at", "before_start", "the call cannot end before it started")
    if call.talk_seconds < 0:
        raise ValidationFailed("talk_seconds", "negative", "the talk time cannot be negative")
    return client_uuid


class _AlreadyRecorded(Exception):
    """Rolls back a transaction that found the call saved by a concurrent try of the save."""


class CalendarCallService:
    """Ends the calendar's calls: the visit's outcome through the reminder and booking
    services (`calendar_services`, so hooks run), the call attempt and the claim — in one
    transaction."""

    def __init__(self, database: Database, services: CalendarServices) -> None:
        self._db = database
        self._services = services

    def record_confirmation(
        self,
        actor: Actor,
        task_id: int,
        result: ConfirmationResult,
        call: CallTiming,
        *,
        note: str | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarCallResult:
        """Confirmed, not reached or cancelled by the client (reason in `note`). Raises what
        ReminderService.record_confirmation raises, except TaskNotOpen."""
        moment = now or utcnow()
        reminders = self._services.reminders
        reason = None
        if result is ConfirmationResult.CANCELLED_BY_CLIENT:
            reason = (note or "").strip()[:REASON_LENGTH] or None

        def step(session: Session) -> ConfirmationOutcome:
            return reminders.record_confirmation_in_session(
                session, actor, task_id, result, note=note, now=moment
            )

        disposition = CALENDAR_CALL_DISPOSITIONS[result]
        return self._end(actor, call, disposition, note, reason, moment, step)

    def complete(
        self,
        actor: Actor,
        task_id: int,
        call: CallTiming,
        *,
        note: str | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarCallResult:
        """A feedback, earlier-slot or next-visit call is done (what was said in `note`)."""
        moment = now or utcnow()
        reminders = self._services.reminders

        def step(session: Session) -> None:
            reminders.complete_task_in_session(session, actor, task_id, note=note, now=moment)

        return self._end(actor, call, DONE_DISPOSITION, note, None, moment, step)

    def reschedule(
        self,
        actor: Actor,
        task_id: int,
        visit_id: int,
        resource_id: int,
        starts_at: dt.datetime,
        call: CallTiming,
        *,
        now: dt.datetime | None = None,
    ) -> CalendarCallResult:
        """The client wants another time and chose it: the visit moved (the reminders follow
        it), the task closed as "reschedule requested", the call recorded — together or not at
        all. Raises SlotTaken / BookingRefused from the move (nothing changed then)."""
        return self._move(actor, task_id, visit_id, resource_id, starts_at, call, None, now)

    def take_freed_slot(
        self,
        actor: Actor,
        task_id: int,
        visit_id: int,
        call: CallTiming,
        *,
        note: str | None = None,
        now: dt.datetime | None = None,
    ) -> CalendarCallResult:
        """The client takes the earlier seat the earlier_slot task offers: the visit moved
        there and the task done, in one transaction. Raises NotFound (no offer), SlotTaken,
        BookingRefused."""
        offer = load_calendar_call(self._db, task_id)
        if offer is None or offer.freed_slot is None:
            raise NotFound(f"task {task_id} offers no freed slot")
        resource_id, starts_at = offer.freed_slot
        return self._move(actor, task_id, visit_id, resource_id, starts_at, call, note, now)

    # --- internals ----------------------------------------------------------------------

    def _check_new(self, actor: Actor, call: CallTiming) -> str:
        require(actor, Permission.WORK_QUEUE)
        return _check_timing(call)

    def _end(
        self,
        actor: Actor,
        call: CallTiming,
        disposition: str,
        note: str | None,
        reason: str | None,
        now: dt.datetime,
        step: Callable[[Session], ConfirmationOutcome | None],
    ) -> CalendarCallResult:
        client_uuid = self._check_new(actor, call)
        recorded = self._recorded(client_uuid)
        if recorded is not None:
            return recorded
        try:
            with call_queries.write_session(self._db) as session:
                act_as(session, actor.user_id)
                try:
                    outcome, closed = step(session), False
                except TaskNotOpen:
                    outcome, closed = None, True
                saved = self._insert_attempt(
                    session, actor, call, client_uuid, disposition, note, reason, now
                )
        except (_AlreadyRecorded, IntegrityError) as error:
            return self._recorded_after_race(client_uuid, error)
        return replace(saved, confirmation=outcome, task_already_closed=closed)

    def _move(
        self,
        actor: Actor,
        task_id: int,
        visit_id: int,
        resource_id: int,
        starts_at: dt.datetime,
        call: CallTiming,
        note: str | None,
        now: dt.datetime | None,
    ) -> CalendarCallResult:
        """Reschedule through a BookingService whose after_rescheduled hook also closes the
        task (before the reminders are withdrawn, so it ends done, not cancelled) and records
        the call: the booking service has no in-session reschedule, its hooks share its
        transaction. The other hooks are the reminder service's, as `calendar_services`
        wires them."""
        moment = now or utcnow()
        client_uuid = self._check_new(actor, call)
        recorded = self._recorded(client_uuid)
        if recorded is not None:
            return recorded
        reminders = self._services.reminders
        hooks = reminders.booking_hooks()
        saved: list[CalendarCallResult] = []

        def after_rescheduled(session: Session, old_id: int, new_id: int, at: dt.datetime) -> None:
            try:
                reminders.close_for_move_in_session(
                    session, actor, task_id, old_id, note=note, now=at
                )
                closed = False
            except TaskNotOpen:
                closed = True
            if hooks.after_rescheduled is not None:
                hooks.after_rescheduled(session, old_id, new_id, at)
            attempt = self._insert_attempt(
                session, actor, call, client_uuid, RESCHEDULED_DISPOSITION, note, None, at
            )
            saved.append(replace(attempt, task_already_closed=closed))

        booking = BookingService(self._db, replace(hooks, after_rescheduled=after_rescheduled))
        try:
            moved = booking.reschedule(actor, visit_id, resource_id, starts_at, now=moment)
        except (_AlreadyRecorded, IntegrityError) as error:
            return self._recorded_after_race(client_uuid, error)
        return replace(saved[-1], rescheduled=moved)

    def _recorded(self, client_uuid: str) -> CalendarCallResult | None:
        with self._db.session() as session:
            existing = call_queries.call_by_uuid(session, client_uuid)
            if existing is None:
                return None
            return CalendarCallResult(
                existing.id, existing.client_uuid, existing.disposition or "", False, True, False
            )

    def _recorded_after_race(self, client_uuid: str, error: Exception) -> CalendarCallResult:
        """A concurrent try of the same save won (this one rolled back); else `error`."""
        recorded = self._recorded(client_uuid)
        if recorded is None:
            raise error
        return recorded

    @staticmethod
    def _insert_attempt(
        session: Session,
        actor: Actor,
        call: CallTiming,
        client_uuid: str,
        disposition: str,
        note: str | None,
        reason: str | None,
        now: dt.datetime,
    ) -> CalendarCallResult:
        """The call attempt and the claim released, in the caller's transaction. The lead is
        locked last (after the visit and task), as the booking hook must take them."""
        lead = call_queries.lead_for_update(session, call.lead_id)
        if lead is None:
            raise NotFound(f"lead {call.lead_id} does not exist")
        if call_queries.call_by_uuid(session, client_uuid) is not None:
            raise _AlreadyRecorded
        saved = call_queries.insert_call(
            session,
            client_uuid=client_uuid,
            lead_id=call.lead_id,
            operator_id=actor.user_id,
            phone_id=call.phone_id,
            script_version_id=None,
            started_at=call.started_at,
            ended_at=call.ended_at,
            talk_seconds=call.talk_seconds,
            disposition=disposition,
            reason=reason,
            callback_at=None,
            notes=(note or "").strip() or None,
            last_step_id=None,
        )
        connection = session.connection()
        released = queue_queries.release(connection, call.lead_id, actor.user_id, now)
        if released:
            queue_queries.notify(connection, f"release:{call.lead_id}")
        return CalendarCallResult(saved.id, client_uuid, disposition, released, False, False)
