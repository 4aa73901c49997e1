"""Reading and saving a campaign's reminder plan (`campaigns.settings["reminders"]`).

Saving validates the whole plan with `ReminderSettings.from_json`, keeps the campaign's other
settings as they are, and writes an audit row with the plan before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.calendar.reminder_plan import INT_RANGES, ReminderSettings
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry
from operator_app.storage.repositories import reminder_settings_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "AUDIT_ACTION",
    "AUDIT_ENTITY",
    "SETTINGS_KEY",
    "CampaignReminderPlan",
    "ReminderSettingsService",
    "number_limits",
]

SETTINGS_KEY = "reminders"
AUDIT_ENTITY = "campaign"
AUDIT_ACTION = "reminder_plan"


@dataclass(frozen=True, slots=True)
class CampaignReminderPlan:
    campaign_id: int
    campaign_name: str
    cyclic: bool  # review requests and next-visit reminders apply to cyclic campaigns only
    settings: ReminderSettings
    stored_invalid: ValidationFailed | None  # the stored plan did not validate: defaults shown


def number_limits() -> dict[str, tuple[int, int]]:
    """The allowed range of each whole-number setting, for editors to offer only those."""
    return dict(INT_RANGES)


class ReminderSettingsService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def plan(self, campaign_id: int) -> CampaignReminderPlan:
        with self._db.session() as session:
            row = q.campaign_settings(session, campaign_id)
        if row is None:
            raise NotFound(f"campaign {campaign_id} does not exist")
        return _plan(row)

    def save(
        self,
        actor: Actor,
        campaign_id: int,
        settings: ReminderSettings | Mapping[str, Any],
        *,
        now: dt.datetime | None = None,
    ) -> CampaignReminderPlan:
        """Store the plan; ValidationFailed names the first bad setting."""
        require(actor, Permission.MANAGE_CAMPAIGNS)
        raw = settings.to_json() if isinstance(settings, ReminderSettings) else dict(settings)
        checked = ReminderSettings.from_json(raw)  # a dataclass built in code is checked too
        with write_session(self._db) as session:
            row = q.campaign_settings(session, campaign_id, for_update=True)
            if row is None:
                raise NotFound(f"campaign {campaign_id} does not exist")
            before = row.settings.get(SETTINGS_KEY)
            after = checked.to_json()
            stored = {**row.settings, SETTINGS_KEY: after}
            q.replace_campaign_settings(session, campaign_id, stored)
            _audit(session, actor, campaign_id, before, after, now or utcnow())
            saved = q.CampaignSettingsRow(row.campaign_id, row.name, row.cyclic, stored)
        return _plan(saved)


def _plan(row: q.CampaignSettingsRow) -> CampaignReminderPlan:
    try:
        settings = ReminderSettings.from_json(row.settings.get(SETTINGS_KEY))
        problem = None
    except ValidationFailed as error:
        settings, problem = ReminderSettings(), error
    return CampaignReminderPlan(row.campaign_id, row.name, row.cyclic, settings, problem)


def _audit(
    session: Session,
    actor: Actor,
    campaign_id: int,
    before: Any,
    after: dict[str, Any],
    now: dt.datetime,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            user_id=actor.user_id,
            entity=AUDIT_ENTITY,
            entity_id=campaign_id,
            action=AUDIT_ACTION,
            before=None if before is None else {SETTINGS_KEY: before},
            after={SETTINGS_KEY: after},
        )
    )
