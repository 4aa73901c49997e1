"""Builders for queue tests (no tests here): users, campaigns with hours, lists, leads, tasks."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import insert

from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallingHours,
    Campaign,
    Contact,
    DoNotCall,
    Lead,
    LeadList,
    Phone,
    Task,
    User,
)

# Monday 23 November 2026, 09:10 in Moscow.
MONDAY_0910_MSK = dt.datetime(2026, 11, 23, 6, 10, tzinfo=dt.UTC)
WEEKDAYS_9_TO_21 = [(day, dt.time(9), dt.time(21)) for day in range(5)]
SATURDAY_10_TO_16 = [(5, dt.time(10), dt.time(16))]

_numbers = itertools.count(9_000_000_000)


def next_e164() -> str:
    return f"+7{next(_numbers)}"


def make_user(
    db: Database, login: str, *, role: Role = Role.OPERATOR, status: str = "ready"
) -> Actor:
    with db.session() as session:
        user = User(login=login, display_name=login.title(), role=role.value, password_hash="x")
        user.status = status
        session.add(user)
        session.flush()
        return Actor(user.id, login, user.display_name, role)


def make_campaign(
    db: Database,
    name: str = "Campaign",
    *,
    time_zone: str = "Europe/Moscow",
    hours: list[tuple[int, dt.time, dt.time]] | None = None,
    claim_timeout_minutes: int = 30,
    callback_grace_minutes: int = 15,
) -> int:
    with db.session() as session:
        campaign = Campaign(
            name=name,
            time_zone=time_zone,
            claim_timeout_minutes=claim_timeout_minutes,
            callback_grace_minutes=callback_grace_minutes,
        )
        session.add(campaign)
        session.flush()
        for weekday, starts, ends in (
            WEEKDAYS_9_TO_21 + SATURDAY_10_TO_16 if hours is None else hours
        ):
            session.add(
                CallingHours(campaign_id=campaign.id, weekday=weekday, starts=starts, ends=ends)
            )
        return campaign.id


def make_list(
    db: Database, name: str, campaign_id: int, *, priority: int = 50, abc_class: str = "B"
) -> int:
    with db.session() as session:
        lead_list = LeadList(
            name=name, campaign_id=campaign_id, priority=priority, abc_class=abc_class
        )
        session.add(lead_list)
        session.flush()
        return lead_list.id


def add_lead(
    db: Database,
    campaign_id: int,
    *,
    name: str = "Client",
    list_id: int | None = None,
    source: str = "list",
    state: str = "new",
    contact_zone: str | None = None,
    phone_zone: str | None = None,
    phones: list[str] | None = None,
    contact_id: int | None = None,
    created_at: dt.datetime | None = None,
    next_action_at: dt.datetime | None = None,
) -> int:
    with db.session() as session:
        if contact_id is None:
            contact = Contact(full_name=name, time_zone=contact_zone)
            session.add(contact)
            session.flush()
            contact_id = contact.id
            for e164 in phones if phones is not None else [next_e164()]:
                session.add(
                    Phone(contact_id=contact_id, e164=e164, kind="mobile", time_zone=phone_zone)
                )
        lead = Lead(
            contact_id=contact_id,
            campaign_id=campaign_id,
            list_id=list_id,
            source=source,
            state=state,
            next_action_at=next_action_at,
        )
        if created_at is not None:
            lead.created_at = created_at
        session.add(lead)
        session.flush()
        return lead.id


def contact_of(db: Database, lead_id: int) -> int:
    with db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.contact_id


def add_task(
    db: Database, lead_id: int, kind: str, due_at: dt.datetime, *, assigned_to: int | None = None
) -> int:
    with db.session() as session:
        task = Task(lead_id=lead_id, kind=kind, due_at=due_at, assigned_to_id=assigned_to)
        session.add(task)
        session.flush()
        return task.id


def block_number(db: Database, e164: str) -> None:
    with db.session() as session:
        session.add(DoNotCall(e164=e164, reason="asked"))


def bulk_leads(db: Database, campaign_id: int, list_id: int, count: int) -> list[int]:
    """`count` fresh list leads, one contact and phone each, written with Core inserts."""
    with db.engine.begin() as connection:
        first_contact = (
            connection.execute(
                insert(Contact).returning(Contact.id),
                [{"full_name": f"C{i}"} for i in range(count)],
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(Phone),
            [{"contact_id": cid, "e164": next_e164(), "kind": "mobile"} for cid in first_contact],
        )
        lead_ids = (
            connection.execute(
                insert(Lead).returning(Lead.id),
                [
                    {"contact_id": cid, "campaign_id": campaign_id, "list_id": list_id}
                    for cid in first_contact
                ],
            )
            .scalars()
            .all()
        )
    return list(lead_ids)
