"""Booking on both backends: preferences, suggestions, booking, refusals, reschedule, cancel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.core.calendar.booking import (
    BookingHooks,
    BookingRefusal,
    BookingRefused,
    BookingService,
    SlotTaken,
    cancel_in_session,
)
from operator_app.core.calendar.preferences import TimeWindow
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, ClientPreferences, Lead, Slot, Task, Visit
from operator_app.storage.repositories.call_queries import write_session
from tests.support.calendar_data import (
    MONDAY,
    NOW,
    add_exception,
    make_campaign,
    make_lead,
    make_office,
    make_resource,
    make_user,
    moscow,
    seats_taken,
)

T = dt.time
TUESDAY = MONDAY + dt.timedelta(days=1)
# Monday 16:00-19:00 in Vladivostok = 09:00-12:00 in Moscow.
VLADIVOSTOK_EVENINGS = [{"weekday": 0, "starts": "16:00", "ends": "19:00"}]


@dataclass
class Setup:
    db: Database
    service: BookingService
    office: int
    desk: int
    lead: int
    contact: int


def setup(db: Database, *, hooks: BookingHooks | None = None, capacity: int = 1) -> Setup:
    office = make_office(db)
    desk = make_resource(db, office, capacity=capacity)
    lead, contact = make_lead(db, make_campaign(db), time_zone="Asia/Vladivostok")
    return Setup(db, BookingService(db, hooks), office, desk, lead, contact)


def visits(db: Database) -> list[Visit]:
    with db.session() as session:
        return list(session.scalars(select(Visit).order_by(Visit.id)))


def audit(db: Database, entity: str) -> list[tuple[int, str, Any]]:
    with db.session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        )
        return [(row.entity_id, row.action, row.after) for row in rows]


# --- preferences ----------------------------------------------------------------------------


def test_preferences_saved_replaced_and_audited(db: Database) -> None:
    s = setup(db)
    actor = make_user(db)
    assert s.service.preferences(s.contact) is None
    saved = s.service.save_preferences(
        actor,
        s.contact,
        VLADIVOSTOK_EVENINGS,
        time_zone="Asia/Vladivostok",
        channel="messenger",
        contact_time=" after 18:00 ",
        wants_earlier=True,
        now=NOW,
    )
    assert saved.windows == (TimeWindow(0, T(16), T(19)),)
    assert s.service.preferences(s.contact) == saved
    assert saved.contact_time == "after 18:00"
    replaced = s.service.save_preferences(
        actor,
        s.contact,
        [TimeWindow(2, T(10), T(11))],
        time_zone=None,
        channel=None,
        contact_time=None,
        wants_earlier=False,
        now=NOW,
    )
    assert s.service.preferences(s.contact) == replaced
    with db.session() as session:
        row = session.scalars(select(ClientPreferences)).one()
        assert row.windows == [{"weekday": 2, "starts": "10:00", "ends": "11:00"}]
        assert row.updated_by_id == actor.user_id
    assert [action for _, action, _ in audit(db, "client_preferences")] == ["saved", "saved"]


def test_bad_preferences_are_refused_with_the_field(db: Database) -> None:
    s = setup(db)
    actor = make_user(db)
    kwargs: dict[str, Any] = {
        "time_zone": None,
        "channel": None,
        "contact_time": None,
        "wants_earlier": False,
    }
    with pytest.raises(ValidationFailed) as caught:
        s.service.save_preferences(
            actor, s.contact, [{"weekday": 9, "starts": "10:00", "ends": "11:00"}], **kwargs
        )
    assert caught.value.field == "windows[0].weekday"
    with pytest.raises(ValidationFailed) as zone:
        s.service.save_preferences(actor, s.contact, [], **{**kwargs, "time_zone": "Nowhere/X"})
    assert zone.value.field == "time_zone"
    with pytest.raises(NotFound):
        s.service.save_preferences(actor, 999_999, [], **kwargs)
    with pytest.raises(PermissionDenied):
        s.service.save_preferences(make_user(db, Role.ADMIN), s.contact, [], **kwargs)
    assert s.service.preferences(s.contact) is None


# --- suggestions ----------------------------------------------------------------------------


def with_preferences(s: Setup, windows: list[dict[str, Any]] = VLADIVOSTOK_EVENINGS) -> None:
    s.service.save_preferences(
        make_user(s.db),
        s.contact,
        windows,
        time_zone=None,
        channel="sms",
        contact_time=None,
        wants_earlier=False,
        now=NOW,
    )


def test_suggestions_stay_inside_the_clients_hours_in_both_times(db: Database) -> None:
    s = setup(db)
    with_preferences(s)
    found = s.service.suggest(s.lead, office_id=s.office, limit=4, now=NOW)
    assert [o.starts_at for o in found] == [
        moscow(MONDAY, 9),
        moscow(MONDAY, 10),
        moscow(MONDAY, 11),
        moscow(MONDAY + dt.timedelta(days=7), 9),
    ]
    assert f"{found[0].client_local:%H:%M %Z}" == "16:00 +10"
    assert f"{found[0].office_local:%H:%M %Z}" == "09:00 MSK"


def test_without_preferences_every_free_slot_is_suggested(db: Database) -> None:
    s = setup(db)
    found = s.service.suggest(s.lead, resource_ids=[s.desk], limit=9, now=NOW)
    assert len(found) == 9
    assert found[0].starts_at == moscow(MONDAY, 9)
    assert found[8].starts_at == moscow(TUESDAY, 9)  # 8 slots a day, lunch left out


def test_booked_slot_leaves_suggestions_and_holidays_are_skipped(db: Database) -> None:
    s = setup(db)
    with_preferences(s)
    add_exception(db, MONDAY + dt.timedelta(days=7), "holiday", office_id=s.office)
    s.service.book(
        make_user(db),
        s.lead,
        s.desk,
        moscow(MONDAY, 9),
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
    )
    found = s.service.suggest(s.lead, office_id=s.office, limit=3, now=NOW)
    assert [o.starts_at for o in found] == [
        moscow(MONDAY, 10),
        moscow(MONDAY, 11),
        moscow(MONDAY + dt.timedelta(days=14), 9),
    ]


def test_seats_taken_weeks_ahead_are_read_for_the_suggestions(db: Database) -> None:
    # Every Monday morning slot of the next three weeks full, the fourth week's 10:00 with
    # one seat of three left: the search reads seats well past its first read.
    s = setup(db, capacity=3)
    with_preferences(s)
    with db.session() as session:
        for week in range(4):
            for hour in (9, 10, 11):
                session.add(
                    Slot(
                        resource_id=s.desk,
                        starts_at=moscow(MONDAY + dt.timedelta(days=7 * week), hour),
                        capacity=3,
                        booked=2 if (week, hour) == (3, 10) else 3,
                    )
                )
    found = s.service.suggest(s.lead, office_id=s.office, limit=2, now=NOW)
    assert [(o.starts_at, o.free_seats) for o in found] == [
        (moscow(MONDAY + dt.timedelta(days=21), 10), 1),
        (moscow(MONDAY + dt.timedelta(days=28), 9), 3),
    ]


def test_inactive_resources_are_not_suggested(db: Database) -> None:
    s = setup(db)
    make_resource(db, s.office, active=False)
    found = s.service.suggest(s.lead, office_id=s.office, limit=20, now=NOW)
    assert {o.resource_id for o in found} == {s.desk}


# --- booking --------------------------------------------------------------------------------


def test_booking_takes_a_seat_moves_the_lead_and_is_audited(db: Database) -> None:
    s = setup(db)
    actor = make_user(db)
    booked = s.service.book(
        actor,
        s.lead,
        s.desk,
        moscow(MONDAY, 10),
        confirmation_channel="sms",
        confirmation_note="told: SMS now, a call 3 hours before",
        wants_earlier=True,
        now=NOW,
    )
    assert booked.starts_at == moscow(MONDAY, 10)
    assert booked.ends_at == moscow(MONDAY, 11)
    assert (booked.office_time_zone, booked.client_time_zone) == (
        "Europe/Moscow",
        "Asia/Vladivostok",
    )
    [visit] = visits(db)
    assert visit.id == booked.visit_id
    assert (visit.status, visit.confirmation_channel, visit.wants_earlier) == (
        "booked",
        "sms",
        True,
    )
    assert visit.confirmation_note == "told: SMS now, a call 3 hours before"
    assert visit.booked_by_id == actor.user_id and visit.booked_at == NOW
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 1
    with db.session() as session:
        lead = session.get(Lead, s.lead)
        assert lead is not None and lead.state == "visit_booked"
    assert audit(db, "visit")[0][:2] == (visit.id, "booked")
    lead_audit = audit(db, "lead")
    assert (s.lead, "state_changed", {"state": "visit_booked"}) in lead_audit


def test_client_zone_falls_back_to_the_campaign(db: Database) -> None:
    s = setup(db)
    lead, _ = make_lead(db, make_campaign(db, "Asia/Yekaterinburg"))
    booked = s.service.book(
        make_user(db),
        lead,
        s.desk,
        moscow(MONDAY, 10),
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
    )
    assert booked.client_time_zone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (moscow(MONDAY, 7), BookingRefusal.IN_PAST),
        (moscow(MONDAY, 13), BookingRefusal.OUTSIDE_HOURS),  # lunch
        (moscow(MONDAY, 9, 30), BookingRefusal.OUTSIDE_HOURS),  # off the slot grid
        (moscow(MONDAY + dt.timedelta(days=5), 10), BookingRefusal.OUTSIDE_HOURS),  # Saturday
    ],
)
def test_refusals_write_nothing(db: Database, when: dt.datetime, reason: BookingRefusal) -> None:
    s = setup(db)
    with pytest.raises(BookingRefused) as caught:
        s.service.book(
            make_user(db),
            s.lead,
            s.desk,
            when,
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
    assert caught.value.reason == reason
    assert visits(db) == []
    assert seats_taken(db, s.desk, when) == 0


def test_holiday_and_inactive_resource_and_preferences_are_refused(db: Database) -> None:
    s = setup(db)
    actor = make_user(db)
    add_exception(db, TUESDAY, "holiday", office_id=s.office)
    idle = make_resource(db, s.office, active=False)

    def book(resource: int, when: dt.datetime) -> None:
        s.service.book(
            actor,
            s.lead,
            resource,
            when,
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )

    with pytest.raises(BookingRefused) as holiday:
        book(s.desk, moscow(TUESDAY, 10))
    assert holiday.value.reason == BookingRefusal.OUTSIDE_HOURS
    with pytest.raises(BookingRefused) as inactive:
        book(idle, moscow(MONDAY, 10))
    assert inactive.value.reason == BookingRefusal.RESOURCE_INACTIVE
    with_preferences(s)
    with pytest.raises(BookingRefused) as outside:
        book(s.desk, moscow(MONDAY, 14))  # 21:00 in Vladivostok
    assert outside.value.reason == BookingRefusal.OUTSIDE_PREFERENCES
    with pytest.raises(NotFound):
        book(999_999, moscow(MONDAY, 10))
    with pytest.raises(ValidationFailed):
        book(s.desk, dt.datetime(2030, 3, 4, 10))  # naive
    with pytest.raises(ValidationFailed) as channel:
        s.service.book(
            actor,
            s.lead,
            s.desk,
            moscow(MONDAY, 10),
            confirmation_channel="pigeon",
            confirmation_note=None,
            now=NOW,
        )
    assert channel.value.field == "confirmation_channel"
    with pytest.raises(PermissionDenied):
        s.service.book(
            make_user(db, Role.ADMIN),
            s.lead,
            s.desk,
            moscow(MONDAY, 10),
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
    assert visits(db) == []


def test_full_slot_raises_slot_taken_with_the_same_time_elsewhere(db: Database) -> None:
    s = setup(db, capacity=2)
    other = make_resource(db, s.office, name="Второй стол")
    actor = make_user(db)
    wanted = moscow(MONDAY, 10)
    for _ in range(2):
        someone, _ = make_lead(db, make_campaign(db))
        s.service.book(
            actor,
            someone,
            s.desk,
            wanted,
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
    with pytest.raises(SlotTaken) as caught:
        s.service.book(
            actor,
            s.lead,
            s.desk,
            wanted,
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
    assert str(caught.value) == "this slot was just taken"
    suggestion = caught.value.suggestion
    assert suggestion is not None
    assert (suggestion.resource_id, suggestion.starts_at) == (other, wanted)
    assert seats_taken(db, s.desk, wanted) == 2
    assert len(visits(db)) == 2
    with db.session() as session:
        lead = session.get(Lead, s.lead)
        assert lead is not None and lead.state == "lead"


def test_slot_taken_suggestion_respects_preferences(db: Database) -> None:
    s = setup(db)
    with_preferences(s)
    actor = make_user(db)
    first, _ = make_lead(db, make_campaign(db))
    s.service.book(
        actor,
        first,
        s.desk,
        moscow(MONDAY, 11),
        confirmation_channel=None,
        confirmation_note=None,
        now=NOW,
    )
    with pytest.raises(SlotTaken) as caught:
        s.service.book(
            actor,
            s.lead,
            s.desk,
            moscow(MONDAY, 11),
            confirmation_channel=None,
            confirmation_note=None,
            now=NOW,
        )
    suggestion = caught.value.suggestion
    assert suggestion is not None
    # Nothing later that Monday fits 16:00-19:00 Vladivostok; the next is a week later.
    assert suggestion.starts_at == moscow(MONDAY + dt.timedelta(days=7), 9)


# --- hooks, reschedule, cancel --------------------------------------------------------------


@dataclass
class Recorder:
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    fail_on: str | None = None

    def hooks(self) -> BookingHooks:
        return BookingHooks(
            after_booked=lambda session, *args: self._record(session, "booked", *args),
            after_rescheduled=lambda session, *args: self._record(session, "rescheduled", *args),
            after_cancelled=lambda session, *args: self._record(session, "cancelled", *args),
            after_seat_freed=lambda session, *args: self._record(session, "seat_freed", *args),
        )

    def _record(self, session: Session, name: str, *args: Any) -> None:
        assert session.in_transaction()
        # Work done by a hook lands in the booking's transaction.
        visit_id = args[0] if name in ("booked", "cancelled") else None
        session.add(Task(visit_id=visit_id, kind=f"hook_{name}", due_at=NOW))
        self.calls.append((name, *args))
        if name == self.fail_on:
            raise RuntimeError("hook failed")


def hook_tasks(db: Database) -> list[str]:
    with db.session() as session:
        return [t.kind for t in session.scalars(select(Task).order_by(Task.id))]


def book_at(s: Setup, when: dt.datetime, lead: int | None = None) -> int:
    return s.service.book(
        make_user(s.db),
        s.lead if lead is None else lead,
        s.desk,
        when,
        confirmation_channel="email",
        confirmation_note="note",
        now=NOW,
    ).visit_id


def test_hook_runs_in_the_transaction_and_its_failure_undoes_the_booking(db: Database) -> None:
    recorder = Recorder(fail_on="booked")
    s = setup(db, hooks=recorder.hooks())
    with pytest.raises(RuntimeError):
        book_at(s, moscow(MONDAY, 10))
    assert visits(db) == []
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 0
    assert hook_tasks(db) == []
    recorder.fail_on = None
    visit_id = book_at(s, moscow(MONDAY, 10))
    assert recorder.calls[-1] == ("booked", visit_id, NOW)
    assert hook_tasks(db) == ["hook_booked"]


def test_reschedule_moves_the_seat_and_links_the_visits(db: Database) -> None:
    recorder = Recorder()
    s = setup(db, hooks=recorder.hooks())
    old_id = book_at(s, moscow(MONDAY, 10))
    seller = make_user(db, Role.SELLER)
    moved = s.service.reschedule(seller, old_id, s.desk, moscow(TUESDAY, 15), now=NOW)
    old, new = visits(db)
    assert (old.id, old.status) == (old_id, "rescheduled")
    assert (new.id, new.status, new.rescheduled_from_id) == (moved.visit_id, "booked", old_id)
    assert (new.confirmation_channel, new.confirmation_note) == ("email", "note")
    assert new.starts_at == moscow(TUESDAY, 15) and new.ends_at == moscow(TUESDAY, 16)
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 0
    assert seats_taken(db, s.desk, moscow(TUESDAY, 15)) == 1
    assert recorder.calls[1:] == [
        ("seat_freed", s.desk, moscow(MONDAY, 10), NOW),
        ("rescheduled", old_id, moved.visit_id, NOW),
    ]
    assert "rescheduled" in [a for _, a, _ in audit(db, "visit")]
    with pytest.raises(BookingRefused) as again:
        s.service.reschedule(seller, old_id, s.desk, moscow(TUESDAY, 16), now=NOW)
    assert again.value.reason == BookingRefusal.VISIT_NOT_ACTIVE


def test_reschedule_into_a_full_slot_changes_nothing(db: Database) -> None:
    s = setup(db)
    other, _ = make_lead(db, make_campaign(db))
    book_at(s, moscow(TUESDAY, 15), lead=other)
    mine = book_at(s, moscow(MONDAY, 10))
    with pytest.raises(SlotTaken) as caught:
        s.service.reschedule(make_user(db), mine, s.desk, moscow(TUESDAY, 15), now=NOW)
    assert caught.value.suggestion is not None
    assert caught.value.suggestion.starts_at != moscow(TUESDAY, 15)
    assert [v.status for v in visits(db)] == ["booked", "booked"]
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 1
    assert seats_taken(db, s.desk, moscow(TUESDAY, 15)) == 1
    with pytest.raises(BookingRefused) as same:
        s.service.reschedule(make_user(db), mine, s.desk, moscow(MONDAY, 10), now=NOW)
    assert same.value.reason == BookingRefusal.SAME_SLOT


def test_cancel_frees_the_seat_and_records_who_and_why(db: Database) -> None:
    recorder = Recorder()
    s = setup(db, hooks=recorder.hooks())
    visit_id = book_at(s, moscow(MONDAY, 10))
    supervisor = make_user(db, Role.SUPERVISOR)
    with pytest.raises(ValidationFailed):
        s.service.cancel(supervisor, visit_id, by="nobody", reason="x", now=NOW)
    with pytest.raises(ValidationFailed):
        s.service.cancel(supervisor, visit_id, by="client", reason="  ", now=NOW)
    s.service.cancel(supervisor, visit_id, by="client", reason="fell ill", now=NOW)
    [visit] = visits(db)
    assert (visit.status, visit.cancelled_by, visit.cancel_reason) == (
        "cancelled",
        "client",
        "fell ill",
    )
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 0
    assert recorder.calls[1:] == [
        ("seat_freed", s.desk, moscow(MONDAY, 10), NOW),
        ("cancelled", visit_id, NOW),
    ]
    assert audit(db, "visit")[-1] == (
        visit_id,
        "cancelled",
        {"status": "cancelled", "by": "client", "reason": "fell ill"},
    )
    with pytest.raises(BookingRefused) as again:
        s.service.cancel(supervisor, visit_id, by="us", reason="again", now=NOW)
    assert again.value.reason == BookingRefusal.VISIT_NOT_ACTIVE
    with pytest.raises(NotFound):
        s.service.cancel(supervisor, 999_999, by="us", reason="x", now=NOW)
    # The freed seat can be booked again.
    other, _ = make_lead(db, make_campaign(db))
    book_at(s, moscow(MONDAY, 10), lead=other)
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 1


def test_cancel_in_session_joins_the_callers_transaction(db: Database) -> None:
    s = setup(db)
    visit_id = book_at(s, moscow(MONDAY, 10))
    actor = make_user(db)
    with pytest.raises(RuntimeError), write_session(db) as session:
        cancel_in_session(session, actor.user_id, visit_id, "us", "not reached", NOW)
        raise RuntimeError("the caller's later step failed")
    assert visits(db)[0].status == "booked"
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 1
    with write_session(db) as session:
        cancel_in_session(session, actor.user_id, visit_id, "us", "not reached", NOW)
    assert (visits(db)[0].status, visits(db)[0].cancelled_by) == ("cancelled", "us")
    assert seats_taken(db, s.desk, moscow(MONDAY, 10)) == 0
