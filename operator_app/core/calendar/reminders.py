"""Reminders of visits applied to the database: calls become tasks the queue serves, messages
go to the outbox — in the transaction that books, moves or cancels the visit.

Plug the in-session methods into `BookingHooks` (see `attendance.calendar_services`):
`schedule_after_booking`, `on_rescheduled`, `on_cancelled`. The call screen reports how a
confirmation call went with `record_confirmation` (or `record_confirmation_in_session`, to
record the call attempt in the same transaction):

- confirmed: the visit is confirmed; its remaining calls are cancelled;
- not reached on the confirmation call: a polite "we could not reach you — will you come?"
  message and a second call after the campaign's interval (inside calling hours);
- not reached on the second call: a polite cancellation with an apology, and only then the
  visit is cancelled by us ("not reached"). When no message can be sent (no consent, no
  address) the visit is NOT cancelled: a silent cancellation is worse than a curt one, so the
  outcome says `cancellation_held_back` and the operator decides;
- reschedule requested: the task is done and the outcome says `open_booking`: the client is
  on the line, so the call screen opens the booking dialog for this visit at once (moving it
  runs `on_rescheduled`). Nothing else is created: if the client cannot choose now, the
  operator records an ordinary callback;
- cancelled by the client: the visit is cancelled by the client with the note as the reason.

A control-touch call that does not reach the client only closes that task: the confirmation
call still follows. Every change writes an audit row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from operator_app.core.calendar.booking import BookingHooks, cancel_in_session
from operator_app.core.calendar.confirmation import ConfirmationResult
from operator_app.core.calendar.reminder_plan import (
    BOOKING_CONFIRMATION,
    CONFIRM_CALL,
    CONTROL_TOUCH,
    EARLIER_SLOT,
    FEEDBACK_CALL,
    NEXT_VISIT_REMINDER,
    SECOND_CALL,
    PlannedItem,
    ReminderSettings,
    plan_after_booking,
    plan_after_visit,
    plan_feedback_call,
    plan_second_call,
)
from operator_app.core.errors import NotFound, OperatorAppError, ValidationFailed
from operator_app.core.messaging.channels import MESSAGE_CHANNELS
from operator_app.core.messaging.outbox import Outbox
from operator_app.core.queue.calling_hours import CallingHours, HoursWindow
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import attendance_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "ACTIVE_STATUSES",
    "CALL_TASK_KINDS",
    "NOT_REACHED_REASON",
    "OTHER_CALL_TASK_KINDS",
    "ConfirmationOutcome",
    "ConfirmationResult",
    "ReminderService",
    "ScheduledReminders",
    "TaskNotOpen",
    "VisitStatusConflict",
    "WrongTaskKind",
    "reminder_settings",
]

log = logging.getLogger(__name__)

AUDIT_VISIT: Final = "visit"
AUDIT_TASK: Final = "task"
ACTIVE_STATUSES: Final = ("booked", "confirmed")
CALL_TASK_KINDS: Final = (CONFIRM_CALL, CONTROL_TOUCH, SECOND_CALL)
"""Tasks whose outcome is reported with `record_confirmation`."""
OTHER_CALL_TASK_KINDS: Final = (FEEDBACK_CALL, EARLIER_SLOT, NEXT_VISIT_REMINDER)
"""The calendar's other calls, closed with `complete_task`."""
NOT_REACHED_REASON: Final = "not reached"
NOT_REACHED_MESSAGE: Final = "not_reached"
POLITE_CANCELLATION: Final = "polite_cancellation"
RESCHEDULE_NOTICE: Final = "reschedule_notice"
CLIENT_CANCELLED_REASON: Final = "cancelled by the client at the confirmation call"
REASON_LENGTH: Final = 300  # visits.cancel_reason


class TaskNotOpen(OperatorAppError):
    """Someone (or an earlier click) already closed the task; `state` is where it is."""

    def __init__(self, task_id: int, state: str) -> None:
        self.task_id = task_id
        self.state = state
        super().__init__(f"task {task_id} is already {state}")


class WrongTaskKind(OperatorAppError):
    """The action is for other kinds of task (e.g. a callback has no confirmation result)."""

    def __init__(self, task_id: int, kind: str, expected: tuple[str, ...]) -> None:
        self.task_id = task_id
        self.kind = kind
        self.expected = expected
        super().__init__(
            f"task {task_id} is a {kind.replace('_', ' ')}; this is for "
            + ", ".join(e.replace("_", " ") for e in expected)
        )


class VisitStatusConflict(OperatorAppError):
    """The visit's status does not allow the action (e.g. marking a cancelled visit arrived)."""

    def __init__(self, visit_id: int, status: str, action: str) -> None:
        self.visit_id = visit_id
        self.status = status
        self.action = action
        super().__init__(f"visit {visit_id} is {status.replace('_', ' ')}: cannot {action}")


@dataclass(frozen=True, slots=True)
class ScheduledReminders:
    """What was created for a visit: task ids and message ids by kind, and skipped calls."""

    visit_id: int
    tasks: tuple[tuple[str, int, dt.datetime], ...]  # (kind, task id, due)
    messages: tuple[tuple[str, int], ...]  # (template code, message id)
    not_queued: tuple[str, ...]  # template codes the outbox refused (no consent or address)
    skipped: tuple[PlannedItem, ...]


@dataclass(frozen=True, slots=True)
class ConfirmationOutcome:
    task_id: int
    visit_id: int
    result: ConfirmationResult
    visit_status: str
    messages: tuple[str, ...]  # template codes queued
    second_call: PlannedItem | None  # planned (or skipped, with the reason) after not reached
    second_call_task_id: int | None
    open_booking: bool  # reschedule requested: open the booking dialog for visit_id
    cancellation_held_back: bool  # not reached twice, but no message could go: visit kept


def reminder_settings(campaign_settings: dict[str, Any]) -> ReminderSettings:
    """The campaign's reminder plan; a stored plan that no longer validates falls back to the
    defaults (logged) rather than stop bookings."""
    try:
        return ReminderSettings.from_json(campaign_settings.get("reminders"))
    except ValidationFailed as error:
        log.warning("campaign reminder settings ignored: %s", error)
        return ReminderSettings()


def _hours(session: Session, campaign_id: int | None) -> CallingHours:
    return CallingHours.of(HoursWindow(*window) for window in q.calling_hours(session, campaign_id))


SeatFreed = Callable[[Session, int, dt.datetime, dt.datetime], None]


class ReminderService:
    def __init__(
        self, database: Database, outbox: Outbox, *, seat_freed: SeatFreed | None = None
    ) -> None:
        """`seat_freed` runs when this service cancels a visit (the freed-seat offer)."""
        self._db = database
        self._outbox = outbox
        self._seat_freed = seat_freed

    # --- booking hooks (in the booking's transaction) ----------------------------------------

    def schedule_after_booking(self, session: Session, visit_id: int, now: dt.datetime) -> None:
        """Plan the new visit's reminders (what was created is in its audit row)."""
        self._schedule(session, visit_id, now, BOOKING_CONFIRMATION)

    def on_rescheduled(self, session: Session, old_id: int, new_id: int, now: dt.datetime) -> None:
        """Withdraw the old visit's reminders, plan the new one's, tell the client the new
        time (reschedule_notice instead of a booking confirmation)."""
        self._withdraw(session, old_id, now, keep=())
        self._schedule(session, new_id, now, RESCHEDULE_NOTICE)

    def on_cancelled(self, session: Session, visit_id: int, now: dt.datetime) -> None:
        """Cancel the visit's open tasks and withdraw its unsent messages (the polite
        cancellation itself stays)."""
        self._withdraw(session, visit_id, now, keep=(POLITE_CANCELLATION,))

    def booking_hooks(self, seat_freed: SeatFreed | None = None) -> BookingHooks:
        return BookingHooks(
            after_booked=self.schedule_after_booking,
            after_rescheduled=self.on_rescheduled,
            after_cancelled=self.on_cancelled,
            after_seat_freed=seat_freed or self._seat_freed,
        )

    # --- attendance hooks -------------------------------------------------------------------

    def schedule_after_visit(
        self, session: Session, visit_id: int, now: dt.datetime
    ) -> ScheduledReminders:
        """Cyclic campaigns, the visit held: the review request and the next-visit reminder."""
        visit = self._visit(session, visit_id)
        if not visit.cyclic:
            return ScheduledReminders(visit_id, (), (), (), ())
        items = plan_after_visit(
            reminder_settings(visit.campaign_settings),
            visit_starts=visit.starts_at,
            visit_ends=visit.ends_at,
            held_at=now,
            client_zone=visit.client_zone,
            calling_hours=_hours(session, visit.campaign_id),
        )
        return self._apply(session, visit, items, now, "after_visit_planned")

    def schedule_after_no_show(
        self, session: Session, visit_id: int, now: dt.datetime
    ) -> ScheduledReminders:
        """The visit's remaining reminders go; a feedback call ("what went wrong?") comes."""
        visit = self._visit(session, visit_id)
        self._withdraw(session, visit_id, now, keep=())
        item = plan_feedback_call(
            no_show_at=now,
            client_zone=visit.client_zone,
            calling_hours=_hours(session, visit.campaign_id),
        )
        return self._apply(session, visit, [item], now, "feedback_planned")

    # --- the confirmation call's outcome ----------------------------------------------------

    def record_confirmation(
        self,
        actor: Actor,
        task_id: int,
        result: ConfirmationResult | str,
        *,
        note: str | None = None,
        now: dt.datetime | None = None,
    ) -> ConfirmationOutcome:
        """Record how a confirmation, control or second call went, in a transaction of its
        own. Raises NotFound, WrongTaskKind, TaskNotOpen, VisitStatusConflict,
        ValidationFailed."""
        require(actor, Permission.WORK_QUEUE)
        outcome = _result(result)
        with write_session(self._db) as session:
            return self.record_confirmation_in_session(
                session, actor, task_id, outcome, note=note, now=now or utcnow()
            )

    def record_confirmation_in_session(
        self,
        session: Session,
        actor: Actor,
        task_id: int,
        result: ConfirmationResult | str,
        *,
        note: str | None = None,
        now: dt.datetime,
    ) -> ConfirmationOutcome:
        """`record_confirmation` in the caller's write transaction (the call screen records
        the call attempt in the same one). Raises as record_confirmation does; nothing is
        written before TaskNotOpen, so the caller may go on after it."""
        require(actor, Permission.WORK_QUEUE)
        outcome = _result(result)
        text = (note or "").strip() or None
        act_as(session, actor.user_id)
        task, visit = self._locked_task(session, task_id, CALL_TASK_KINDS)
        if visit is None:
            raise WrongTaskKind(task_id, task.kind, CALL_TASK_KINDS)
        if visit.status not in ACTIVE_STATUSES:
            raise VisitStatusConflict(visit.visit_id, visit.status, "record a confirmation")
        self._finish(session, actor, task, "call_result", {"result": outcome.value}, text, now)
        return _Step(self, session, actor, task, visit, now, text).run(outcome)

    def complete_task(
        self,
        actor: Actor,
        task_id: int,
        *,
        note: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Close one of the calendar's other calls as done: the feedback call, the earlier-slot
        offer, the next-visit reminder (what was said goes in the note). Raises NotFound,
        WrongTaskKind (a confirmation call: use record_confirmation), TaskNotOpen."""
        require(actor, Permission.WORK_QUEUE)
        with write_session(self._db) as session:
            self.complete_task_in_session(session, actor, task_id, note=note, now=now or utcnow())

    def complete_task_in_session(
        self,
        session: Session,
        actor: Actor,
        task_id: int,
        *,
        note: str | None = None,
        now: dt.datetime,
    ) -> None:
        """`complete_task` in the caller's write transaction. Nothing is written before
        TaskNotOpen."""
        require(actor, Permission.WORK_QUEUE)
        act_as(session, actor.user_id)
        task, _visit = self._locked_task(session, task_id, OTHER_CALL_TASK_KINDS)
        self._finish(session, actor, task, "completed", {}, (note or "").strip() or None, now)

    def close_for_move_in_session(
        self,
        session: Session,
        actor: Actor,
        task_id: int,
        visit_id: int,
        *,
        note: str | None = None,
        now: dt.datetime,
    ) -> None:
        """The call on `task_id` is moving its visit `visit_id` in this transaction (the
        client chose another time, or took a freed seat): close the task as done. Call it
        from BookingHooks.after_rescheduled before the reminders are withdrawn — the visit is
        already `rescheduled` then, so its status is not checked here. Raises NotFound,
        WrongTaskKind, TaskNotOpen (nothing written before it), ValidationFailed (the task
        belongs to another visit)."""
        require(actor, Permission.WORK_QUEUE)
        act_as(session, actor.user_id)
        kinds = (*CALL_TASK_KINDS, *OTHER_CALL_TASK_KINDS)
        task, visit = self._locked_task(session, task_id, kinds)
        if visit is None or visit.visit_id != visit_id:
            raise ValidationFailed(
                "visit_id", "other_visit", f"task {task_id} is not about visit {visit_id}"
            )
        text = (note or "").strip() or None
        if task.kind in CALL_TASK_KINDS:
            result = {"result": ConfirmationResult.RESCHEDULE_REQUESTED.value}
            self._finish(session, actor, task, "call_result", result, text, now)
        else:
            self._finish(session, actor, task, "completed", {}, text, now)

    # --- internals --------------------------------------------------------------------------

    @staticmethod
    def _finish(
        session: Session,
        actor: Actor,
        task: q.TaskRow,
        action: str,
        details: dict[str, Any],
        note: str | None,
        now: dt.datetime,
    ) -> None:
        q.finish_task(session, task.task_id, state=q.DONE, now=now, note=note)
        _audit(
            session,
            actor.user_id,
            AUDIT_TASK,
            task.task_id,
            action,
            {"state": q.OPEN, "kind": task.kind},
            {"state": q.DONE, **details, "note": note},
            now,
        )

    @staticmethod
    def _locked_task(
        session: Session, task_id: int, kinds: tuple[str, ...]
    ) -> tuple[q.TaskRow, q.VisitForReminders | None]:
        """The open task of one of `kinds` and its visit, both locked — the visit first, in
        the same order as cancelling a visit takes them, so the two never deadlock."""
        exists, visit_id = q.task_visit_id(session, task_id)
        if not exists:
            raise NotFound(f"task {task_id} does not exist")
        visit = None if visit_id is None else q.visit_for_reminders(session, visit_id, lock=True)
        task = q.lock_task(session, task_id)
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        if task.kind not in kinds:
            raise WrongTaskKind(task_id, task.kind, kinds)
        if task.state != q.OPEN:
            raise TaskNotOpen(task_id, task.state)
        return task, visit

    def _visit(self, session: Session, visit_id: int) -> q.VisitForReminders:
        visit = q.visit_for_reminders(session, visit_id)
        if visit is None:
            raise NotFound(f"visit {visit_id} does not exist")
        return visit

    def _schedule(
        self, session: Session, visit_id: int, now: dt.datetime, first_message: str
    ) -> ScheduledReminders:
        visit = self._visit(session, visit_id)
        items = plan_after_booking(
            reminder_settings(visit.campaign_settings),
            booked_at=now,
            visit_starts=visit.starts_at,
            client_zone=visit.client_zone,
            calling_hours=_hours(session, visit.campaign_id),
        )
        renamed = [
            PlannedItem(first_message, i.due_at, i.channel) if i.kind == BOOKING_CONFIRMATION else i
            for i in items
        ]
        return self._apply(session, visit, renamed, now, "reminders_planned")

    def _apply(
        self,
        session: Session,
        visit: q.VisitForReminders,
        items: list[PlannedItem],
        now: dt.datetime,
        action: str,
    ) -> ScheduledReminders:
        tasks: list[tuple[str, int, dt.datetime]] = []
        messages: list[tuple[str, int]] = []
        refused: list[str] = []
        skipped: list[PlannedItem] = []
        for item in items:
            if item.is_call:
                task_id = q.insert_task(
                    session,
                    lead_id=visit.lead_id,
                    visit_id=visit.visit_id,
                    kind=item.kind,
                    due_at=item.due_at,
                    now=now,
                )
                tasks.append((item.kind, task_id, item.due_at))
            elif item.is_message:
                message_id = self._queue(session, visit, item.kind, item.due_at, now)
                if message_id is None:
                    refused.append(item.kind)
                else:
                    messages.append((item.kind, message_id))
            else:
                skipped.append(item)
        _audit(
            session,
            session.info.get("actor_id"),
            AUDIT_VISIT,
            visit.visit_id,
            action,
            None,
            {
                "tasks": [{"kind": k, "id": i, "due_at": d.isoformat()} for k, i, d in tasks],
                "messages": [{"template": k, "id": i} for k, i in messages],
                "not_queued": refused,
                "skipped": [{"kind": s.kind, "reason": s.skip_reason} for s in skipped],
            },
            now,
        )
        return ScheduledReminders(
            visit.visit_id, tuple(tasks), tuple(messages), tuple(refused), tuple(skipped)
        )

    def _queue(
        self,
        session: Session,
        visit: q.VisitForReminders,
        template_code: str,
        not_before: dt.datetime,
        now: dt.datetime,
    ) -> int | None:
        """Queue in the channel the client chose at booking, else the outbox's choice."""
        said = visit.confirmation_channel
        channels = [said, None] if said in MESSAGE_CHANNELS else [None]
        for channel in channels:
            queued = self._outbox.queue_in_session(
                session,
                contact_id=visit.contact_id,
                lead_id=visit.lead_id,
                visit_id=visit.visit_id,
                template_code=template_code,
                context={},
                channel=channel,
                not_before=not_before,
                now=now,
            )
            if queued is not None:
                return queued.message_id
        return None

    def _withdraw(
        self, session: Session, visit_id: int, now: dt.datetime, keep: tuple[str, ...]
    ) -> None:
        tasks = q.cancel_open_tasks(session, visit_id, now)
        withdrawn = self._outbox.withdraw_for_visit_in_session(session, visit_id, except_codes=keep)
        if tasks or withdrawn:
            _audit(
                session,
                session.info.get("actor_id"),
                AUDIT_VISIT,
                visit_id,
                "reminders_withdrawn",
                None,
                {"cancelled_tasks": tasks, "withdrawn_messages": withdrawn},
                now,
            )

    def _cancel_visit(
        self, session: Session, actor: Actor, visit_id: int, by: str, reason: str, now: dt.datetime
    ) -> None:
        hooks = BookingHooks(after_cancelled=self.on_cancelled, after_seat_freed=self._seat_freed)
        cancel_in_session(session, actor.user_id, visit_id, by, reason, now, hooks)


@dataclass(slots=True)
class _Step:
    """One confirmation outcome applied inside record_confirmation's transaction."""

    service: ReminderService
    session: Session
    actor: Actor
    task: q.TaskRow
    visit: q.VisitForReminders
    now: dt.datetime
    note: str | None

    def run(self, result: ConfirmationResult) -> ConfirmationOutcome:
        if result is ConfirmationResult.CONFIRMED:
            return self._confirmed()
        if result is ConfirmationResult.NOT_REACHED:
            if self.task.kind == CONFIRM_CALL:
                return self._first_not_reached()
            if self.task.kind == SECOND_CALL:
                return self._second_not_reached()
            return self._outcome(result)  # a control touch: the confirmation call follows
        if result is ConfirmationResult.RESCHEDULE_REQUESTED:
            return self._outcome(result, open_booking=True)
        self.service._cancel_visit(
            self.session,
            self.actor,
            self.visit.visit_id,
            "client",
            (self.note or CLIENT_CANCELLED_REASON)[:REASON_LENGTH],
            self.now,
        )
        return self._outcome(result, status="cancelled")

    def _outcome(
        self,
        result: ConfirmationResult,
        *,
        status: str | None = None,
        messages: tuple[str, ...] = (),
        second_call: PlannedItem | None = None,
        second_call_task_id: int | None = None,
        open_booking: bool = False,
        held_back: bool = False,
    ) -> ConfirmationOutcome:
        return ConfirmationOutcome(
            task_id=self.task.task_id,
            visit_id=self.visit.visit_id,
            result=result,
            visit_status=status or self.visit.status,
            messages=messages,
            second_call=second_call,
            second_call_task_id=second_call_task_id,
            open_booking=open_booking,
            cancellation_held_back=held_back,
        )

    def _confirmed(self) -> ConfirmationOutcome:
        visit = self.visit
        if visit.status != "confirmed":
            q.set_visit_status(
                self.session, visit.visit_id, from_statuses=("booked",), to_status="confirmed"
            )
            _audit(
                self.session,
                self.actor.user_id,
                AUDIT_VISIT,
                visit.visit_id,
                "confirmed",
                {"status": visit.status},
                {"status": "confirmed", "by_task": self.task.task_id},
                self.now,
            )
        q.cancel_open_tasks(self.session, visit.visit_id, self.now, kinds=CALL_TASK_KINDS)
        return self._outcome(ConfirmationResult.CONFIRMED, status="confirmed")

    def _first_not_reached(self) -> ConfirmationOutcome:
        visit = self.visit
        queued = self.service._queue(self.session, visit, NOT_REACHED_MESSAGE, self.now, self.now)
        planned = plan_second_call(
            reminder_settings(visit.campaign_settings),
            failed_at=self.now,
            visit_starts=visit.starts_at,
            client_zone=visit.client_zone,
            calling_hours=_hours(self.session, visit.campaign_id),
        )
        task_id = None
        if planned.is_call:
            task_id = q.insert_task(
                self.session,
                lead_id=visit.lead_id,
                visit_id=visit.visit_id,
                kind=SECOND_CALL,
                due_at=planned.due_at,
                now=self.now,
            )
        _audit(
            self.session,
            self.actor.user_id,
            AUDIT_VISIT,
            visit.visit_id,
            "not_reached",
            None,
            {
                "message_id": queued,
                "second_call_task": task_id,
                "second_call_due": planned.due_at.isoformat(),
                "skipped": planned.skip_reason,
            },
            self.now,
        )
        return self._outcome(
            ConfirmationResult.NOT_REACHED,
            messages=() if queued is None else (NOT_REACHED_MESSAGE,),
            second_call=planned,
            second_call_task_id=task_id,
        )

    def _second_not_reached(self) -> ConfirmationOutcome:
        visit = self.visit
        if not reminder_settings(visit.campaign_settings).cancel_after_second_call:
            return self._outcome(ConfirmationResult.NOT_REACHED)
        # The apology is queued first: without it the visit is not cancelled at all.
        queued = self.service._queue(self.session, visit, POLITE_CANCELLATION, self.now, self.now)
        if queued is None:
            _audit(
                self.session,
                self.actor.user_id,
                AUDIT_VISIT,
                visit.visit_id,
                "cancellation_held_back",
                None,
                {"reason": "no polite message could be queued"},
                self.now,
            )
            return self._outcome(ConfirmationResult.NOT_REACHED, held_back=True)
        self.service._cancel_visit(
            self.session, self.actor, visit.visit_id, "us", NOT_REACHED_REASON, self.now
        )
        return self._outcome(
            ConfirmationResult.NOT_REACHED, status="cancelled", messages=(POLITE_CANCELLATION,)
        )


def _result(result: ConfirmationResult | str) -> ConfirmationResult:
    try:
        return ConfirmationResult(result)
    except ValueError:
        raise ValidationFailed(
            "result", "unknown", f"unknown confirmation call result {result!r}"
        ) from None


def _audit(
    session: Session,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> None:
    q.add_audit(
        session,
        user_id=user_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        at=at,
    )
