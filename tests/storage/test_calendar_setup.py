"""The administrator's calendar setup on both backends: offices, resources, capacity against
seats already taken, weekly hours with breaks, exceptions, deactivation, audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from operator_app.core.calendar.booking import BookingService
from operator_app.core.calendar.setup import (
    CalendarSetupService,
    CapacityBelowBooked,
    ExceptionDraft,
    HoursInterval,
    HoursInvalid,
    OfficeDraft,
    ResourceDraft,
    format_intervals,
    parse_day_hours,
)
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Slot, Visit
from tests.support.calendar_data import (
    MONDAY,
    NOW,
    make_campaign,
    make_lead,
    make_user,
    moscow,
)

T = dt.time
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def admin(db: Database) -> Actor:
    return make_user(db, Role.ADMIN, "Админ")


@pytest.fixture
def service(db: Database) -> CalendarSetupService:
    return CalendarSetupService(db)


def office_draft(name: str = "Офис на Тверской", **changes: object) -> OfficeDraft:
    values: dict[str, object] = {
        "name": name,
        "address": "Тверская, 1",
        "directions": "Выход 3 из метро, налево",
        "phone": "+7 495 123-45-67",
        "time_zone": "Europe/Moscow",
    }
    values.update(changes)
    return OfficeDraft(**values)  # type: ignore[arg-type]


def resource_draft(name: str = "Зал", **changes: object) -> ResourceDraft:
    values: dict[str, object] = {
        "name": name,
        "kind": "group",
        "capacity": 3,
        "slot_minutes": 60,
        "buffer_minutes": 0,
    }
    values.update(changes)
    return ResourceDraft(**values)  # type: ignore[arg-type]


WEEKDAY_HOURS = [
    HoursInterval(day, starts, ends)
    for day in range(5)
    for starts, ends in ((T(9), T(13)), (T(14), T(18)))
]


def office_with_resource(
    service: CalendarSetupService, admin: Actor, capacity: int = 3
) -> tuple[int, int]:
    office = service.create_office(admin, office_draft(), now=NOW)
    resource = service.create_resource(
        admin, office.office_id, resource_draft(capacity=capacity), now=NOW
    )
    service.replace_hours(admin, resource.resource_id, WEEKDAY_HOURS, now=NOW)
    return office.office_id, resource.resource_id


def book(db: Database, resource_id: int, starts_at: dt.datetime, count: int = 1) -> list[int]:
    operator = make_user(db, Role.OPERATOR)
    booking = BookingService(db)
    campaign = make_campaign(db)
    visits = []
    for _ in range(count):
        lead, _contact = make_lead(db, campaign)
        visit = booking.book(
            operator,
            lead,
            resource_id,
            starts_at,
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
        visits.append(visit.visit_id)
    return visits


def audit(db: Database, entity: str, entity_id: int) -> list[tuple[str, int | None]]:
    with db.session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.user_id)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
        return [(action, user_id) for action, user_id in rows]


def slot_capacities(db: Database, resource_id: int) -> dict[dt.datetime, tuple[int, int]]:
    with db.session() as session:
        rows = session.execute(
            select(Slot.starts_at, Slot.capacity, Slot.booked).where(
                Slot.resource_id == resource_id
            )
        )
        return {starts_at: (capacity, booked) for starts_at, capacity, booked in rows}


# --- offices ------------------------------------------------------------------------------------


def test_create_list_and_update_an_office(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office = service.create_office(admin, office_draft(name="  Офис на Тверской  "), now=NOW)
    assert office.name == "Офис на Тверской"
    assert office.directions == "Выход 3 из метро, налево"
    assert office.time_zone == "Europe/Moscow" and office.active
    saved = service.update_office(
        admin,
        office.office_id,
        office_draft(name="Офис в Новосибирске", time_zone="Asia/Novosibirsk", phone=""),
        now=NOW,
    )
    assert saved.office.time_zone == "Asia/Novosibirsk"
    assert saved.office.phone is None
    assert saved.future_visits == 0
    assert [o.name for o in service.offices(admin)] == ["Офис в Новосибирске"]
    assert audit(db, "office", office.office_id) == [
        ("created", admin.user_id),
        ("updated", admin.user_id),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name": "  "}, "name", "empty"),
        ({"name": "x" * 201}, "name", "too_long"),
        ({"time_zone": "Europe/Nowhere"}, "time_zone", "unknown"),
        ({"time_zone": "../etc/passwd"}, "time_zone", "unknown"),
        ({"time_zone": ""}, "time_zone", "unknown"),
        ({"phone": "call me"}, "phone", "format"),
        ({"address": "a" * 501}, "address", "too_long"),
    ],
)
def test_office_values_are_validated(
    service: CalendarSetupService,
    admin: Actor,
    changes: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_office(admin, replace(office_draft(), **changes), now=NOW)
    assert (caught.value.field, caught.value.problem) == (field, problem)
    assert service.offices(admin) == []


def test_office_names_are_unique_whatever_the_case(
    service: CalendarSetupService, admin: Actor
) -> None:
    first = service.create_office(admin, office_draft("Центр"), now=NOW)
    other = service.create_office(admin, office_draft("Север"), now=NOW)
    with pytest.raises(ValidationFailed) as caught:
        service.create_office(admin, office_draft("ЦЕНТР"), now=NOW)
    assert (caught.value.field, caught.value.problem) == ("name", "exists")
    with pytest.raises(ValidationFailed):
        service.update_office(admin, other.office_id, office_draft("центр"), now=NOW)
    # Saving an office under its own name is fine.
    service.update_office(admin, first.office_id, office_draft("Центр"), now=NOW)


def test_reading_needs_queue_or_campaign_rights_and_changing_needs_campaign_rights(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    operator = make_user(db, Role.OPERATOR)
    supervisor = make_user(db, Role.SUPERVISOR)
    assert [o.office_id for o in service.offices(operator)] == [office.office_id]
    assert service.resources(supervisor, office.office_id) == []
    with pytest.raises(PermissionDenied):
        service.create_office(operator, office_draft("Другой"), now=NOW)
    with pytest.raises(PermissionDenied):
        service.update_office(supervisor, office.office_id, office_draft(), now=NOW)
    with pytest.raises(PermissionDenied):
        service.replace_hours(operator, 1, [], now=NOW)
    with pytest.raises(NotFound):
        service.update_office(admin, office.office_id + 100, office_draft(), now=NOW)


# --- resources ----------------------------------------------------------------------------------


def test_create_and_update_a_resource_linked_to_a_seller(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    seller = make_user(db, Role.SELLER, "Сергей Продавцов")
    resource = service.create_resource(
        admin,
        office.office_id,
        ResourceDraft("Сергей", "seller", seller.user_id, 1, 45, 15),
        now=NOW,
    )
    assert (resource.user_id, resource.user_name) == (seller.user_id, "Сергей Продавцов")
    assert (resource.capacity, resource.slot_minutes, resource.buffer_minutes) == (1, 45, 15)
    assert [s.user_id for s in service.sellers(admin)] == [seller.user_id]
    saved = service.update_resource(
        admin, resource.resource_id, ResourceDraft("Сергей П.", "seller", None, 1, 30, 0), now=NOW
    )
    assert saved.resource.user_id is None and saved.resource.slot_minutes == 30
    assert [r.name for r in service.resources(admin, office.office_id)] == ["Сергей П."]
    assert service.office(admin, office.office_id).resource_count == 1
    assert audit(db, "resource", resource.resource_id) == [
        ("created", admin.user_id),
        ("updated", admin.user_id),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name": ""}, "name", "empty"),
        ({"kind": "robot"}, "kind", "unknown"),
        ({"capacity": 0}, "capacity", "range"),
        ({"capacity": 501}, "capacity", "range"),
        ({"slot_minutes": 4}, "slot_minutes", "range"),
        ({"slot_minutes": 481}, "slot_minutes", "range"),
        ({"buffer_minutes": -1}, "buffer_minutes", "range"),
        ({"buffer_minutes": 241}, "buffer_minutes", "range"),
        ({"user_id": 99999}, "user_id", "unknown"),
    ],
)
def test_resource_values_are_validated(
    service: CalendarSetupService,
    admin: Actor,
    changes: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    with pytest.raises(ValidationFailed) as caught:
        service.create_resource(
            admin, office.office_id, replace(resource_draft(), **changes), now=NOW
        )
    assert (caught.value.field, caught.value.problem) == (field, problem)
    assert service.resources(admin, office.office_id) == []


def test_boundary_values_are_accepted(service: CalendarSetupService, admin: Actor) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    low = service.create_resource(
        admin, office.office_id, resource_draft("A", capacity=1, slot_minutes=5), now=NOW
    )
    high = service.create_resource(
        admin,
        office.office_id,
        resource_draft("B", capacity=500, slot_minutes=480, buffer_minutes=240),
        now=NOW,
    )
    assert (low.capacity, low.slot_minutes, low.buffer_minutes) == (1, 5, 0)
    assert (high.capacity, high.slot_minutes, high.buffer_minutes) == (500, 480, 240)


def test_a_linked_user_must_be_a_seller_and_names_are_unique_per_office(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    other = service.create_office(admin, office_draft("Другой офис"), now=NOW)
    operator = make_user(db, Role.OPERATOR)
    with pytest.raises(ValidationFailed) as caught:
        service.create_resource(
            admin, office.office_id, resource_draft(user_id=operator.user_id), now=NOW
        )
    assert (caught.value.field, caught.value.problem) == ("user_id", "not_seller")
    service.create_resource(admin, office.office_id, resource_draft("Зал"), now=NOW)
    with pytest.raises(ValidationFailed) as caught:
        service.create_resource(admin, office.office_id, resource_draft("зал"), now=NOW)
    assert (caught.value.field, caught.value.problem) == ("name", "exists")
    service.create_resource(admin, other.office_id, resource_draft("Зал"), now=NOW)
    with pytest.raises(NotFound):
        service.create_resource(admin, other.office_id + 100, resource_draft(), now=NOW)


# --- capacity -----------------------------------------------------------------------------------


def test_lowering_capacity_below_seats_taken_in_a_future_slot_is_refused(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    _office, resource = office_with_resource(service, admin, capacity=3)
    ten = moscow(TUESDAY, 10)
    book(db, resource, ten, count=2)
    with pytest.raises(CapacityBelowBooked) as caught:
        service.update_resource(admin, resource, resource_draft(capacity=1), now=NOW)
    error = caught.value
    assert (error.field, error.problem) == ("capacity", "below_booked")
    assert error.slot_starts_at == ten and error.booked == 2 and error.capacity == 1
    assert "2030-03-05 10:00 (Europe/Moscow)" in str(error)
    # Nothing changed: the resource, the slot, the audit.
    assert service.resource(admin, resource).capacity == 3
    assert slot_capacities(db, resource) == {ten: (3, 2)}
    assert [a for a, _ in audit(db, "resource", resource)] == ["created"]


def test_a_new_capacity_goes_to_future_slots_in_the_same_change(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    _office, resource = office_with_resource(service, admin, capacity=3)
    ten, eleven = moscow(TUESDAY, 10), moscow(TUESDAY, 11)
    book(db, resource, ten, count=2)
    book(db, resource, eleven, count=1)
    past = NOW - dt.timedelta(days=1)
    with db.session() as session:
        session.add(Slot(resource_id=resource, starts_at=past, capacity=3, booked=3))

    lowered = service.update_resource(admin, resource, resource_draft(capacity=2), now=NOW)
    assert lowered.resource.capacity == 2 and lowered.slots_updated == 2
    assert slot_capacities(db, resource) == {ten: (2, 2), eleven: (2, 1), past: (3, 3)}

    raised = service.update_resource(admin, resource, resource_draft(capacity=10), now=NOW)
    assert raised.slots_updated == 2
    assert slot_capacities(db, resource) == {ten: (10, 2), eleven: (10, 1), past: (3, 3)}
    # The freed seats are bookable at once.
    assert len(book(db, resource, ten, count=8)) == 8
    assert slot_capacities(db, resource)[ten] == (10, 10)


# --- weekly hours -------------------------------------------------------------------------------


def test_hours_are_replaced_sorted_and_audited(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    _office, resource = office_with_resource(service, admin)
    saved = service.replace_hours(
        admin,
        resource,
        [(5, T(14), T(18)), (5, T(10), T(13)), (6, T(20), T(0))],
        now=NOW,
    )
    assert saved == (
        HoursInterval(5, T(10), T(13)),
        HoursInterval(5, T(14), T(18)),
        HoursInterval(6, T(20), T(0)),
    )
    assert service.hours(admin, resource) == saved
    assert [a for a, _ in audit(db, "working_hours", resource)] == ["replaced", "replaced"]
    assert service.replace_hours(admin, resource, [], now=NOW) == ()
    assert service.hours(admin, resource) == ()


@pytest.mark.parametrize(
    ("hours", "problem", "weekday", "interval"),
    [
        ([(2, T(13), T(9))], "order", 2, (T(13), T(9))),
        ([(4, T(9), T(9))], "order", 4, (T(9), T(9))),
        ([(1, T(9), T(13)), (1, T(12), T(18))], "overlap", 1, (T(12), T(18))),
        ([(0, T(9), T(18)), (0, T(10), T(11))], "overlap", 0, (T(10), T(11))),
        ([(7, T(9), T(18))], "weekday", 7, None),
    ],
)
def test_bad_hours_are_refused_naming_the_weekday_and_interval(
    service: CalendarSetupService,
    admin: Actor,
    hours: list[tuple[int, dt.time, dt.time]],
    problem: str,
    weekday: int,
    interval: tuple[dt.time, dt.time] | None,
) -> None:
    _office, resource = office_with_resource(service, admin)
    with pytest.raises(HoursInvalid) as caught:
        service.replace_hours(admin, resource, hours, now=NOW)
    error = caught.value
    assert (error.field, error.problem, error.weekday) == ("hours", problem, weekday)
    if interval is not None:
        assert (error.starts, error.ends) == interval
    assert service.hours(admin, resource) == tuple(WEEKDAY_HOURS)


def test_back_to_back_intervals_do_not_overlap(service: CalendarSetupService, admin: Actor) -> None:
    _office, resource = office_with_resource(service, admin)
    hours = [(0, T(9), T(13)), (0, T(13), T(18))]
    assert len(service.replace_hours(admin, resource, hours, now=NOW)) == 2


def test_typed_day_hours_are_read_and_written_back() -> None:
    assert parse_day_hours(0, "09:00–13:00, 14:00-18:00") == (
        HoursInterval(0, T(9), T(13)),
        HoursInterval(0, T(14), T(18)),
    )
    assert parse_day_hours(3, " 9-13 ; 14.30—24 ") == (
        HoursInterval(3, T(9), T(13)),
        HoursInterval(3, T(14, 30), T(0)),
    )
    assert parse_day_hours(6, "  ") == ()
    assert format_intervals(parse_day_hours(3, "9-13; 14:30-24:00")) == "09:00–13:00, 14:30–24:00"
    for text in ("9", "9-25", "09:60-10:00", "from nine", "9-13 14-18"):
        with pytest.raises(HoursInvalid) as caught:
            parse_day_hours(2, text)
        assert (caught.value.problem, caught.value.weekday) == ("format", 2)


# --- exceptions ---------------------------------------------------------------------------------


def test_exceptions_for_an_office_and_a_resource(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office, resource = office_with_resource(service, admin)
    holiday = service.add_exception(
        admin, ExceptionDraft(MONDAY, "holiday", office_id=office, note="Праздник"), now=NOW
    )
    day_off = service.add_exception(
        admin, ExceptionDraft(TUESDAY, "day_off", resource_id=resource), now=NOW
    )
    saturday = MONDAY + dt.timedelta(days=5)
    morning = service.add_exception(
        admin,
        ExceptionDraft(saturday, "working", resource_id=resource, starts=T(10), ends=T(13)),
        now=NOW,
    )
    afternoon = service.add_exception(
        admin,
        ExceptionDraft(saturday, "working", resource_id=resource, starts=T(14), ends=T(16)),
        now=NOW,
    )
    assert holiday.note == "Праздник" and holiday.starts is None
    assert service.exceptions(admin, office_id=office) == [holiday]
    assert service.exceptions(admin, resource_id=resource) == [day_off, morning, afternoon]
    assert service.exceptions(admin, office_id=office, resource_id=resource, since=TUESDAY) == [
        day_off,
        morning,
        afternoon,
    ]
    service.remove_exception(admin, day_off.exception_id, now=NOW)
    assert service.exceptions(admin, resource_id=resource) == [morning, afternoon]
    assert [a for a, _ in audit(db, "calendar_exception", day_off.exception_id)] == [
        "added",
        "removed",
    ]
    with pytest.raises(NotFound):
        service.remove_exception(admin, day_off.exception_id, now=NOW)


@pytest.mark.parametrize(
    ("draft", "field", "problem"),
    [
        (ExceptionDraft(MONDAY, "holiday"), "target", "missing"),
        (ExceptionDraft(MONDAY, "holiday", office_id=1, resource_id=1), "target", "missing"),
        (ExceptionDraft(MONDAY, "vacation", office_id=1), "kind", "unknown"),
        (ExceptionDraft(MONDAY, "working", office_id=1, starts=T(10)), "hours", "missing"),
        (
            ExceptionDraft(MONDAY, "working", office_id=1, starts=T(15), ends=T(10)),
            "hours",
            "order",
        ),
        (ExceptionDraft(MONDAY, "holiday", office_id=1, note="n" * 301), "note", "too_long"),
    ],
)
def test_exception_values_are_validated(
    service: CalendarSetupService, admin: Actor, draft: ExceptionDraft, field: str, problem: str
) -> None:
    office = service.create_office(admin, office_draft(), now=NOW)
    fixed = draft
    if draft.office_id is not None:
        fixed = ExceptionDraft(
            draft.day,
            draft.kind,
            office.office_id,
            draft.resource_id,
            draft.starts,
            draft.ends,
            draft.note,
        )
    with pytest.raises(ValidationFailed) as caught:
        service.add_exception(admin, fixed, now=NOW)
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_a_closed_day_takes_no_second_exception_and_special_hours_do_not_overlap(
    service: CalendarSetupService, admin: Actor
) -> None:
    office, resource = office_with_resource(service, admin)
    service.add_exception(admin, ExceptionDraft(MONDAY, "holiday", office_id=office), now=NOW)
    for kind in ("day_off", "holiday"):
        with pytest.raises(ValidationFailed) as caught:
            service.add_exception(admin, ExceptionDraft(MONDAY, kind, office_id=office), now=NOW)
        assert (caught.value.field, caught.value.problem) == ("day", "exists")
    with pytest.raises(ValidationFailed) as caught:
        service.add_exception(
            admin,
            ExceptionDraft(MONDAY, "working", office_id=office, starts=T(9), ends=T(12)),
            now=NOW,
        )
    assert (caught.value.field, caught.value.problem) == ("day", "exists")
    # The resource's own exceptions on that day are a separate level.
    service.add_exception(
        admin,
        ExceptionDraft(MONDAY, "working", resource_id=resource, starts=T(9), ends=T(12)),
        now=NOW,
    )
    with pytest.raises(ValidationFailed) as caught:
        service.add_exception(
            admin,
            ExceptionDraft(MONDAY, "working", resource_id=resource, starts=T(11), ends=T(13)),
            now=NOW,
        )
    assert (caught.value.field, caught.value.problem) == ("hours", "overlap")
    with pytest.raises(ValidationFailed) as caught:
        service.add_exception(
            admin, ExceptionDraft(MONDAY, "day_off", resource_id=resource), now=NOW
        )
    assert (caught.value.field, caught.value.problem) == ("day", "exists")


def test_exceptions_and_hours_shape_what_booking_suggests(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office, _resource = office_with_resource(service, admin, capacity=1)
    service.add_exception(admin, ExceptionDraft(TUESDAY, "holiday", office_id=office), now=NOW)
    lead, _contact = make_lead(db, make_campaign(db))
    starts = [s.starts_at for s in BookingService(db).suggest(lead, limit=16, now=NOW)]
    assert moscow(MONDAY, 9) in starts and moscow(MONDAY, 13) not in starts
    assert not [s for s in starts if moscow(TUESDAY, 0) <= s < moscow(TUESDAY + dt.timedelta(1), 0)]
    assert moscow(TUESDAY + dt.timedelta(days=1), 9) in starts


# --- deactivation -------------------------------------------------------------------------------


def test_deactivating_keeps_visits_and_says_how_many_lie_ahead(
    db: Database, service: CalendarSetupService, admin: Actor
) -> None:
    office, resource = office_with_resource(service, admin)
    visits = book(db, resource, moscow(TUESDAY, 10), count=2)
    assert service.future_visits(admin, resource_id=resource, now=NOW) == 2
    assert service.future_visits(admin, office_id=office, now=NOW) == 2
    # After the visits, nothing lies ahead.
    later = moscow(TUESDAY, 12)
    assert service.future_visits(admin, resource_id=resource, now=later) == 0

    saved = service.update_resource(
        admin, resource, resource_draft(capacity=3, active=False), now=NOW
    )
    assert saved.future_visits == 2 and not saved.resource.active
    closed = service.update_office(admin, office, office_draft(active=False), now=NOW)
    assert closed.future_visits == 2 and not closed.office.active
    with db.session() as session:
        statuses = session.execute(select(Visit.status).where(Visit.id.in_(visits))).scalars()
        assert sorted(statuses) == ["booked", "booked"]
    assert [a for a, _ in audit(db, "resource", resource)][-1] == "deactivated"
    assert [a for a, _ in audit(db, "office", office)][-1] == "deactivated"
    reopened = service.update_office(admin, office, office_draft(active=True), now=NOW)
    assert reopened.office.active
    assert [a for a, _ in audit(db, "office", office)][-1] == "activated"
