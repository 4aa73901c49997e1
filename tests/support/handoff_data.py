"""Builders for company, contact, consent and hand-off tests: users, campaigns, leads,
verifications, offices with seller resources, visits and calls with answers."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Company,
    Contact,
    CriteriaSet,
    Lead,
    Office,
    Resource,
    ScriptAnswer,
    User,
    Verification,
    Visit,
)

# Monday 23 November 2026, 09:00 UTC; visits are booked relative to it.
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
_counter = itertools.count(1)


def make_user(db: Database, name: str, role: Role, *, active: bool = True) -> Actor:
    login = f"{name.lower()}{next(_counter)}"
    with db.session() as session:
        user = User(
            login=login, display_name=name, role=role.value, password_hash="x", active=active
        )
        session.add(user)
        session.flush()
        return Actor(user.id, login, name, role)


def make_campaign(db: Database, name: str, *, model: str = "two-step", b2b: bool = False) -> int:
    with db.session() as session:
        campaign = Campaign(name=f"{name} {next(_counter)}", model=model, is_b2b=b2b)
        session.add(campaign)
        session.flush()
        return campaign.id


def make_company(db: Database, name: str, inn: str | None) -> int:
    with db.session() as session:
        company = Company(name=name, inn=inn)
        session.add(company)
        session.flush()
        return company.id


def make_lead(
    db: Database,
    campaign_id: int | None,
    client: str = "Иван Петров",
    *,
    company_id: int | None = None,
    role: str | None = None,
    owner_id: int | None = None,
    claimed_by_id: int | None = None,
    claimed_until: dt.datetime | None = None,
    state: str = "lead",
) -> int:
    with db.session() as session:
        contact = Contact(full_name=client, company_id=company_id, role=role, custom_fields={})
        session.add(contact)
        session.flush()
        lead = Lead(
            contact_id=contact.id,
            campaign_id=campaign_id,
            state=state,
            owner_id=owner_id,
            claimed_by_id=claimed_by_id,
            claimed_until=claimed_until,
        )
        session.add(lead)
        session.flush()
        return lead.id


def contact_of(db: Database, lead_id: int) -> int:
    with db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.contact_id


def verify(
    db: Database,
    lead_id: int,
    verdict: str,
    *,
    at: dt.datetime = NOW,
    answers: dict[str, object] | None = None,
    by: int | None = None,
) -> None:
    with db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None and lead.campaign_id is not None
        criteria = session.query(CriteriaSet).filter_by(campaign_id=lead.campaign_id).first()
        if criteria is None:
            criteria = CriteriaSet(campaign_id=lead.campaign_id, version=1, criteria=[], reasons=[])
            session.add(criteria)
            session.flush()
        session.add(
            Verification(
                lead_id=lead_id,
                criteria_set_id=criteria.id,
                answers=answers or {},
                computed_verdict=verdict,
                verdict=verdict,
                verified_by_id=by,
                verified_at=at,
            )
        )


def make_office(db: Database, name: str = "Офис на Тверской") -> int:
    with db.session() as session:
        office = Office(name=f"{name} {next(_counter)}", address="Тверская, 1")
        session.add(office)
        session.flush()
        return office.id


def make_resource(db: Database, office_id: int, user_id: int | None, name: str = "Стол") -> int:
    with db.session() as session:
        resource = Resource(office_id=office_id, name=name, user_id=user_id)
        session.add(resource)
        session.flush()
        return resource.id


def book_visit(
    db: Database,
    lead_id: int,
    resource_id: int,
    starts_at: dt.datetime,
    *,
    minutes: int = 60,
    status: str = "booked",
) -> int:
    with db.session() as session:
        visit = Visit(
            lead_id=lead_id,
            resource_id=resource_id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes),
            status=status,
            details={},
        )
        session.add(visit)
        session.flush()
        return visit.id


def record_call(
    db: Database,
    lead_id: int,
    operator_id: int,
    *,
    notes: str | None,
    answers: tuple[tuple[str, str], ...] = (),
    at: dt.datetime = NOW,
) -> int:
    with db.session() as session:
        call = CallAttempt(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead_id,
            operator_id=operator_id,
            started_at=at,
            disposition="interested",
            notes=notes,
        )
        session.add(call)
        session.flush()
        for offset, (step, answer) in enumerate(answers):
            session.add(
                ScriptAnswer(
                    call_id=call.id,
                    step_id=step,
                    stage="qualification",
                    answer=answer,
                    answered_at=at + dt.timedelta(seconds=offset),
                )
            )
        return call.id
