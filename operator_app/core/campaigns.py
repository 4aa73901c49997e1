"""Campaigns as the people who configure them see them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from operator_app.core.errors import PermissionDenied
from operator_app.core.roles import Actor, Permission
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Script


class CampaignModel(StrEnum):
    ONE_STEP = "one-step"  # the same person finds, verifies and sells
    TWO_STEP = "two-step"  # a lead generator books the visit, a seller takes it from there


@dataclass(frozen=True, slots=True)
class CampaignSummary:
    id: int
    name: str
    model: CampaignModel
    time_zone: str
    script_name: str | None
    active: bool
    is_b2b: bool


# Administrators set campaigns up; supervisors edit their scripts and criteria.
_MAY_VIEW_CAMPAIGNS = (Permission.MANAGE_CAMPAIGNS, Permission.EDIT_SCRIPTS)


def campaign_summaries(database: Database, actor: Actor) -> list[CampaignSummary]:
    if not any(actor.can(permission) for permission in _MAY_VIEW_CAMPAIGNS):
        raise PermissionDenied("view_campaigns", actor.role.value)
    query = (
        select(Campaign, Script.name)
        .outerjoin(Script, Script.id == Campaign.script_id)
        .order_by(Campaign.active.desc(), Campaign.name)
    )
    with database.session() as session:
        return [
            CampaignSummary(
                id=campaign.id,
                name=campaign.name,
                model=CampaignModel(campaign.model),
                time_zone=campaign.time_zone,
                script_name=script_name,
                active=campaign.active,
                is_b2b=campaign.is_b2b,
            )
            for campaign, script_name in session.execute(query)
        ]
