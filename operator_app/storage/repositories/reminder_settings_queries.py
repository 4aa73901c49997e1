"""The queries behind a campaign's reminder plan: its settings read, locked and replaced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from operator_app.storage.models import Campaign

__all__ = ["CampaignSettingsRow", "campaign_settings", "replace_campaign_settings"]


@dataclass(frozen=True, slots=True)
class CampaignSettingsRow:
    campaign_id: int
    name: str
    cyclic: bool
    settings: dict[str, Any]


def campaign_settings(
    session: Session, campaign_id: int, *, for_update: bool = False
) -> CampaignSettingsRow | None:
    """The campaign's name and settings; `for_update` locks the row (PostgreSQL) so two
    editors never overwrite each other's other settings keys."""
    query = select(Campaign.id, Campaign.name, Campaign.is_cyclic, Campaign.settings).where(
        Campaign.id == campaign_id
    )
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    if row is None:
        return None
    return CampaignSettingsRow(row.id, row.name, bool(row.is_cyclic), dict(row.settings or {}))


def replace_campaign_settings(session: Session, campaign_id: int, settings: dict[str, Any]) -> None:
    session.execute(update(Campaign).where(Campaign.id == campaign_id).values(settings=settings))
