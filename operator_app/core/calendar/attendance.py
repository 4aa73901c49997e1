"""Did the client come: arrival, no-show, the visit's result and review, and freed seats
offered to clients who wait for an earlier time.

Status moves are checked and made with one conditional UPDATE each:
booked/confirmed → held (arrived) or no_show; a no-show who turns up late can still be marked
arrived (no_show → held). A no-show gets a feedback call ("what went wrong?") at the first
calling moment half an hour later — a call, not a message, because the point is to talk; a
campaign with no calling hours writes (no_show_feedback) instead. Results and reviews belong
to held visits only. Every change writes an audit row (entity "visit").
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from sqlalchemy.orm import Session

from operator_app.core.calendar.booking import BookingService
from operator_app.core.calendar.preferences import parse_windows, window_contains
from operator_app.core.calendar.reminder_plan import EARLIER_SLOT, REVIEW_REQUEST
from operator_app.core.calendar.reminders import (
    ACTIVE_STATUSES,
    AUDIT_VISIT,
    ReminderService,
    ScheduledReminders,
    VisitStatusConflict,
)
from operator_app.core.errors import NotFound, OperatorAppError, ValidationFailed
from operator_app.core.messaging.outbox import Outbox
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import attendance_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "ARRIVAL_EARLIEST",
    "EARLIER_SLOT",
    "AttendanceChange",
    "AttendanceService",
    "CalendarServices",
    "TooEarly",
    "calendar_services",
    "earlier_slot_note",
    "freed_slot_of",
    "offer_freed_seat",
]

ARRIVAL_EARLIEST: Final = dt.timedelta(hours=1)
"""A client may be marked arrived this long before the visit; earlier is a slip of the mouse."""
OFFER_LEAD: Final = dt.timedelta(hours=1)
"""A seat freed less than this before it starts is not offered: nobody could get there."""
MAX_AMOUNT: Final = Decimal("999999999999.99")  # visit_results.amount is NUMERIC(14, 2)
_NOTE = re.compile(r"^resource=(\d+) starts_at=(\S+)$")


class TooEarly(OperatorAppError):
    """Marking arrival or a no-show before it can be known."""

    def __init__(self, visit_id: int, starts_at: dt.datetime, action: str) -> None:
        self.visit_id = visit_id
        self.starts_at = starts_at
        self.action = action
        super().__init__(
            f"visit {visit_id} starts at {starts_at.isoformat()}: too early to {action}"
        )


@dataclass(frozen=True, slots=True)
class AttendanceChange:
    visit_id: int
    status: str
    follow_up: ScheduledReminders  # what was planned: review/next visit, or the feedback call


@dataclass(frozen=True, slots=True)
class CalendarServices:
    booking: BookingService
    reminders: ReminderService
    attendance: AttendanceService


def calendar_services(database: Database, outbox: Outbox) -> CalendarServices:
    """The calendar's services wired together: bookings plan reminders in their transaction,
    cancellations withdraw them, freed seats are offered to clients waiting for earlier."""
    reminders = ReminderService(database, outbox, seat_freed=offer_freed_seat)
    booking = BookingService(database, reminders.booking_hooks())
    return CalendarServices(booking, reminders, AttendanceService(database, reminders))


def earlier_slot_note(resource_id: int, starts_at: dt.datetime) -> str:
    """The freed seat an earlier_slot task offers, in its note (read back by freed_slot_of)."""
    return f"resource={resource_id} starts_at={starts_at.astimezone(dt.UTC).isoformat()}"


def freed_slot_of(note: str | None) -> tuple[int, dt.datetime] | None:
    match = _NOTE.match(note or "")
    if match is None:
        return None
    return int(match[1]), dt.datetime.fromisoformat(match[2])


def offer_freed_seat(
    session: Session, resource_id: int, starts_at: dt.datetime, now: dt.datetime
) -> None:
    """A BookingHooks.after_seat_freed hook: an earlier_slot task for every client booked
    later with the same resource who wants an earlier time and whose preferred hours hold
    the freed slot, soonest booked first (the queue serves equal due times in id order)."""
    if starts_at - now < OFFER_LEAD:
        return
    for candidate in q.earlier_candidates(
        session, resource_id, starts_at, ACTIVE_STATUSES, EARLIER_SLOT
    ):
        if not _fits(candidate, starts_at):
            continue
        task_id = q.insert_task(
            session,
            lead_id=candidate.lead_id,
            visit_id=candidate.visit_id,
            kind=EARLIER_SLOT,
            due_at=now,
            now=now,
            note=earlier_slot_note(resource_id, starts_at),
        )
        q.add_audit(
            session,
            user_id=session.info.get("actor_id"),
            entity=AUDIT_VISIT,
            entity_id=candidate.visit_id,
            action="earlier_slot_offered",
            before=None,
            after={
                "task_id": task_id,
                "resource_id": resource_id,
                "starts_at": starts_at.isoformat(),
            },
            at=now,
        )


def _fits(candidate: q.EarlierCandidate, starts_at: dt.datetime) -> bool:
    try:
        windows = parse_windows(candidate.windows)
    except ValidationFailed:
        return False  # preferences that no longer parse: offer nothing rather than guess
    if not windows:
        return True  # no preferred hours named: any time suits
    local = starts_at.astimezone(zoneinfo.ZoneInfo(candidate.client_zone))
    minutes = int((candidate.ends_at - candidate.starts_at).total_seconds() // 60)
    return window_contains(windows, local, minutes)


class AttendanceService:
    def __init__(self, database: Database, reminders: ReminderService) -> None:
        self._db = database
        self._reminders = reminders

    def mark_arrived(
        self, actor: Actor, visit_id: int, *, now: dt.datetime | None = None
    ) -> AttendanceChange:
        """The client came: the visit is held (also after a no-show mark, for a late
        arrival). Cyclic campaigns plan the review request and the next-visit reminder.
        Raises NotFound, VisitStatusConflict, TooEarly."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with write_session(self._db) as session:
            act_as(session, actor.user_id)
            visit = self._locked(session, visit_id)
            if visit.status not in (*ACTIVE_STATUSES, "no_show"):
                raise VisitStatusConflict(visit_id, visit.status, "mark the client arrived")
            if moment < visit.starts_at - ARRIVAL_EARLIEST:
                raise TooEarly(visit_id, visit.starts_at, "mark the client arrived")
            self._move(session, actor, visit, "held", "arrived", moment)
            q.cancel_open_tasks(session, visit_id, moment)
            follow_up = self._reminders.schedule_after_visit(session, visit_id, moment)
            return AttendanceChange(visit_id, "held", follow_up)

    def mark_no_show(
        self, actor: Actor, visit_id: int, *, now: dt.datetime | None = None
    ) -> AttendanceChange:
        """The client did not come: status no_show, remaining reminders withdrawn, and a
        feedback call "what went wrong?". Raises NotFound, VisitStatusConflict, TooEarly."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with write_session(self._db) as session:
            act_as(session, actor.user_id)
            visit = self._locked(session, visit_id)
            if visit.status not in ACTIVE_STATUSES:
                raise VisitStatusConflict(visit_id, visit.status, "mark a no-show")
            if moment < visit.starts_at:
                raise TooEarly(visit_id, visit.starts_at, "mark a no-show")
            self._move(session, actor, visit, "no_show", "no_show", moment)
            follow_up = self._reminders.schedule_after_no_show(session, visit_id, moment)
            return AttendanceChange(visit_id, "no_show", follow_up)

    def record_result(
        self,
        actor: Actor,
        visit_id: int,
        sale: bool,
        amount: Decimal | None,
        comment: str | None,
        *,
        now: dt.datetime | None = None,
    ) -> int:
        """Record (or correct) the held visit's result: a sale or not, the amount (>= 0, only
        for a sale) and a comment; the result's id. Raises ValidationFailed, NotFound,
        VisitStatusConflict."""
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        checked = _amount(amount, sale)
        text = (comment or "").strip() or None
        with write_session(self._db) as session:
            visit = self._locked(session, visit_id)
            if visit.status != "held":
                raise VisitStatusConflict(visit_id, visit.status, "record a result")
            result_id, before = q.save_result(
                session,
                visit_id=visit_id,
                sale=sale,
                amount=checked,
                comment=text,
                recorded_by_id=actor.user_id,
                now=moment,
            )
            q.add_audit(
                session,
                user_id=actor.user_id,
                entity=AUDIT_VISIT,
                entity_id=visit_id,
                action="result_recorded" if before is None else "result_corrected",
                before=before,
                after={
                    "sale": sale,
                    "amount": None if checked is None else str(checked),
                    "comment": text,
                },
                at=moment,
            )
            return result_id

    def record_review(
        self, actor: Actor, visit_id: int, score: int, *, now: dt.datetime | None = None
    ) -> None:
        """The client's review of a held visit, 1 to 5 (a review request not sent yet is
        withdrawn: the client has answered). Raises ValidationFailed, NotFound,
        VisitStatusConflict."""
        require(actor, Permission.WORK_QUEUE)
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise ValidationFailed("score", "out_of_range", "a review score is 1 to 5")
        moment = now or utcnow()
        with write_session(self._db) as session:
            visit = self._locked(session, visit_id)
            if visit.status != "held":
                raise VisitStatusConflict(visit_id, visit.status, "record a review")
            before = q.set_review(session, visit_id, score)
            q.add_audit(
                session,
                user_id=actor.user_id,
                entity=AUDIT_VISIT,
                entity_id=visit_id,
                action="review_recorded",
                before=None if before is None else {"review_score": before},
                after={"review_score": score},
                at=moment,
            )
            q.withdraw_queued_messages(session, visit_id, (REVIEW_REQUEST,))

    def offer_freed_seat(
        self, session: Session, resource_id: int, starts_at: dt.datetime, now: dt.datetime
    ) -> None:
        """BookingHooks.after_seat_freed (see `offer_freed_seat`)."""
        offer_freed_seat(session, resource_id, starts_at, now)

    # --- internals --------------------------------------------------------------------------

    @staticmethod
    def _locked(session: Session, visit_id: int) -> q.VisitForReminders:
        visit = q.visit_for_reminders(session, visit_id, lock=True)
        if visit is None:
            raise NotFound(f"visit {visit_id} does not exist")
        return visit

    @staticmethod
    def _move(
        session: Session,
        actor: Actor,
        visit: q.VisitForReminders,
        status: str,
        action: str,
        now: dt.datetime,
    ) -> None:
        moved = q.set_visit_status(
            session, visit.visit_id, from_statuses=(visit.status,), to_status=status
        )
        if not moved:  # the row is locked, so this only happens on a broken invariant
            raise VisitStatusConflict(visit.visit_id, visit.status, action.replace("_", " "))
        q.add_audit(
            session,
            user_id=actor.user_id,
            entity=AUDIT_VISIT,
            entity_id=visit.visit_id,
            action=action,
            before={"status": visit.status},
            after={"status": status},
            at=now,
        )


def _amount(amount: Decimal | None, sale: bool) -> Decimal | None:
    if amount is None:
        return None
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed("amount", "not_a_number", "the amount must be a number") from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed("amount", "negative", "the amount must be zero or more")
    if value > MAX_AMOUNT:
        raise ValidationFailed("amount", "too_large", f"the amount must be at most {MAX_AMOUNT}")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed("amount", "too_precise", "the amount has at most two decimals")
    if value > 0 and not sale:
        raise ValidationFailed("amount", "not_a_sale", "an amount is recorded only for a sale")
    return value.quantize(Decimal("0.01"))
