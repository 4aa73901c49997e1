"""Builders for the reminder and attendance tests: a Moscow office with a resource, a campaign
with calling hours and a reminder plan, clients with addresses and reminder consent, and what
the database holds afterwards (tasks, messages, audit rows). Fixed clock: Monday 4 March 2030."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from operator_app.core.calendar.attendance import CalendarServices, calendar_services
from operator_app.core.messaging.outbox import Outbox
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CallingHours,
    Campaign,
    ClientPreferences,
    Consent,
    Contact,
    Lead,
    OutgoingMessage,
    Phone,
    Task,
    Visit,
)
from tests.support.calendar_data import MONDAY, make_office, make_resource, make_user, moscow

__all__ = [
    "MONDAY",
    "Client",
    "Floor",
    "TaskInfo",
    "audit_actions",
    "floor",
    "make_client",
    "messages",
    "moscow",
    "tasks",
    "visit",
]

_counter = itertools.count(1)
CALLING_HOURS = [(day, dt.time(9), dt.time(21)) for day in range(5)] + [
    (5, dt.time(10), dt.time(16))
]


@dataclass(frozen=True, slots=True)
class Floor:
    operator: Actor
    seller: Actor
    campaign: int
    office: int
    resource: int
    services: CalendarServices


@dataclass(frozen=True, slots=True)
class Client:
    lead_id: int
    contact_id: int


@dataclass(frozen=True, slots=True)
class TaskInfo:
    task_id: int
    kind: str
    state: str
    due_at: dt.datetime
    note: str | None


def floor(
    db: Database,
    *,
    reminders: dict[str, Any] | None = None,
    cyclic: bool = False,
    capacity: int = 1,
    calling_hours: bool = True,
) -> Floor:
    """An operator and a seller, a campaign calling Mon–Fri 9–21 and Sat 10–16 (client's
    time), a Moscow office whose resource works Mon–Fri 9–13 and 14–18."""
    settings: dict[str, Any] = {"company_name": "Ясный кредит"}
    if reminders is not None:
        settings["reminders"] = reminders
    with db.session() as session:
        campaign = Campaign(
            name=f"Кредитный брокер {next(_counter)}",
            time_zone="Europe/Moscow",
            is_cyclic=cyclic,
            settings=settings,
        )
        session.add(campaign)
        session.flush()
        session.add_all(
            CallingHours(campaign_id=campaign.id, weekday=day, starts=starts, ends=ends)
            for day, starts, ends in (CALLING_HOURS if calling_hours else [])
        )
        campaign_id = campaign.id
    office = make_office(db)
    return Floor(
        operator=make_user(db, Role.OPERATOR, "Ольга"),
        seller=make_user(db, Role.SELLER, "Сергей"),
        campaign=campaign_id,
        office=office,
        resource=make_resource(db, office, capacity=capacity),
        services=calendar_services(db, Outbox(db)),
    )


def make_client(
    db: Database,
    campaign_id: int,
    *,
    name: str = "Анна Смирнова",
    consent: bool = True,
    email: str | None = "anna@example.ru",
    zone: str | None = None,
    windows: list[dict[str, Any]] | None = None,
    wants_earlier: bool = False,
) -> Client:
    """A client with an e-mail and a mobile phone; `consent`: to reminder messages."""
    with db.session() as session:
        contact = Contact(full_name=name, email=email, time_zone=zone, custom_fields={})
        session.add(contact)
        session.flush()
        session.add(Phone(contact_id=contact.id, e164="+79161234567", kind="mobile"))
        session.add(
            Consent(
                contact_id=contact.id,
                kind="reminders",
                granted=consent,
                channel="phone_call",
                taken_at=dt.datetime(2030, 3, 1, tzinfo=dt.UTC),
            )
        )
        if windows is not None or wants_earlier:
            session.add(
                ClientPreferences(
                    contact_id=contact.id,
                    windows=windows or [],
                    time_zone=zone,
                    wants_earlier=wants_earlier,
                )
            )
        lead = Lead(contact_id=contact.id, campaign_id=campaign_id, state="lead")
        session.add(lead)
        session.flush()
        return Client(lead.id, contact.id)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def tasks(db: Database, visit_id: int) -> list[TaskInfo]:
    with db.session() as session:
        rows = session.scalars(select(Task).where(Task.visit_id == visit_id).order_by(Task.id))
        return [TaskInfo(t.id, t.kind, t.state, _aware(t.due_at), t.note) for t in rows]


def messages(db: Database, visit_id: int) -> list[tuple[str | None, str, dt.datetime, str]]:
    """(template code, channel, send after, body) of the visit's messages, in queue order."""
    with db.session() as session:
        rows = session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.visit_id == visit_id)
            .order_by(OutgoingMessage.id)
        )
        return [(m.template_code, m.channel, _aware(m.send_after), m.body) for m in rows]


def visit(db: Database, visit_id: int) -> Visit:
    with db.session() as session:
        found = session.get(Visit, visit_id)
        assert found is not None
        session.expunge(found)
        return found


def audit_actions(db: Database, entity: str, entity_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.id)
            )
        )
