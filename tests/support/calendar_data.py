"""Builders for booking tests: offices in a zone, resources with weekly hours, calendar
exceptions, and leads of clients in their own zones. Fixed clock: Monday 4 March 2030."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CalendarException,
    Campaign,
    Contact,
    Lead,
    Office,
    Resource,
    Slot,
    User,
    WorkingHours,
)

MONDAY = dt.date(2030, 3, 4)
NOW = dt.datetime(2030, 3, 4, 5, 0, tzinfo=dt.UTC)  # 08:00 in Moscow, Monday
WEEKDAYS = range(5)
NINE_TO_SIX = ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))  # lunch 13-14

_counter = itertools.count(1)


def make_user(db: Database, role: Role = Role.OPERATOR, name: str = "Оператор") -> Actor:
    login = f"{role.value}{next(_counter)}"
    with db.session() as session:
        user = User(login=login, display_name=name, role=role.value, password_hash="x")
        session.add(user)
        session.flush()
        return Actor(user.id, login, name, role)


def make_office(db: Database, time_zone: str = "Europe/Moscow", *, active: bool = True) -> int:
    with db.session() as session:
        office = Office(
            name=f"Офис {next(_counter)}",
            address="Тверская, 1",
            time_zone=time_zone,
            active=active,
        )
        session.add(office)
        session.flush()
        return office.id


def make_resource(
    db: Database,
    office_id: int,
    *,
    name: str = "Стол",
    capacity: int = 1,
    slot_minutes: int = 60,
    buffer_minutes: int = 0,
    weekdays: Iterable[int] = WEEKDAYS,
    intervals: Iterable[tuple[dt.time, dt.time]] = NINE_TO_SIX,
    active: bool = True,
) -> int:
    spans = list(intervals)
    with db.session() as session:
        resource = Resource(
            office_id=office_id,
            name=name,
            kind="group" if capacity > 1 else "seller",
            capacity=capacity,
            slot_minutes=slot_minutes,
            buffer_minutes=buffer_minutes,
            active=active,
        )
        session.add(resource)
        session.flush()
        for weekday in weekdays:
            for starts, ends in spans:
                session.add(
                    WorkingHours(resource_id=resource.id, weekday=weekday, starts=starts, ends=ends)
                )
        return resource.id


def add_exception(
    db: Database,
    day: dt.date,
    kind: str,
    *,
    office_id: int | None = None,
    resource_id: int | None = None,
    starts: dt.time | None = None,
    ends: dt.time | None = None,
) -> None:
    with db.session() as session:
        session.add(
            CalendarException(
                office_id=office_id,
                resource_id=resource_id,
                day=day,
                kind=kind,
                starts=starts,
                ends=ends,
            )
        )


def make_campaign(db: Database, time_zone: str = "Europe/Moscow") -> int:
    with db.session() as session:
        campaign = Campaign(name=f"Кампания {next(_counter)}", time_zone=time_zone)
        session.add(campaign)
        session.flush()
        return campaign.id


def make_lead(
    db: Database,
    campaign_id: int | None,
    *,
    time_zone: str | None = None,
    name: str = "Иван Петров",
    state: str = "lead",
) -> tuple[int, int]:
    """(lead id, contact id) of a client in `time_zone` (None: the campaign's zone applies)."""
    with db.session() as session:
        contact = Contact(full_name=name, time_zone=time_zone, custom_fields={})
        session.add(contact)
        session.flush()
        lead = Lead(contact_id=contact.id, campaign_id=campaign_id, state=state)
        session.add(lead)
        session.flush()
        return lead.id, contact.id


def seats_taken(db: Database, resource_id: int, starts_at: dt.datetime) -> int:
    with db.session() as session:
        slot = (
            session.query(Slot)
            .filter(Slot.resource_id == resource_id, Slot.starts_at == starts_at)
            .one_or_none()
        )
        return 0 if slot is None else slot.booked


def moscow(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Moscow wall-clock time (UTC+3 all year) as UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC) - dt.timedelta(hours=3)
