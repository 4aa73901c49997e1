"""Small reads about one lead for the call's side panels: its campaign, the active sellers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.storage.models import Campaign, Lead, User

__all__ = ["LeadCampaignRow", "active_sellers", "lead_campaign"]


@dataclass(frozen=True, slots=True)
class LeadCampaignRow:
    contact_id: int
    campaign_id: int | None
    model: str | None
    is_b2b: bool


def lead_campaign(session: Session, lead_id: int) -> LeadCampaignRow | None:
    row = session.execute(
        select(Lead.contact_id, Lead.campaign_id, Campaign.model, Campaign.is_b2b)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(Lead.id == lead_id)
    ).first()
    if row is None:
        return None
    return LeadCampaignRow(row.contact_id, row.campaign_id, row.model, bool(row.is_b2b))


def active_sellers(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every active seller, by name."""
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.role == "seller", User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    return [(row.id, row.display_name) for row in rows]
