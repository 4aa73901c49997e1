"""Attendance on both backends: arrival, no-show and its feedback call, results and reviews,
the cyclic campaign's follow-ups, and freed seats offered to clients waiting for earlier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from operator_app.core.calendar.attendance import (
    EARLIER_SLOT,
    TooEarly,
    freed_slot_of,
)
from operator_app.core.calendar.reminders import VisitStatusConflict
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.storage.database import Database
from operator_app.storage.models import Task, VisitResult
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
TUESDAY = MONDAY + dt.timedelta(days=1)
THURSDAY = MONDAY + dt.timedelta(days=3)
VISIT_AT = moscow(THURSDAY, 15)


def book(f: Floor, client: Client, starts_at: dt.datetime = VISIT_AT, **extra: bool) -> int:
    return f.services.booking.book(
        f.operator,
        client.lead_id,
        f.resource,
        starts_at,
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
        **extra,
    ).visit_id


def states(db: Database, visit_id: int) -> list[tuple[str, str]]:
    return [(t.kind, t.state) for t in tasks(db, visit_id)]


def test_arrival_holds_the_visit_and_closes_its_calls(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    change = f.services.attendance.mark_arrived(f.seller, visit_id, now=moscow(THURSDAY, 14, 50))
    assert change.status == "held" and change.follow_up.messages == ()
    assert visit(db, visit_id).status == "held"
    assert states(db, visit_id) == [("confirm_call", "cancelled")]
    assert "arrived" in audit_actions(db, "visit", visit_id)


def test_status_moves_are_checked(db: Database) -> None:
    f = floor(db)
    attendance = f.services.attendance
    visit_id = book(f, make_client(db, f.campaign))
    with pytest.raises(TooEarly):
        attendance.mark_arrived(f.seller, visit_id, now=moscow(THURSDAY, 13, 30))
    with pytest.raises(TooEarly):
        attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 14, 59))
    f.services.booking.cancel(f.operator, visit_id, by="client", reason="ill", now=NOW)
    with pytest.raises(VisitStatusConflict) as caught:
        attendance.mark_arrived(f.seller, visit_id, now=moscow(THURSDAY, 15))
    assert (caught.value.status, caught.value.visit_id) == ("cancelled", visit_id)
    assert "cancelled" in str(caught.value)
    with pytest.raises(VisitStatusConflict):
        attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 30))
    with pytest.raises(NotFound):
        attendance.mark_arrived(f.seller, 10_000_000, now=NOW)


def test_a_no_show_gets_a_feedback_call_soon_and_loses_its_reminders(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    change = f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    assert change.status == "no_show"
    assert visit(db, visit_id).status == "no_show"
    feedback = [t for t in tasks(db, visit_id) if t.kind == "feedback_call"]
    assert [(t.state, t.due_at) for t in feedback] == [("open", moscow(THURSDAY, 15, 50))]
    assert states(db, visit_id) == [("confirm_call", "cancelled"), ("feedback_call", "open")]
    assert messages(db, visit_id) == []  # the unsent confirmation and control touch went too
    assert audit_actions(db, "visit", visit_id)[-3:] == [
        "no_show",
        "reminders_withdrawn",
        "feedback_planned",
    ]


def test_a_late_arrival_after_a_no_show_mark_is_still_held(db: Database) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    f.services.attendance.mark_arrived(f.seller, visit_id, now=moscow(THURSDAY, 15, 40))
    assert visit(db, visit_id).status == "held"
    assert ("feedback_call", "cancelled") in states(db, visit_id)


def test_without_calling_hours_a_no_show_is_written_to(db: Database) -> None:
    f = floor(db, calling_hours=False)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.attendance.mark_no_show(f.seller, visit_id, now=moscow(THURSDAY, 15, 20))
    assert [m[0] for m in messages(db, visit_id)] == ["no_show_feedback"]
    assert all(t.kind != "feedback_call" for t in tasks(db, visit_id))


def test_a_cyclic_campaign_asks_for_a_review_and_reminds_of_the_next_visit(db: Database) -> None:
    f = floor(db, cyclic=True, reminders={"next_visit_rule": "FREQ=MONTHLY;INTERVAL=3"})
    visit_id = book(f, make_client(db, f.campaign))
    assert "review_request" not in [m[0] for m in messages(db, visit_id)]  # not before it is held
    change = f.services.attendance.mark_arrived(f.seller, visit_id, now=moscow(THURSDAY, 15, 5))
    assert [code for code, _ in change.follow_up.messages] == [
        "review_request",
        "next_visit_reminder",
    ]
    follow_ups = [(m[0], m[2]) for m in messages(db, visit_id) if m[0] != "booking_confirmation"]
    assert ("review_request", moscow(THURSDAY, 18)) in follow_ups  # an hour's visit + 2 hours
    # Three months after Thursday 7 March is 7 June; a week before it, at noon.
    assert ("next_visit_reminder", moscow(dt.date(2030, 5, 31), 12)) in follow_ups
    # The client rated the visit at the desk: the review request is not sent any more.
    f.services.attendance.record_review(f.seller, visit_id, 5, now=moscow(THURSDAY, 16))
    left = [m[0] for m in messages(db, visit_id)]
    assert "review_request" not in left and "next_visit_reminder" in left


def test_reviews_are_one_to_five_and_only_for_held_visits(db: Database) -> None:
    f = floor(db)
    attendance = f.services.attendance
    visit_id = book(f, make_client(db, f.campaign))
    with pytest.raises(VisitStatusConflict):
        attendance.record_review(f.seller, visit_id, 5, now=NOW)
    attendance.mark_arrived(f.seller, visit_id, now=VISIT_AT)
    for bad in (0, 6, True):
        with pytest.raises(ValidationFailed) as caught:
            attendance.record_review(f.seller, visit_id, bad, now=VISIT_AT)
        assert caught.value.field == "score"
    attendance.record_review(f.seller, visit_id, 4, now=VISIT_AT)
    attendance.record_review(f.seller, visit_id, 5, now=VISIT_AT)
    assert visit(db, visit_id).review_score == 5
    assert audit_actions(db, "visit", visit_id).count("review_recorded") == 2


def test_the_result_of_a_held_visit_is_recorded_and_corrected(db: Database) -> None:
    f = floor(db)
    attendance = f.services.attendance
    visit_id = book(f, make_client(db, f.campaign))
    with pytest.raises(VisitStatusConflict):
        attendance.record_result(f.seller, visit_id, True, Decimal("100"), None, now=NOW)
    attendance.mark_arrived(f.seller, visit_id, now=VISIT_AT)
    first = attendance.record_result(
        f.seller, visit_id, True, Decimal("125000.5"), " кредит на авто ", now=VISIT_AT
    )
    second = attendance.record_result(f.seller, visit_id, False, None, "передумал", now=VISIT_AT)
    assert first == second
    with db.session() as session:
        result = session.scalars(select(VisitResult).where(VisitResult.visit_id == visit_id)).one()
        assert (result.sale, result.amount, result.comment) == (False, None, "передумал")
        assert result.recorded_by_id == f.seller.user_id
    actions = audit_actions(db, "visit", visit_id)
    assert actions[-2:] == ["result_recorded", "result_corrected"]
    attendance.record_result(f.seller, visit_id, True, Decimal("125000.50"), None, now=VISIT_AT)
    with db.session() as session:
        amount = session.scalars(
            select(VisitResult.amount).where(VisitResult.visit_id == visit_id)
        ).one()
    assert amount == Decimal("125000.50")


@pytest.mark.parametrize(
    ("sale", "amount", "problem"),
    [
        (True, Decimal("-1"), "negative"),
        (True, Decimal("10.005"), "too_precise"),
        (True, Decimal("1e13"), "too_large"),
        (True, Decimal("NaN"), "negative"),
        (False, Decimal("500"), "not_a_sale"),
    ],
)
def test_bad_amounts_are_refused(db: Database, sale: bool, amount: Decimal, problem: str) -> None:
    f = floor(db)
    visit_id = book(f, make_client(db, f.campaign))
    f.services.attendance.mark_arrived(f.seller, visit_id, now=VISIT_AT)
    with pytest.raises(ValidationFailed) as caught:
        f.services.attendance.record_result(f.seller, visit_id, sale, amount, None, now=VISIT_AT)
    assert (caught.value.field, caught.value.problem) == ("amount", problem)


def test_a_freed_seat_is_offered_to_clients_waiting_for_earlier_whose_hours_fit(
    db: Database,
) -> None:
    f = floor(db)
    tuesday_and_thursday = [{"weekday": day, "starts": "09:00", "ends": "18:00"} for day in (1, 3)]
    only_thursday = [{"weekday": 3, "starts": "09:00", "ends": "18:00"}]
    waiting = book(f, make_client(db, f.campaign, name="Ждёт"), VISIT_AT, wants_earlier=True)
    wrong_day = book(
        f,
        make_client(
            db, f.campaign, name="Только четверг", windows=only_thursday, wants_earlier=True
        ),
        moscow(THURSDAY, 16),
    )
    happy_later = book(f, make_client(db, f.campaign, name="Не спешит"), moscow(THURSDAY, 17))
    fits = book(
        f,
        make_client(
            db, f.campaign, name="Вт и Чт", windows=tuesday_and_thursday, wants_earlier=True
        ),
        moscow(THURSDAY, 11),
    )
    freed_at = moscow(TUESDAY, 11)
    leaving = book(f, make_client(db, f.campaign, name="Отменит"), freed_at)
    f.services.booking.cancel(f.operator, leaving, by="client", reason="уехал", now=NOW)

    def offers(visit_id: int) -> list[tuple[dt.datetime, str | None]]:
        return [(t.due_at, t.note) for t in tasks(db, visit_id) if t.kind == EARLIER_SLOT]

    assert offers(wrong_day) == [] and offers(happy_later) == []
    (offer,) = offers(waiting)
    assert offer[0] == NOW and freed_slot_of(offer[1]) == (f.resource, freed_at)
    assert len(offers(fits)) == 1
    with db.session() as session:
        ids = list(
            session.scalars(
                select(Task.id).where(Task.kind == EARLIER_SLOT).order_by(Task.due_at, Task.id)
            )
        )
    waiting_task = next(t.task_id for t in tasks(db, waiting) if t.kind == EARLIER_SLOT)
    assert ids[0] == waiting_task  # booked first, offered first
    assert "earlier_slot_offered" in audit_actions(db, "visit", waiting)

    # Another seat freed: no second offer while the first is still open.
    again = book(f, make_client(db, f.campaign, name="Ещё"), moscow(TUESDAY, 12))
    f.services.booking.cancel(f.operator, again, by="us", reason="ошибка", now=NOW)
    assert len(offers(waiting)) == 1


def test_a_client_moving_later_is_not_offered_the_seat_they_left(db: Database) -> None:
    f = floor(db)
    moving = book(f, make_client(db, f.campaign), moscow(TUESDAY, 11), wants_earlier=True)
    moved = f.services.booking.reschedule(f.seller, moving, f.resource, VISIT_AT, now=NOW)
    assert all(t.kind != EARLIER_SLOT for t in tasks(db, moved.visit_id))


def test_a_seat_freed_at_the_last_minute_is_not_offered(db: Database) -> None:
    f = floor(db)
    waiting = book(f, make_client(db, f.campaign), VISIT_AT, wants_earlier=True)
    soon = book(f, make_client(db, f.campaign, name="Скоро"), moscow(MONDAY, 11))
    f.services.booking.cancel(
        f.operator, soon, by="client", reason="не успевает", now=moscow(MONDAY, 10, 15)
    )
    assert all(t.kind != EARLIER_SLOT for t in tasks(db, waiting))


def test_freed_slot_notes_round_trip() -> None:
    assert freed_slot_of("resource=3 starts_at=2030-03-05T08:00:00+00:00") == (
        3,
        dt.datetime(2030, 3, 5, 8, tzinfo=dt.UTC),
    )
    assert freed_slot_of("call back after lunch") is None
    assert freed_slot_of(None) is None
