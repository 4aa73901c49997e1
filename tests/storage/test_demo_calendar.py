"""The demo's visit calendar on both backends: every status, and seat counters that add up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import select

from operator_app.core.demo import create_demo_workspace
from operator_app.core.demo_data.calendar import GROUP_PRESENTATION, SEAT_HOLDING_STATUSES
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CalendarException,
    ClientPreferences,
    Lead,
    OutgoingMessage,
    Resource,
    Slot,
    Task,
    Visit,
    VisitResult,
    WorkingHours,
)

MOSCOW = ZoneInfo("Europe/Moscow")


def test_the_demo_has_visits_in_every_status_this_week_and_next(db: Database) -> None:
    before = utcnow()
    create_demo_workspace(db)
    with db.session() as session:
        # The calendar's own visits: the history's (of the leads it dealt to its operators)
        # all lie in its past 14 days.
        all_visits = list(session.scalars(select(Visit)))
        visits = list(
            session.scalars(
                select(Visit).join(Lead, Lead.id == Visit.lead_id).where(Lead.owner_id.is_(None))
            )
        )
        results = {r.visit_id: r for r in session.scalars(select(VisitResult))}
        tasks = list(session.scalars(select(Task)))
    calendar_ids = {v.id for v in visits}
    assert all(v.starts_at < before for v in all_visits if v.id not in calendar_ids)
    statuses = Counter(v.status for v in visits)
    assert set(statuses) == {"booked", "confirmed", "held", "no_show", "rescheduled", "cancelled"}
    for visit in visits:
        assert visit.ends_at > visit.starts_at
        assert before - dt.timedelta(days=8) < visit.starts_at < before + dt.timedelta(days=15)
        if visit.status in {"held", "no_show"}:
            assert visit.starts_at < before
        if visit.status in {"booked", "confirmed"}:
            assert visit.starts_at > before

    held = [v for v in visits if v.status == "held"]
    assert all(v.id in results for v in held)
    assert any(results[v.id].sale and results[v.id].amount for v in held)

    (no_show,) = [v for v in visits if v.status == "no_show"]
    assert [t.kind for t in tasks if t.visit_id == no_show.id] == ["feedback_call"]

    cancelled = [v for v in visits if v.status == "cancelled"]
    assert {v.cancelled_by for v in cancelled} == {"client", "us"}
    assert all(v.cancel_reason for v in cancelled)

    (old,) = [v for v in visits if v.status == "rescheduled"]
    (new,) = [v for v in visits if v.rescheduled_from_id == old.id]
    assert new.lead_id == old.lead_id and new.status == "booked"


def test_a_group_presentation_with_ten_seats_and_a_holiday_of_its_own(db: Database) -> None:
    summary = create_demo_workspace(db)
    with db.session() as session:
        group = session.scalars(select(Resource).where(Resource.name == GROUP_PRESENTATION)).one()
        hours = list(
            session.scalars(select(WorkingHours).where(WorkingHours.resource_id == group.id))
        )
        holidays = list(
            session.scalars(
                select(CalendarException).where(CalendarException.resource_id == group.id)
            )
        )
        seated = list(session.scalars(select(Visit).where(Visit.resource_id == group.id)))
    assert (group.kind, group.capacity) == ("group", 10)
    assert hours and [h.kind for h in holidays] == ["holiday"]
    assert holidays[0].day not in {v.starts_at.astimezone(MOSCOW).date() for v in seated}
    assert max(Counter(v.starts_at for v in seated).values()) > 1  # several seats in one slot
    assert sum(office.resources for office in summary.offices) == 5


def test_every_slot_counts_the_visits_holding_a_seat_there(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        slots = {s.id: s for s in session.scalars(select(Slot))}
        visits = list(session.scalars(select(Visit)))
        capacities = dict(session.execute(select(Resource.id, Resource.capacity)).tuples().all())
    assert all(v.slot_id is not None for v in visits)
    holding = Counter(v.slot_id for v in visits if v.status in SEAT_HOLDING_STATUSES)
    for slot_id, slot in slots.items():
        assert slot.booked == holding[slot_id]
        assert 0 <= slot.booked <= slot.capacity == capacities[slot.resource_id]
    for visit in visits:
        slot = slots[visit.slot_id or 0]
        assert (slot.resource_id, slot.starts_at) == (visit.resource_id, visit.starts_at)
    assert len({(s.resource_id, s.starts_at) for s in slots.values()}) == len(slots)


def test_clients_with_visits_have_preferences_and_messages_in_every_state(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        contacts_with_visits = set(
            session.scalars(select(Lead.contact_id).join(Visit, Visit.lead_id == Lead.id))
        )
        handed_off = set(
            session.scalars(select(Lead.contact_id).where(Lead.state == "visit_booked"))
        )
        preferences = {p.contact_id: p for p in session.scalars(select(ClientPreferences))}
        messages = list(session.scalars(select(OutgoingMessage)))
    assert contacts_with_visits - handed_off <= set(preferences) <= contacts_with_visits
    for preference in preferences.values():
        assert preference.windows and preference.time_zone and preference.contact_time
        assert preference.channel in {"email", "sms", "messenger", "phone", "manual"}
        for window in preference.windows:
            assert 0 <= window["weekday"] <= 6 and window["starts"] < window["ends"]
    assert any(p.wants_earlier for p in preferences.values())

    assert {m.state for m in messages} == {"queued", "sent", "failed"}
    for message in messages:
        assert message.body and message.address and "{" not in message.body
        assert (message.sent_at is not None) == (message.state == "sent")
        assert (message.last_error is not None) == (message.state == "failed")
        assert any(
            word in message.body.lower() for word in ("здравствуйте", "добрый день", "спасибо")
        )
