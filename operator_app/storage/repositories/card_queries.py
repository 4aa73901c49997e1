"""The queries behind the call card: one lead with its client, phones, list and history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Company,
    Contact,
    Lead,
    LeadList,
    Office,
    Phone,
    ScriptAnswer,
    ScriptVersion,
    User,
)

__all__ = [
    "AnswerRow",
    "AttemptRow",
    "LeadRow",
    "PhoneRow",
    "ScriptRow",
    "active_campaigns",
    "answers_of_lead",
    "attempts_of_lead",
    "lead_row",
    "lists_with_campaign",
    "office_address",
    "phones_of_contact",
    "script_of_campaign",
    "script_version_of",
]


@dataclass(frozen=True, slots=True)
class LeadRow:
    lead_id: int
    contact_id: int
    client_name: str
    position: str | None
    contact_zone: str | None
    contact_zone_guessed: bool
    company_name: str | None
    company_inn: str | None
    company_zone: str | None
    list_name: str | None
    hypothesis: str | None
    campaign_id: int | None
    campaign_name: str | None
    campaign_zone: str | None
    campaign_settings: dict[str, Any]
    script_id: int | None


@dataclass(frozen=True, slots=True)
class PhoneRow:
    phone_id: int
    e164: str
    kind: str
    extension: str | None
    zone: str | None
    zone_guessed: bool


@dataclass(frozen=True, slots=True)
class AttemptRow:
    started_at: dt.datetime
    operator: str | None
    disposition: str | None
    reason: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    answered_at: dt.datetime
    step_id: str
    answer: str | None
    free_text: str | None
    objection_id: str | None


@dataclass(frozen=True, slots=True)
class ScriptRow:
    version_id: int
    document: dict[str, Any]


def lead_row(session: Session, lead_id: int) -> LeadRow | None:
    row = session.execute(
        select(
            Lead.id,
            Lead.contact_id,
            Contact.full_name,
            Contact.position,
            Contact.time_zone,
            Contact.time_zone_guessed,
            Company.name,
            Company.inn,
            Company.time_zone,
            LeadList.name,
            LeadList.hypothesis,
            Campaign.id,
            Campaign.name,
            Campaign.time_zone,
            Campaign.settings,
            Campaign.script_id,
        )
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Company, Company.id == Contact.company_id)
        .outerjoin(LeadList, LeadList.id == Lead.list_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(Lead.id == lead_id)
    ).one_or_none()
    if row is None:
        return None
    return LeadRow(
        lead_id=row[0],
        contact_id=row[1],
        client_name=row[2] or "",
        position=row[3],
        contact_zone=row[4],
        contact_zone_guessed=bool(row[5]),
        company_name=row[6],
        company_inn=row[7],
        company_zone=row[8],
        list_name=row[9],
        hypothesis=row[10],
        campaign_id=row[11],
        campaign_name=row[12],
        campaign_zone=row[13],
        campaign_settings=dict(row[14] or {}),
        script_id=row[15],
    )


def phones_of_contact(session: Session, contact_id: int) -> list[PhoneRow]:
    rows = session.execute(
        select(
            Phone.id,
            Phone.e164,
            Phone.kind,
            Phone.extension,
            Phone.time_zone,
            Phone.time_zone_guessed,
        )
        .where(Phone.contact_id == contact_id)
        .order_by(Phone.id)
    )
    return [PhoneRow(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def attempts_of_lead(session: Session, lead_id: int, limit: int = 20) -> list[AttemptRow]:
    rows = session.execute(
        select(
            CallAttempt.started_at,
            User.display_name,
            CallAttempt.disposition,
            CallAttempt.reason,
            CallAttempt.notes,
        )
        .outerjoin(User, User.id == CallAttempt.operator_id)
        .where(CallAttempt.lead_id == lead_id)
        .order_by(CallAttempt.started_at.desc(), CallAttempt.id.desc())
        .limit(limit)
    )
    return [AttemptRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def answers_of_lead(session: Session, lead_id: int, limit: int = 50) -> list[AnswerRow]:
    rows = session.execute(
        select(
            ScriptAnswer.answered_at,
            ScriptAnswer.step_id,
            ScriptAnswer.answer,
            ScriptAnswer.free_text,
            ScriptAnswer.objection_id,
        )
        .join(CallAttempt, CallAttempt.id == ScriptAnswer.call_id)
        .where(CallAttempt.lead_id == lead_id)
        .order_by(ScriptAnswer.answered_at.desc(), ScriptAnswer.id.desc())
        .limit(limit)
    )
    return [AnswerRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def script_of_campaign(session: Session, script_id: int) -> ScriptRow | None:
    row = session.execute(
        select(ScriptVersion.id, ScriptVersion.document)
        .where(ScriptVersion.script_id == script_id, ScriptVersion.published.is_(True))
        .order_by(ScriptVersion.version.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else ScriptRow(row[0], dict(row[1]))


def script_version_of(session: Session, script_id: int, version_id: int) -> ScriptRow | None:
    """That published version, when it is a version of this script (a split may outlive a
    change of the campaign's script)."""
    row = session.execute(
        select(ScriptVersion.id, ScriptVersion.document).where(
            ScriptVersion.id == version_id,
            ScriptVersion.script_id == script_id,
            ScriptVersion.published.is_(True),
        )
    ).one_or_none()
    return None if row is None else ScriptRow(row[0], dict(row[1]))


def office_address(session: Session, office_name: str | None) -> str | None:
    """The named office's address, else the first active office's."""
    query = select(Office.address).where(Office.active.is_(True))
    if office_name is not None:
        named = session.scalar(query.where(Office.name == office_name).limit(1))
        if named:
            return named
    return session.scalar(query.order_by(Office.id).limit(1))


def active_campaigns(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.active.is_(True)).order_by(Campaign.name)
    )
    return [(row[0], row[1]) for row in rows]


def lists_with_campaign(session: Session) -> list[tuple[int, str, int | None]]:
    rows = session.execute(
        select(LeadList.id, LeadList.name, LeadList.campaign_id).order_by(
            LeadList.priority.desc(), LeadList.name
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]
