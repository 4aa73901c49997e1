"""What the call's verification, company, contact and hand-off panels show about a lead.

Plain frozen dataclasses, read for an operator working the lead, for a background task to
hand to the widgets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from operator_app.core.campaigns import CampaignModel
from operator_app.core.companies import CompanyService, CompanyView
from operator_app.core.consent import ConsentService, ConsentSummary
from operator_app.core.contacts import ContactService, ContactView
from operator_app.core.errors import NotFound
from operator_app.core.handoff import VisitSummary
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.verification.service import (
    CriteriaService,
    CriteriaSetView,
    VerificationService,
    VerificationView,
)
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import handoff_queries as handoffs
from operator_app.storage.repositories import lead_overview_queries as q

__all__ = [
    "HandoffOptions",
    "LeadExtras",
    "SellerChoice",
    "load_handoff_options",
    "load_lead_extras",
]


@dataclass(frozen=True, slots=True)
class LeadExtras:
    lead_id: int
    campaign_id: int | None
    two_step: bool
    b2b: bool
    criteria: CriteriaSetView | None
    latest: VerificationView | None
    contact: ContactView
    company: CompanyView | None
    consents: ConsentSummary


@dataclass(frozen=True, slots=True)
class SellerChoice:
    user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class HandoffOptions:
    visit: VisitSummary | None
    sellers: tuple[SellerChoice, ...]


def load_lead_extras(database: Database, actor: Actor, lead_id: int) -> LeadExtras:
    """Everything the panels show for the lead. Raises NotFound for an unknown lead."""
    require(actor, Permission.WORK_QUEUE)
    with database.session() as session:
        row = q.lead_campaign(session, lead_id)
    if row is None:
        raise NotFound(f"lead {lead_id} does not exist")
    contact = ContactService(database).get(actor, row.contact_id)
    company = None
    if contact.company_id is not None:
        company = CompanyService(database).overview(actor, contact.company_id).company
    return LeadExtras(
        lead_id=lead_id,
        campaign_id=row.campaign_id,
        two_step=row.model == CampaignModel.TWO_STEP,
        b2b=row.is_b2b,
        criteria=(
            CriteriaService(database).current(row.campaign_id)
            if row.campaign_id is not None
            else None
        ),
        latest=VerificationService(database).latest(lead_id),
        contact=contact,
        company=company,
        consents=ConsentService(database).current(row.contact_id),
    )


def load_handoff_options(
    database: Database, actor: Actor, lead_id: int, *, now: dt.datetime | None = None
) -> HandoffOptions:
    """The lead's next booked visit (None when none) and every active seller, by name."""
    require(actor, Permission.WORK_QUEUE)
    with database.session() as session:
        visit = handoffs.booked_visit(session, lead_id, None, now or utcnow())
        sellers = q.active_sellers(session)
    summary = (
        None
        if visit is None
        else VisitSummary(
            visit.visit_id,
            visit.starts_at,
            visit.ends_at,
            visit.status,
            visit.resource_name,
            visit.office_name,
            visit.office_address,
            visit.office_time_zone,
        )
    )
    return HandoffOptions(summary, tuple(SellerChoice(i, name) for i, name in sellers))
