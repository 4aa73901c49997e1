"""Who is working a company: the leads of its contacts with campaign, owner and claim holder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from operator_app.storage.models import Campaign, Contact, Lead, User

__all__ = ["WorkRow", "work_on_company"]


@dataclass(frozen=True, slots=True)
class WorkRow:
    lead_id: int
    contact_id: int
    contact_name: str
    campaign_id: int | None
    campaign_name: str | None
    state: str
    owner_id: int | None
    owner_name: str | None
    claimed_by_id: int | None
    claimed_by_name: str | None
    claimed_until: dt.datetime | None
    updated_at: dt.datetime


def work_on_company(session: Session, company_id: int) -> list[WorkRow]:
    """Every lead of the company's contacts, the most recently touched first."""
    owner = aliased(User)
    claimer = aliased(User)
    rows = session.execute(
        select(
            Lead.id,
            Contact.id,
            Contact.full_name,
            Lead.campaign_id,
            Campaign.name,
            Lead.state,
            Lead.owner_id,
            owner.display_name,
            Lead.claimed_by_id,
            claimer.display_name,
            Lead.claimed_until,
            Lead.updated_at,
        )
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(owner, owner.id == Lead.owner_id)
        .outerjoin(claimer, claimer.id == Lead.claimed_by_id)
        .where(Contact.company_id == company_id)
        .order_by(Lead.updated_at.desc(), Lead.id.desc())
    ).all()
    return [WorkRow(*row) for row in rows]
