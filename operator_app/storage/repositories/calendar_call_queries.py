"""Reads for the calendar's calls inside the operator's call screen: the task with its visit,
the offices and resources a visit can be booked with, and the office a campaign books into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    Campaign,
    ClientPreferences,
    Lead,
    Office,
    Resource,
    Task,
    Visit,
)

__all__ = [
    "BookableResource",
    "CalendarTaskRow",
    "bookable_resources",
    "calendar_task",
    "campaign_office_of_lead",
]


@dataclass(frozen=True, slots=True)
class CalendarTaskRow:
    task_id: int
    kind: str
    state: str
    due_at: dt.datetime
    note: str | None
    lead_id: int | None
    contact_id: int | None
    client_zone: str | None  # the client's stated zone, else the lead's, else the campaign's
    visit_id: int | None
    visit_status: str | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    resource_id: int | None
    resource_name: str | None
    office_name: str | None
    office_address: str | None
    office_time_zone: str | None
    confirmation_channel: str | None
    confirmation_note: str | None


@dataclass(frozen=True, slots=True)
class BookableResource:
    resource_id: int
    resource_name: str
    office_id: int
    office_name: str
    office_time_zone: str


def calendar_task(session: Session, task_id: int) -> CalendarTaskRow | None:
    query = (
        select(
            Task.id,
            Task.kind,
            Task.state,
            Task.due_at,
            Task.note,
            Task.lead_id,
            Lead.contact_id,
            func.coalesce(ClientPreferences.time_zone, Lead.client_zone, Campaign.time_zone),
            Visit.id,
            Visit.status,
            Visit.starts_at,
            Visit.ends_at,
            Resource.id,
            Resource.name,
            Office.name,
            Office.address,
            Office.time_zone,
            Visit.confirmation_channel,
            Visit.confirmation_note,
        )
        .select_from(Task)
        .outerjoin(Lead, Lead.id == Task.lead_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(ClientPreferences, ClientPreferences.contact_id == Lead.contact_id)
        .outerjoin(Visit, Visit.id == Task.visit_id)
        .outerjoin(Resource, Resource.id == Visit.resource_id)
        .outerjoin(Office, Office.id == Resource.office_id)
        .where(Task.id == task_id)
    )
    row = session.execute(query).one_or_none()
    return None if row is None else CalendarTaskRow(*row)


def bookable_resources(session: Session) -> list[BookableResource]:
    """Active resources of active offices, by office name then resource name."""
    query = (
        select(Resource.id, Resource.name, Office.id, Office.name, Office.time_zone)
        .join(Office, Office.id == Resource.office_id)
        .where(Resource.active.is_(True), Office.active.is_(True))
        .order_by(Office.name, Resource.name, Resource.id)
    )
    return [BookableResource(*row) for row in session.execute(query)]


def campaign_office_of_lead(session: Session, lead_id: int) -> int | None:
    """The active office the lead's campaign books its visits into
    (`campaigns.settings["office_name"]`), or None when it names none or no such office."""
    settings = session.scalar(
        select(Campaign.settings)
        .join(Lead, Lead.campaign_id == Campaign.id)
        .where(Lead.id == lead_id)
    )
    name = (settings or {}).get("office_name")
    if not isinstance(name, str) or not name.strip():
        return None
    return session.scalar(
        select(Office.id).where(Office.name == name.strip(), Office.active.is_(True))
    )
