"""The queries of exporting visits to a calendar file: one visit, or the visits of a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from operator_app.storage.models import Campaign, Contact, Lead, Office, Phone, Resource, Visit

__all__ = ["VisitExportRow", "visit_row", "visits_starting_between"]


@dataclass(frozen=True, slots=True)
class VisitExportRow:
    visit_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    status: str
    cancelled_by: str | None
    cancel_reason: str | None
    confirmation_channel: str | None
    confirmation_note: str | None
    client_name: str
    phone: str | None  # the contact's first number
    campaign: str | None
    resource_name: str
    office_name: str
    office_address: str
    office_time_zone: str
    rescheduled_to: dt.datetime | None  # when the visit that replaced this one starts (UTC)


def _statement() -> Select[Any]:
    return (
        select(
            Visit.id,
            Visit.starts_at,
            Visit.ends_at,
            Visit.status,
            Visit.cancelled_by,
            Visit.cancel_reason,
            Visit.confirmation_channel,
            Visit.confirmation_note,
            Contact.full_name,
            Contact.id,
            Campaign.name,
            Resource.name,
            Office.name,
            Office.address,
            Office.time_zone,
        )
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .order_by(Visit.starts_at, Visit.id)
    )


def visit_row(session: Session, visit_id: int) -> VisitExportRow | None:
    rows = _rows(session, _statement().where(Visit.id == visit_id))
    return rows[0] if rows else None


def visits_starting_between(
    session: Session, starts_from: dt.datetime, starts_before: dt.datetime
) -> list[VisitExportRow]:
    """Visits with starts_from <= starts_at < starts_before (UTC), soonest first."""
    return _rows(
        session,
        _statement().where(Visit.starts_at >= starts_from, Visit.starts_at < starts_before),
    )


def _rows(session: Session, statement: Select[Any]) -> list[VisitExportRow]:
    found = session.execute(statement).tuples().all()
    if not found:
        return []
    phones = _first_phones(session, {row[9] for row in found})
    replacements = _replacement_starts(
        session, [row[0] for row in found if row[3] == "rescheduled"]
    )
    return [
        VisitExportRow(
            visit_id=visit_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            cancelled_by=cancelled_by,
            cancel_reason=cancel_reason,
            confirmation_channel=channel,
            confirmation_note=note,
            client_name=client_name,
            phone=phones.get(contact_id),
            campaign=campaign,
            resource_name=resource_name,
            office_name=office_name,
            office_address=office_address,
            office_time_zone=office_zone,
            rescheduled_to=replacements.get(visit_id),
        )
        for (
            visit_id,
            starts_at,
            ends_at,
            status,
            cancelled_by,
            cancel_reason,
            channel,
            note,
            client_name,
            contact_id,
            campaign,
            resource_name,
            office_name,
            office_address,
            office_zone,
        ) in found
    ]


def _first_phones(session: Session, contact_ids: set[int]) -> dict[int, str]:
    phones: dict[int, str] = {}
    rows = session.execute(
        select(Phone.contact_id, Phone.e164)
        .where(Phone.contact_id.in_(contact_ids))
        .order_by(Phone.contact_id, Phone.id)
    ).tuples()
    for contact_id, e164 in rows:
        phones.setdefault(contact_id, e164)
    return phones


def _replacement_starts(session: Session, old_ids: Sequence[int]) -> dict[int, dt.datetime]:
    if not old_ids:
        return {}
    rows = session.execute(
        select(Visit.rescheduled_from_id, Visit.starts_at)
        .where(Visit.rescheduled_from_id.in_(old_ids))
        .order_by(Visit.id)
    ).tuples()
    return {old_id: starts_at for old_id, starts_at in rows if old_id is not None}
