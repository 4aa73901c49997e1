"""The calendar's calls from the queue end cleanly on both backends: the visit's outcome, a
recorded call attempt, the claim released — and the booked lead left where it is."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from operator_app.core.calendar.attendance import AttendanceService, CalendarServices
from operator_app.core.calendar.booking import BookingService, SlotTaken
from operator_app.core.calendar.calendar_calls import (
    CalendarCallResult,
    CalendarCallService,
    CallTiming,
    bookable_resources,
    load_calendar_call,
)
from operator_app.core.calendar.reminders import ConfirmationResult, ReminderService
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.messaging.outbox import Outbox
from operator_app.storage.database import Database
from operator_app.storage.models import CallAttempt, Lead, Task, Visit
from tests.support.reminder_data import (
    MONDAY,
    Client,
    Floor,
    audit_actions,
    floor,
    make_client,
    messages,
    moscow,
    tasks,
    visit,
)

NOW = moscow(MONDAY, 10)
THURSDAY = MONDAY + dt.timedelta(days=3)
VISIT_AT = moscow(THURSDAY, 15)


def book(f: Floor, client: Client, starts_at: dt.datetime = VISIT_AT) -> int:
    return f.services.booking.book(
        f.operator,
        client.lead_id,
        f.resource,
        starts_at,
        confirmation_channel="email",
        confirmation_note="call three hours before",
        now=NOW,
    ).visit_id


def claim(db: Database, f: Floor, lead_id: int, now: dt.datetime) -> None:
    with db.session() as session:
        session.execute(
            update(Lead)
            .where(Lead.id == lead_id)
            .values(claimed_by_id=f.operator.user_id, claimed_until=now + dt.timedelta(minutes=15))
        )


def timing(lead_id: int, at: dt.datetime, talk: int = 40) -> CallTiming:
    return CallTiming(
        client_uuid=str(uuid.uuid4()),
        lead_id=lead_id,
        phone_id=None,
        started_at=at - dt.timedelta(seconds=talk + 20),
        ended_at=at,
        talk_seconds=talk,
    )


def open_task(db: Database, visit_id: int, kind: str) -> int:
    (task,) = [t for t in tasks(db, visit_id) if t.kind == kind and t.state == "open"]
    return task.task_id


def attempts(db: Database, lead_id: int) -> list[tuple[str | None, int | None, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(CallAttempt).where(CallAttempt.lead_id == lead_id).order_by(CallAttempt.id)
        )
        return [(a.disposition, a.operator_id, a.reason) for a in rows]


def lead_state(db: Database, lead_id: int) -> tuple[str, int | None]:
    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        return lead.state, lead.claimed_by_id


def test_not_reached_twice_records_both_calls_and_keeps_the_lead_booked(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    calls = CalendarCallService(db, f.services)
    first_at = moscow(THURSDAY, 12, 5)
    claim(db, f, client.lead_id, first_at)

    first = calls.record_confirmation(
        f.operator,
        open_task(db, visit_id, "confirm_call"),
        ConfirmationResult.NOT_REACHED,
        timing(client.lead_id, first_at, talk=0),
        now=first_at,
    )
    assert first.confirmation is not None and first.confirmation.messages == ("not_reached",)
    assert first.claim_released and not first.already_recorded
    assert lead_state(db, client.lead_id) == ("visit_booked", None)

    second_at = moscow(THURSDAY, 13, 10)
    claim(db, f, client.lead_id, second_at)
    second = calls.record_confirmation(
        f.operator,
        open_task(db, visit_id, "second_call"),
        ConfirmationResult.NOT_REACHED,
        timing(client.lead_id, second_at, talk=0),
        note="no answer again",
        now=second_at,
    )
    assert second.confirmation is not None
    assert second.confirmation.visit_status == "cancelled"
    assert [m[0] for m in messages(db, visit_id)][-1] == "polite_cancellation"
    assert attempts(db, client.lead_id) == [
        ("no_answer", f.operator.user_id, None),
        ("no_answer", f.operator.user_id, None),
    ]
    # No retry, no callback: the calendar decided what happens to the visit.
    state, claimed_by = lead_state(db, client.lead_id)
    assert (state, claimed_by) == ("visit_booked", None)
    with db.session() as session:
        kinds = session.scalars(select(Task.kind).where(Task.lead_id == client.lead_id)).all()
    assert "retry" not in kinds and "callback" not in kinds


def test_a_resent_save_finds_the_recorded_call(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    calls = CalendarCallService(db, f.services)
    at = moscow(THURSDAY, 12, 5)
    call = timing(client.lead_id, at)
    task_id = open_task(db, visit_id, "confirm_call")
    first = calls.record_confirmation(
        f.operator, task_id, ConfirmationResult.CONFIRMED, call, now=at
    )
    again = calls.record_confirmation(
        f.operator, task_id, ConfirmationResult.CONFIRMED, call, now=at
    )
    assert again.already_recorded and again.call_id == first.call_id
    assert attempts(db, client.lead_id) == [("visit_confirmed", f.operator.user_id, None)]
    assert visit(db, visit_id).status == "confirmed"


def test_a_task_a_colleague_closed_still_gets_the_call_recorded(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    at = moscow(THURSDAY, 12, 5)
    task_id = open_task(db, visit_id, "confirm_call")
    f.services.reminders.record_confirmation(
        f.operator, task_id, ConfirmationResult.CONFIRMED, now=at
    )
    result = CalendarCallService(db, f.services).record_confirmation(
        f.operator, task_id, ConfirmationResult.CONFIRMED, timing(client.lead_id, at), now=at
    )
    assert result.task_already_closed and result.confirmation is None
    assert attempts(db, client.lead_id) == [("visit_confirmed", f.operator.user_id, None)]


def test_the_client_cancels_with_a_reason(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    at = moscow(THURSDAY, 12, 5)
    result = CalendarCallService(db, f.services).record_confirmation(
        f.operator,
        open_task(db, visit_id, "confirm_call"),
        ConfirmationResult.CANCELLED_BY_CLIENT,
        timing(client.lead_id, at),
        note="уезжает в командировку",
        now=at,
    )
    assert result.confirmation is not None and result.confirmation.visit_status == "cancelled"
    cancelled = visit(db, visit_id)
    assert (cancelled.cancelled_by, cancelled.cancel_reason) == ("client", "уезжает в командировку")
    assert attempts(db, client.lead_id) == [
        ("visit_cancelled", f.operator.user_id, "уезжает в командировку")
    ]


def test_another_time_moves_the_visit_and_survives_a_taken_slot(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    rival = make_client(db, f.campaign, name="Соперник")
    visit_id = book(f, client)
    friday = moscow(THURSDAY + dt.timedelta(days=1), 10)
    book(f, rival, friday)
    task_id = open_task(db, visit_id, "confirm_call")
    at = moscow(THURSDAY, 12, 5)
    claim(db, f, client.lead_id, at)
    calls = CalendarCallService(db, f.services)
    call = timing(client.lead_id, at)
    before = snapshot(db, client.lead_id, visit_id)

    with pytest.raises(SlotTaken):
        calls.reschedule(f.operator, task_id, visit_id, f.resource, friday, call, now=at)
    assert snapshot(db, client.lead_id, visit_id) == before

    later = friday + dt.timedelta(hours=1)
    moved = calls.reschedule(f.operator, task_id, visit_id, f.resource, later, call, now=at)
    assert moved.rescheduled is not None and moved.rescheduled.starts_at == later
    assert moved.claim_released and not moved.task_already_closed
    assert visit(db, visit_id).status == "rescheduled"
    assert visit(db, moved.rescheduled.visit_id).status == "booked"
    # Closed by the call, not withdrawn with the old visit's reminders.
    (confirm,) = [t for t in tasks(db, visit_id) if t.task_id == task_id]
    assert confirm.state == "done"
    assert audit_actions(db, "task", task_id) == ["call_result"]
    assert attempts(db, client.lead_id) == [("visit_rescheduled", f.operator.user_id, None)]
    assert lead_state(db, client.lead_id) == ("visit_booked", None)

    again = calls.reschedule(f.operator, task_id, visit_id, f.resource, later, call, now=at)
    assert again.already_recorded and again.call_id == moved.call_id
    assert len(attempts(db, client.lead_id)) == 1
    assert visit(db, moved.rescheduled.visit_id).status == "booked"


def test_a_freed_seat_offer_is_taken_in_the_call(db: Database) -> None:
    f = floor(db)
    early = make_client(db, f.campaign, name="Ранний")
    waiting = make_client(db, f.campaign, name="Ждущий", wants_earlier=True)
    early_visit = book(f, early, moscow(THURSDAY, 10))
    late_visit = book(f, waiting, VISIT_AT)
    f.services.booking.cancel(f.operator, early_visit, by="client", reason="заболел", now=NOW)
    offer_id = open_task(db, late_visit, "earlier_slot")

    offer = load_calendar_call(db, offer_id)
    assert offer is not None and not offer.is_confirmation
    assert offer.freed_slot == (f.resource, moscow(THURSDAY, 10))
    result = CalendarCallService(db, f.services).take_freed_slot(
        f.operator, offer_id, late_visit, timing(waiting.lead_id, NOW), note="рад", now=NOW
    )
    assert result.rescheduled is not None
    assert result.rescheduled.starts_at == moscow(THURSDAY, 10)
    assert visit(db, late_visit).status == "rescheduled"
    (taken,) = [t for t in tasks(db, late_visit) if t.task_id == offer_id]
    assert (taken.state, taken.note) == ("done", "рад")
    assert attempts(db, waiting.lead_id) == [("visit_rescheduled", f.operator.user_id, None)]


def test_other_calls_are_done_with_a_note(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    feedback = open_task(db, visit_id, "feedback_call")
    at = moscow(THURSDAY, 16)
    result = CalendarCallService(db, f.services).complete(
        f.operator, feedback, timing(client.lead_id, at), note="перепутал день", now=at
    )
    assert result.confirmation is None and not result.task_already_closed
    assert attempts(db, client.lead_id) == [("calendar_call_done", f.operator.user_id, None)]
    (done,) = [t for t in tasks(db, visit_id) if t.kind == "feedback_call"]
    assert (done.state, done.note) == ("done", "перепутал день")


def test_what_the_call_screen_shows(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign, zone="Asia/Yekaterinburg")
    visit_id = book(f, client)
    call = load_calendar_call(db, open_task(db, visit_id, "confirm_call"))
    assert call is not None and call.is_confirmation
    assert (call.visit_id, call.visit_status, call.confirmation_channel) == (
        visit_id,
        "booked",
        "email",
    )
    assert call.office_starts is not None and call.office_starts.hour == 15
    assert call.client_starts is not None and call.client_starts.hour == 17
    assert call.office_address == "Тверская, 1"
    with db.session() as session:
        callback = Task(lead_id=client.lead_id, kind="callback", due_at=NOW)
        session.add(callback)
        session.flush()
        callback_id = callback.id
    assert load_calendar_call(db, callback_id) is None
    assert load_calendar_call(db, 999_999) is None
    assert [r.resource_id for r in bookable_resources(db)] == [f.resource]


def test_bad_calls_and_unknown_offers_are_refused(db: Database) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    calls = CalendarCallService(db, f.services)
    task_id = open_task(db, visit_id, "confirm_call")
    bad = CallTiming("not-a-uuid", client.lead_id, None, NOW, NOW, 0)
    with pytest.raises(ValidationFailed):
        calls.record_confirmation(f.operator, task_id, ConfirmationResult.CONFIRMED, bad, now=NOW)
    with pytest.raises(NotFound):
        calls.take_freed_slot(f.operator, task_id, visit_id, timing(client.lead_id, NOW), now=NOW)
    assert attempts(db, client.lead_id) == []


class HookFailed(Exception):
    """Stands in for any failure late in the transaction."""


def failing_services(db: Database) -> CalendarServices:
    """The floor's services, but a freed seat's offer fails — after the visit is changed,
    messages queued and tasks closed in the same transaction."""

    def offer_fails(session: Session, resource_id: int, at: dt.datetime, now: dt.datetime) -> None:
        raise HookFailed

    reminders = ReminderService(db, Outbox(db), seat_freed=offer_fails)
    booking = BookingService(db, reminders.booking_hooks())
    return CalendarServices(booking, reminders, AttendanceService(db, reminders))


def snapshot(db: Database, lead_id: int, visit_id: int) -> tuple[object, ...]:
    """Everything a calendar call may change: tasks, visits, messages, calls, the claim."""
    task_rows = sorted((t.task_id, t.kind, t.state, t.note) for t in tasks(db, visit_id))
    with db.session() as session:
        visits = session.execute(
            select(Visit.id, Visit.status, Visit.cancelled_by).where(Visit.lead_id == lead_id)
        ).all()
    return (
        task_rows,
        sorted(visits),
        messages(db, visit_id),
        attempts(db, lead_id),
        lead_state(db, lead_id),
    )


RESULTS = {
    "client_cancels": ConfirmationResult.CANCELLED_BY_CLIENT,
    "second_not_reached": ConfirmationResult.NOT_REACHED,
}


@pytest.mark.parametrize("what", ["client_cancels", "second_not_reached", "reschedule"])
def test_a_failure_inside_the_transaction_changes_nothing(db: Database, what: str) -> None:
    f = floor(db)
    client = make_client(db, f.campaign)
    visit_id = book(f, client)
    task_id = open_task(db, visit_id, "confirm_call")
    at = moscow(THURSDAY, 12, 5)
    if what == "second_not_reached":
        f.services.reminders.record_confirmation(
            f.operator, task_id, ConfirmationResult.NOT_REACHED, now=at
        )
        task_id = open_task(db, visit_id, "second_call")
        at = moscow(THURSDAY, 13, 10)
    claim(db, f, client.lead_id, at)
    call = timing(client.lead_id, at)
    friday = moscow(THURSDAY + dt.timedelta(days=1), 10)

    def save(services: CalendarServices) -> CalendarCallResult:
        calls = CalendarCallService(db, services)
        if what == "reschedule":
            return calls.reschedule(f.operator, task_id, visit_id, f.resource, friday, call, now=at)
        return calls.record_confirmation(f.operator, task_id, RESULTS[what], call, now=at)

    before = snapshot(db, client.lead_id, visit_id)
    with pytest.raises(HookFailed):
        save(failing_services(db))
    assert snapshot(db, client.lead_id, visit_id) == before

    # The same save, tried again once the failure is gone, does it all, once.
    result = save(f.services)
    assert not result.already_recorded and result.claim_released
    assert len(attempts(db, client.lead_id)) == 1
    assert visit(db, visit_id).status == ("rescheduled" if what == "reschedule" else "cancelled")
