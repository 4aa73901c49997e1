"""Imported lead lists as the supervisor sees them: what each hypothesis brought in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, LeadList


@dataclass(frozen=True, slots=True)
class ListSummary:
    id: int
    name: str
    abc_class: str
    priority: int
    campaign_name: str | None
    hypothesis: str | None
    source: str | None
    rows_read: int
    rows_imported: int
    rows_duplicate: int
    rows_rejected: int
    rows_blocked: int
    created_at: dt.datetime


def list_summaries(database: Database, actor: Actor) -> list[ListSummary]:
    """Every imported list, most important first (priority, then the newest)."""
    require(actor, Permission.IMPORT_LISTS)
    query = (
        select(LeadList, Campaign.name)
        .outerjoin(Campaign, Campaign.id == LeadList.campaign_id)
        .order_by(LeadList.priority.desc(), LeadList.created_at.desc(), LeadList.id.desc())
    )
    with database.session() as session:
        return [
            ListSummary(
                id=lead_list.id,
                name=lead_list.name,
                abc_class=lead_list.abc_class,
                priority=lead_list.priority,
                campaign_name=campaign_name,
                hypothesis=lead_list.hypothesis,
                source=lead_list.source,
                rows_read=lead_list.rows_read,
                rows_imported=lead_list.rows_imported,
                rows_duplicate=lead_list.rows_duplicate,
                rows_rejected=lead_list.rows_rejected,
                rows_blocked=lead_list.rows_blocked,
                created_at=lead_list.created_at,
            )
            for lead_list, campaign_name in session.execute(query)
        ]
