"""Reminders on both backends, through the wired calendar services: what a booking plans, the
confirmation call's outcomes down to the polite cancellation, rescheduling and cancelling."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from operator_app.core.calendar.attendance import CalendarServices, calendar_services
from operator_app.core.calendar.booking import BookingRefused
from operator_app.core.calendar.reminders import (
    ConfirmationResult,
    TaskNotOpen,
    VisitStatusConflict,
    WrongTaskKind,
)
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.messaging.outbox import Outbox
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Task
from operator_app.storage.repositories.call_queries import write_session
from tests.support.calendar_data import seats_taken
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

NOW = moscow(MONDAY, 10)  # Monday 4 March 2030, 10:00 in Moscow
THURSDAY = MONDAY + dt.timedelta(days=3)
TUESDAY = MONDAY + dt.timedelta(days=1)
VISIT_AT = moscow(THURSDAY, 15)


def book(
    f: Floor,
    client: Client,
    starts_at: dt.datetime = VISIT_AT,
    *,
    channel: str | None = None,
    now: dt.datetime = NOW,
) -> int:
    booked = f.services.booking.book(
        f.operator,
        client.lead_id,
        f.resource,
        starts_at,
        confirmation_channel=channel,
        confirmation_note="SMS the day before, call three hours before",
        now=now,
    )
    return booked.visit_id


def open_task(db: Database, visit_id: int, kind: str) -> int:
    (task,) = [t for t in tasks(db, visit_id) if t.kind == kind and t.state == "open"]
    return task.task_id


def codes(db: Database, visit_id: int) -> list[str | None]:
    return [m[0] for m in messages(db, visit_id)]


def test_a_booking_queues_the_confirmation_and_plans_the_touch_and_the_call(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    queued = messages(db, visit_id)
    assert [(code, channel, at) for code, channel, at, _ in queued] == [
        ("booking_confirmation", "email", NOW),
        ("control_touch", "email", moscow(THURSDAY - dt.timedelta(days=1), 12)),
    ]
    assert "Тверская, 1" in queued[0][3]  # the address goes out with the confirmation
    assert [(t.kind, t.state, t.due_at) for t in tasks(db, visit_id)] == [
        ("confirm_call", "open", moscow(THURSDAY, 12)),
    ]
    assert "reminders_planned" in audit_actions(db, "visit", visit_id)


def test_the_full_not_reached_path_ends_in_a_polite_cancellation(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    confirm_call = open_task(db, visit_id, "confirm_call")

    first = f.services.reminders.record_confirmation(
        f.operator, confirm_call, ConfirmationResult.NOT_REACHED, now=moscow(THURSDAY, 12, 5)
    )
    assert first.messages == ("not_reached",)
    assert first.second_call is not None and first.second_call.due_at == moscow(THURSDAY, 13, 5)
    assert visit(db, visit_id).status == "booked"
    assert codes(db, visit_id)[-1] == "not_reached"
    second_call = open_task(db, visit_id, "second_call")
    assert second_call == first.second_call_task_id

    second = f.services.reminders.record_confirmation(
        f.operator, second_call, "not_reached", note="no answer again", now=moscow(THURSDAY, 13, 10)
    )
    assert second.visit_status == "cancelled" and second.messages == ("polite_cancellation",)
    assert not second.cancellation_held_back
    cancelled = visit(db, visit_id)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancel_reason) == (
        "cancelled",
        "us",
        "not reached",
    )
    assert seats_taken(db, f.resource, VISIT_AT) == 0
    # Unsent reminders are withdrawn; the apology is what is left to go out.
    assert codes(db, visit_id) == ["polite_cancellation"]
    assert {t.state for t in tasks(db, visit_id)} == {"done"}
    actions = audit_actions(db, "visit", visit_id)
    assert actions.index("not_reached") < actions.index("cancelled")
    assert audit_actions(db, "task", second_call) == ["call_result"]


def test_without_a_way_to_write_the_visit_is_never_cancelled_silently(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign, consent=False))
    assert messages(db, visit_id) == []
    first = f.services.reminders.record_confirmation(
        f.operator,
        open_task(db, visit_id, "confirm_call"),
        ConfirmationResult.NOT_REACHED,
        now=moscow(THURSDAY, 12, 5),
    )
    assert first.messages == () and first.second_call_task_id is not None
    second = f.services.reminders.record_confirmation(
        f.operator,
        first.second_call_task_id,
        ConfirmationResult.NOT_REACHED,
        now=moscow(THURSDAY, 13, 10),
    )
    assert second.cancellation_held_back and second.visit_status == "booked"
    assert visit(db, visit_id).status == "booked"
    assert seats_taken(db, f.resource, VISIT_AT) == 1
    assert "cancellation_held_back" in audit_actions(db, "visit", visit_id)


def test_a_campaign_may_keep_the_visit_after_the_second_call(db: Database) -> None:
    f = floor(db, reminders={"cancel_after_second_call": False, "second_call_after_minutes": 30})
    visit_id = book(f, make_client(db, f.campaign))
    first = f.services.reminders.record_confirmation(
        f.operator,
        open_task(db, visit_id, "confirm_call"),
        ConfirmationResult.NOT_REACHED,
        now=moscow(THURSDAY, 12),
    )
    assert first.second_call is not None and first.second_call.due_at == moscow(THURSDAY, 12, 30)
    assert first.second_call_task_id is not None
    f.services.reminders.record_confirmation(
        f.operator, first.second_call_task_id, "not_reached", now=moscow(THURSDAY, 12, 35)
    )
    assert visit(db, visit_id).status == "booked"
    assert "polite_cancellation" not in codes(db, visit_id)


def test_confirmed_confirms_the_visit_and_cancels_the_other_calls(db: Database) -> None:
    f = floor(db, reminders={"control_touch_kind": "call"})
    visit_id = book(f, make_client(db, f.campaign))
    assert [t.kind for t in tasks(db, visit_id)] == ["control_touch", "confirm_call"]
    outcome = f.services.reminders.record_confirmation(
        f.operator,
        open_task(db, visit_id, "control_touch"),
        ConfirmationResult.CONFIRMED,
        note="will come",
        now=moscow(THURSDAY - dt.timedelta(days=1), 12, 10),
    )
    assert outcome.visit_status == "confirmed"
    assert visit(db, visit_id).status == "confirmed"
    assert [(t.kind, t.state, t.note) for t in tasks(db, visit_id)] == [
        ("control_touch", "done", "will come"),
        ("confirm_call", "cancelled", None),
    ]
    assert "confirmed" in audit_actions(db, "visit", visit_id)


def test_a_control_call_not_reached_leaves_the_confirmation_call(db: Database) -> None:
    f = floor(db, reminders={"control_touch_kind": "call"})
    visit_id = book(f, make_client(db, f.campaign))
    f.services.reminders.record_confirmation(
        f.operator, open_task(db, visit_id, "control_touch"), "not_reached", now=NOW
    )
    assert [(t.kind, t.state) for t in tasks(db, visit_id)] == [
        ("control_touch", "done"),
        ("confirm_call", "open"),
    ]
    assert "not_reached" not in codes(db, visit_id)


def test_reschedule_requested_asks_the_call_screen_to_open_the_booking(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    outcome = f.services.reminders.record_confirmation(
        f.operator, open_task(db, visit_id, "confirm_call"), "reschedule_requested", now=NOW
    )
    assert outcome.open_booking and outcome.visit_status == "booked"
    assert visit(db, visit_id).status == "booked"


def test_cancelled_by_the_client_cancels_with_the_clients_reason(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    outcome = f.services.reminders.record_confirmation(
        f.operator,
        open_task(db, visit_id, "confirm_call"),
        ConfirmationResult.CANCELLED_BY_CLIENT,
        note="bought elsewhere",
        now=moscow(THURSDAY, 12),
    )
    assert outcome.visit_status == "cancelled"
    cancelled = visit(db, visit_id)
    assert (cancelled.cancelled_by, cancelled.cancel_reason) == ("client", "bought elsewhere")
    assert seats_taken(db, f.resource, VISIT_AT) == 0
    assert "polite_cancellation" not in codes(db, visit_id)
    assert codes(db, visit_id) == []  # the unsent control touch is withdrawn


def test_a_result_is_recorded_once_and_only_for_call_tasks(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    task_id = open_task(db, visit_id, "confirm_call")
    reminders = f.services.reminders
    reminders.record_confirmation(f.operator, task_id, "confirmed", now=NOW)
    with pytest.raises(TaskNotOpen) as closed:
        reminders.record_confirmation(f.operator, task_id, "confirmed", now=NOW)
    assert closed.value.state == "done"
    with db.session() as session:
        callback = Task(lead_id=visit(db, visit_id).lead_id, kind="callback", due_at=NOW)
        session.add(callback)
        session.flush()
        callback_id = callback.id
    with pytest.raises(WrongTaskKind):
        reminders.record_confirmation(f.operator, callback_id, "confirmed", now=NOW)
    with pytest.raises(NotFound):
        reminders.record_confirmation(f.operator, 10_000_000, "confirmed", now=NOW)
    with pytest.raises(ValidationFailed) as unknown:
        reminders.record_confirmation(f.operator, task_id, "maybe", now=NOW)
    assert unknown.value.field == "result"
    admin = Actor(f.operator.user_id, "a", "A", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        reminders.record_confirmation(admin, task_id, "confirmed", now=NOW)


def test_a_call_for_a_visit_no_longer_active_is_refused(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    task_id = open_task(db, visit_id, "confirm_call")
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 30))
    with db.session() as session:  # a stale task someone reopened by hand
        task = session.get(Task, task_id)
        assert task is not None
        task.state = "open"
    with pytest.raises(VisitStatusConflict) as caught:
        f.services.reminders.record_confirmation(f.operator, task_id, "confirmed", now=NOW)
    assert caught.value.status == "no_show"


def test_rescheduling_replaces_the_plan_and_tells_the_client(db: Database) -> None:
    f = floor(db)
    old_id = book(f, make_client(db, f.campaign))
    new_at = moscow(TUESDAY + dt.timedelta(days=7), 11)  # the next Tuesday, 11:00
    moved = f.services.booking.reschedule(f.operator, old_id, f.resource, new_at, now=NOW)
    assert [t.state for t in tasks(db, old_id)] == ["cancelled"]
    assert messages(db, old_id) == []
    assert codes(db, moved.visit_id) == ["reschedule_notice", "control_touch"]
    (call,) = tasks(db, moved.visit_id)
    assert (call.kind, call.due_at) == (
        "confirm_call",
        moscow(MONDAY + dt.timedelta(days=7), 20, 30),
    )
    assert "reminders_withdrawn" in audit_actions(db, "visit", old_id)


def test_a_cancelled_visit_keeps_nothing_pending(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.booking.cancel(f.operator, visit_id, by="client", reason="ill", now=NOW)
    assert [t.state for t in tasks(db, visit_id)] == ["cancelled"]
    assert messages(db, visit_id) == []


def test_the_client_chosen_channel_and_the_campaign_plan_are_used(db: Database) -> None:
    f = floor(db, reminders={"confirm_call_hours_before": 5, "confirmation_message": True})
    visit_id = book(f, make_client(db, f.campaign), channel="sms")
    assert {m[1] for m in messages(db, visit_id)} == {"sms"}
    assert tasks(db, visit_id)[0].due_at == moscow(THURSDAY, 10)
    # Asked for a channel the client has no address for, the outbox picks one that works.
    other = book(f, make_client(db, f.campaign, email=None), moscow(THURSDAY, 16), channel="email")
    assert {m[1] for m in messages(db, other)} == {"sms"}


def test_a_broken_stored_plan_falls_back_to_the_defaults(db: Database) -> None:
    f = floor(db, reminders={"confirm_call_hours_before": "three"})
    visit_id = book(f, make_client(db, f.campaign))
    assert tasks(db, visit_id)[0].due_at == moscow(THURSDAY, 12)


def test_a_visit_booked_hours_ahead_gets_no_call_and_the_audit_says_why(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign), moscow(MONDAY, 11), now=NOW)
    assert tasks(db, visit_id) == []
    assert codes(db, visit_id) == ["booking_confirmation"]
    with db.session() as session:
        planned = session.scalars(
            select(AuditEntry.after).where(
                AuditEntry.entity == "visit",
                AuditEntry.entity_id == visit_id,
                AuditEntry.action == "reminders_planned",
            )
        ).one()
    assert planned is not None
    assert planned["skipped"] == [{"kind": "confirm_call", "reason": "booked_too_close"}]


class Abandoned(Exception):
    """The caller's transaction fails after the reminder service's part."""


def test_in_session_outcomes_share_the_callers_transaction(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    task_id = open_task(db, visit_id, "confirm_call")
    reminders = f.services.reminders
    at = moscow(THURSDAY, 12, 5)
    before = (tasks(db, visit_id), messages(db, visit_id), seats_taken(db, f.resource, VISIT_AT))
    with pytest.raises(Abandoned), write_session(db) as session:
        outcome = reminders.record_confirmation_in_session(
            session, f.operator, task_id, "cancelled_by_client", note="передумал", now=at
        )
        assert outcome.visit_status == "cancelled"
        raise Abandoned
    assert (
        tasks(db, visit_id),
        messages(db, visit_id),
        seats_taken(db, f.resource, VISIT_AT),
    ) == before
    assert visit(db, visit_id).status == "booked"
    assert audit_actions(db, "task", task_id) == []

    with write_session(db) as session:
        reminders.record_confirmation_in_session(
            session, f.operator, task_id, ConfirmationResult.CONFIRMED, now=at
        )
    assert visit(db, visit_id).status == "confirmed"
    with write_session(db) as session, pytest.raises(TaskNotOpen):
        reminders.record_confirmation_in_session(
            session, f.operator, task_id, ConfirmationResult.CONFIRMED, now=at
        )


def test_closing_a_task_for_its_visits_move(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    other = book(f, make_client(db, f.campaign, name="Борис"), moscow(THURSDAY, 16))
    task_id = open_task(db, visit_id, "confirm_call")
    reminders = f.services.reminders
    with write_session(db) as session, pytest.raises(ValidationFailed):
        reminders.close_for_move_in_session(session, f.operator, task_id, other, now=NOW)
    with write_session(db) as session:
        reminders.close_for_move_in_session(session, f.operator, task_id, visit_id, now=NOW)
    (closed,) = [t for t in tasks(db, visit_id) if t.task_id == task_id]
    assert closed.state == "done"
    with db.session() as session:
        after = session.scalars(
            select(AuditEntry.after).where(
                AuditEntry.entity == "task", AuditEntry.entity_id == task_id
            )
        ).one()
    assert after is not None and after["result"] == "reschedule_requested"


def test_completing_in_session_rolls_back_with_the_caller(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    feedback = open_task(db, visit_id, "feedback_call")
    with pytest.raises(Abandoned), write_session(db) as session:
        f.services.reminders.complete_task_in_session(
            session, f.operator, feedback, note="перепутал день", now=moscow(THURSDAY, 16)
        )
        raise Abandoned
    assert open_task(db, visit_id, "feedback_call") == feedback
    assert audit_actions(db, "task", feedback) == []


def test_other_calendar_calls_are_closed_with_a_note(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    feedback = open_task(db, visit_id, "feedback_call")
    reminders = f.services.reminders
    reminders.complete_task(f.operator, feedback, note="перепутал день", now=moscow(THURSDAY, 16))
    (done,) = [t for t in tasks(db, visit_id) if t.kind == "feedback_call"]
    assert (done.state, done.note) == ("done", "перепутал день")
    assert audit_actions(db, "task", feedback) == ["completed"]
    with pytest.raises(TaskNotOpen):
        reminders.complete_task(f.operator, feedback, now=moscow(THURSDAY, 16))
    other = book(f, make_client(db, f.campaign, name="Борис"), moscow(THURSDAY, 16))
    with pytest.raises(WrongTaskKind):  # confirmation calls report their result
        reminders.complete_task(f.operator, open_task(db, other, "confirm_call"), now=NOW)


# --- two workstations at once ------------------------------------------------------------------

Attempt = Callable[[CalendarServices], object]


def race(url: str, attempts: list[Attempt]) -> list[str]:
    """Run the attempts at the same moment, each on its own Database (its own connection)."""
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(attempts))
    databases = [Database(url) for _ in attempts]

    def run(database: Database, attempt: Attempt) -> None:
        services = calendar_services(database, Outbox(database))
        start.wait()
        try:
            attempt(services)
            outcome = "won"
        except (TaskNotOpen, VisitStatusConflict, BookingRefused):
            outcome = "lost"
        except Exception as error:  # any other failure shows up in the compared outcomes
            outcome = f"error: {error!r}"
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=run, args=(database, attempt))
        for database, attempt in zip(databases, attempts, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for database in databases:
            database.dispose()
    return sorted(outcomes)


def test_one_call_result_wins_when_two_are_reported_at_once(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    task_id = open_task(db, visit_id, "confirm_call")
    at = moscow(THURSDAY, 12, 5)
    outcomes = race(
        db.url,
        [
            lambda s: s.reminders.record_confirmation(f.operator, task_id, "confirmed", now=at),
            lambda s: s.reminders.record_confirmation(f.operator, task_id, "not_reached", now=at),
        ],
    )
    assert outcomes == ["lost", "won"]
    assert len([t for t in tasks(db, visit_id) if t.kind == "second_call"]) <= 1
    assert audit_actions(db, "task", task_id) == ["call_result"]


def test_a_cancellation_racing_a_call_result_neither_deadlocks_nor_doubles(db: Database) -> None:
    f = floor(db)
    at = moscow(THURSDAY, 12, 5)
    for _ in range(3):
        visit_id = book(f, make_client(db, f.campaign), VISIT_AT)
        task_id = open_task(db, visit_id, "confirm_call")

        def on_the_call(s: CalendarServices, task: int = task_id) -> object:
            return s.reminders.record_confirmation(
                f.operator, task, "cancelled_by_client", note="передумал", now=at
            )

        def in_the_calendar(s: CalendarServices, visit_id: int = visit_id) -> None:
            s.booking.cancel(f.operator, visit_id, by="client", reason="позвонил", now=at)

        assert race(db.url, [on_the_call, in_the_calendar]) == ["lost", "won"]
        assert visit(db, visit_id).status == "cancelled"
        assert seats_taken(db, f.resource, VISIT_AT) == 0
        assert audit_actions(db, "visit", visit_id).count("cancelled") == 1
