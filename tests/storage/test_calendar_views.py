"""The calendar's reads: offices and resources, a day or a week of blocks with flags and
counters, working hours with exceptions, and one visit's details — on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.calendar.views import CalendarViewService, week_start_of
from operator_app.core.errors import NotFound
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    Phone,
    Visit,
    VisitResult,
    WorkingHours,
)
from tests.support.handoff_data import (
    NOW,
    book_visit,
    contact_of,
    make_campaign,
    make_lead,
    make_office,
    make_resource,
    make_user,
)

MONDAY = dt.date(2026, 11, 23)  # NOW is 12:00 that Monday in Moscow


def add_hours(db: Database, resource_id: int, weekday: int, starts: str, ends: str) -> None:
    with db.session() as session:
        session.add(
            WorkingHours(
                resource_id=resource_id,
                weekday=weekday,
                starts=dt.time.fromisoformat(starts),
                ends=dt.time.fromisoformat(ends),
            )
        )


def add_phone(db: Database, lead_id: int, e164: str) -> None:
    contact_id = contact_of(db, lead_id)
    with db.session() as session:
        session.add(Phone(contact_id=contact_id, e164=e164, kind="mobile"))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Moscow wall time in the week of NOW, as UTC (Moscow is UTC+3 all year)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=3)


def test_offices_list_their_active_resources(db: Database) -> None:
    office = make_office(db)
    other = make_office(db, "Офис на Арбате")
    first = make_resource(db, office, None, "Анна")
    second = make_resource(db, office, None, "Борис")
    make_resource(db, other, None, "Вера")

    offices = {o.office_id: o for o in CalendarViewService(db).offices()}

    assert [r.resource_id for r in offices[office].resources] == [first, second]
    assert [r.name for r in offices[other].resources] == ["Вера"]
    assert offices[office].time_zone == "Europe/Moscow"


def test_week_blocks_carry_client_phone_campaign_and_flags(db: Database) -> None:
    office = make_office(db)
    seller = make_resource(db, office, None, "Анна")
    room = make_resource(db, office, None, "Переговорная")
    campaign = make_campaign(db, "Кредиты")
    lead = make_lead(db, campaign, "Иван Петров")
    add_phone(db, lead, "+79161234567")
    add_phone(db, lead, "+79160000000")  # the first number is the one shown
    other = make_lead(db, None, "Пётр Сидоров")

    soon_booked = book_visit(db, lead, seller, at(23, 15))  # in 3 h, unconfirmed
    soon_confirmed = book_visit(db, other, seller, at(23, 16), status="confirmed")
    tomorrow_late_evening = book_visit(db, other, room, at(24, 14))  # in 26 h: not yet
    late = book_visit(db, other, room, at(23, 10))  # started 2 h ago, still booked
    held = book_visit(db, other, room, at(23, 9), status="held")
    book_visit(db, other, room, at(30, 10))  # next week: not shown
    book_visit(db, other, room, at(22, 10))  # last Sunday: not shown

    view = CalendarViewService(db).week(office, week_start_of(MONDAY), now=NOW)

    blocks = {block.visit_id: block for block in view.blocks}
    assert set(blocks) == {soon_booked, soon_confirmed, tomorrow_late_evening, late, held}
    first = blocks[soon_booked]
    assert (first.client_name, first.phone, first.resource_id) == (
        "Иван Петров",
        "+79161234567",
        seller,
    )
    assert first.campaign_name is not None and first.campaign_name.startswith("Кредиты")
    assert first.local_start().hour == 15 and first.office_time_zone == "Europe/Moscow"
    assert {b.visit_id for b in view.blocks if b.unconfirmed} == {soon_booked}
    assert {b.visit_id for b in view.blocks if b.late} == {late}
    assert (view.unconfirmed, view.late) == (1, 1)
    assert view.days[0] == MONDAY and len(view.days) == 7
    assert [r.resource_id for r in view.resources] == [seller, room]


def test_a_day_and_a_chosen_resource(db: Database) -> None:
    office = make_office(db)
    seller = make_resource(db, office, None, "Анна")
    room = make_resource(db, office, None, "Переговорная")
    lead = make_lead(db, None)
    mine = book_visit(db, lead, seller, at(24, 10))
    book_visit(db, lead, room, at(24, 11))
    book_visit(db, lead, seller, at(25, 10))
    # 01:30 Moscow on the 24th is still the 23rd in UTC: the day is the office's.
    night = book_visit(db, lead, seller, at(24, 1, 30))

    view = CalendarViewService(db).day(
        office, dt.date(2026, 11, 24), resource_ids=[seller], now=NOW
    )

    assert [b.visit_id for b in view.blocks] == [night, mine]
    assert [r.resource_id for r in view.resources] == [seller]


def test_resources_of_another_office_are_not_shown(db: Database) -> None:
    office = make_office(db)
    other = make_office(db)
    stranger = make_resource(db, other, None, "Чужой")
    lead = make_lead(db, None)
    book_visit(db, lead, stranger, at(24, 10))

    view = CalendarViewService(db).week(office, MONDAY, resource_ids=[stranger], now=NOW)

    assert view.resources == () and view.blocks == ()


def test_working_hours_with_breaks_and_exceptions(db: Database) -> None:
    office = make_office(db)
    seller = make_resource(db, office, None, "Анна")
    room = make_resource(db, office, None, "Переговорная")
    for weekday in range(5):
        add_hours(db, seller, weekday, "09:00", "13:00")
        add_hours(db, seller, weekday, "14:00", "18:00")
        add_hours(db, room, weekday, "10:00", "20:00")
    with db.session() as session:
        # The whole office is closed on Wednesday; the seller alone works short on Thursday.
        session.add(CalendarException(office_id=office, day=dt.date(2026, 11, 25), kind="holiday"))
        session.add(
            CalendarException(
                resource_id=seller,
                day=dt.date(2026, 11, 26),
                kind="working",
                starts=dt.time(10, 0),
                ends=dt.time(12, 0),
            )
        )
        # Saturday is a special working day for the room.
        session.add(
            CalendarException(
                resource_id=room,
                day=dt.date(2026, 11, 28),
                kind="working",
                starts=dt.time(11, 0),
                ends=dt.time(15, 0),
            )
        )

    view = CalendarViewService(db).week(office, MONDAY, now=NOW)

    t = dt.time
    assert view.hours[(seller, MONDAY)] == ((t(9), t(13)), (t(14), t(18)))
    assert view.hours[(room, dt.date(2026, 11, 25))] == ()
    assert view.hours[(seller, dt.date(2026, 11, 26))] == ((t(10), t(12)),)
    assert view.hours[(room, dt.date(2026, 11, 26))] == ((t(10), t(20)),)
    assert view.hours[(room, dt.date(2026, 11, 28))] == ((t(11), t(15)),)
    assert view.hours[(seller, dt.date(2026, 11, 29))] == ()


def test_visit_details_with_result_and_history(db: Database) -> None:
    office = make_office(db)
    seller = make_resource(db, office, None, "Анна")
    lead = make_lead(db, None, "Иван Петров")
    booker = make_user(db, "Оля", Role.OPERATOR)
    old = book_visit(db, lead, seller, at(23, 10), status="rescheduled")
    visit = book_visit(db, lead, seller, at(23, 11), status="held")
    with db.session() as session:
        row = session.get(Visit, visit)
        assert row is not None
        row.rescheduled_from_id = old
        row.booked_by_id = booker.user_id
        row.confirmation_channel = "sms"
        row.confirmation_note = "after 18:00"
        session.add(VisitResult(visit_id=visit, sale=True, amount=150000, comment="кредит"))
        session.add(
            AuditEntry(
                at=NOW,
                user_id=booker.user_id,
                entity="visit",
                entity_id=visit,
                action="held",
                before={"status": "booked"},
                after={"status": "held"},
            )
        )

    details = CalendarViewService(db).visit(visit, now=NOW)

    assert details.block.client_name == "Иван Петров" and details.block.status == "held"
    assert (details.block.confirmation_channel, details.confirmation_note) == ("sms", "after 18:00")
    assert details.rescheduled_from_id == old and details.booked_by == "Оля"
    assert details.result_sale is True and details.result_amount is not None
    assert details.result_amount.startswith("150000")
    assert [(h.action, h.status, h.who) for h in details.history] == [("held", "held", "Оля")]
    assert details.resource_name == "Анна"


def test_unknown_visit_and_office(db: Database) -> None:
    service = CalendarViewService(db)
    with pytest.raises(NotFound):
        service.visit(999_999)
    with pytest.raises(NotFound):
        service.week(999_999, MONDAY)
