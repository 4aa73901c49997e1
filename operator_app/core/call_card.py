"""The call card: everything the operator sees about the client while calling, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound
from operator_app.core.script_split import SETTINGS_KEY, ScriptSplit, assigned_version
from operator_app.core.scripts_format import ScriptDocument, from_document
from operator_app.storage.database import Database
from operator_app.storage.repositories import card_queries as q

__all__ = [
    "CallCard",
    "CardPhone",
    "EarlierAnswer",
    "EarlierAttempt",
    "FilterChoice",
    "QueueFilters",
    "display_phone",
    "load_call_card",
    "queue_filters",
]

FALLBACK_ZONE = "Europe/Moscow"


@dataclass(frozen=True, slots=True)
class CardPhone:
    phone_id: int
    e164: str
    display: str  # +7 912 345-67-89
    kind: str  # mobile | landline | other
    extension: str | None
    zone: str | None
    zone_guessed: bool


@dataclass(frozen=True, slots=True)
class EarlierAttempt:
    started_at: dt.datetime
    operator: str | None
    disposition: str | None
    reason: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class EarlierAnswer:
    answered_at: dt.datetime
    step_id: str
    answer: str | None
    free_text: str | None
    objection_id: str | None


@dataclass(frozen=True, slots=True)
class CallCard:
    lead_id: int
    contact_id: int
    client_name: str
    position: str | None
    company_name: str | None
    company_inn: str | None
    zone: str  # the client's time zone
    zone_guessed: bool
    phones: tuple[CardPhone, ...]
    list_name: str | None
    hypothesis: str | None
    campaign_id: int | None
    campaign_name: str | None
    selling_company: str | None  # campaign.settings["company_name"]: who is calling
    office_address: str | None
    script: ScriptDocument | None
    script_version_id: int | None
    attempts: tuple[EarlierAttempt, ...]
    earlier_answers: tuple[EarlierAnswer, ...]

    def placeholders(self, operator_name: str) -> dict[str, str | None]:
        """The values the script's `{placeholders}` are filled with."""
        return {
            "client_name": self.client_name or None,
            "operator_name": operator_name,
            "company": self.selling_company,
            "office_address": self.office_address,
            "client_company": self.company_name,
        }


def display_phone(e164: str) -> str:
    """+79123456789 → +7 912 345-67-89; other numbers stay as stored."""
    if e164.startswith("+7") and len(e164) == 12 and e164[1:].isdigit():
        digits = e164[2:]
        return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    return e164


def load_call_card(
    database: Database,
    lead_id: int,
    operator_id: int | None = None,
    *,
    script_version_id: int | None = None,
) -> CallCard:
    """The lead's card; `operator_id` is who calls (a per-operator script split needs it).

    `script_version_id` reopens a call in the version it was started with (a call restored
    from its draft), as long as that version is still a published one of the script.
    """
    with database.session() as session:
        lead = q.lead_row(session, lead_id)
        if lead is None:
            raise NotFound(f"lead {lead_id} does not exist")
        phones = q.phones_of_contact(session, lead.contact_id)
        attempts = q.attempts_of_lead(session, lead_id)
        answers = q.answers_of_lead(session, lead_id)
        script = _script_version(session, lead, operator_id, script_version_id)
        settings = lead.campaign_settings
        office = settings.get("office_address")
        if not isinstance(office, str):
            name = settings.get("office_name")
            office = q.office_address(session, name if isinstance(name, str) else None)
    zone, guessed = _client_zone(lead, phones)
    company = settings.get("company_name")
    return CallCard(
        lead_id=lead.lead_id,
        contact_id=lead.contact_id,
        client_name=lead.client_name,
        position=lead.position,
        company_name=lead.company_name,
        company_inn=lead.company_inn,
        zone=zone,
        zone_guessed=guessed,
        phones=tuple(
            CardPhone(
                p.phone_id,
                p.e164,
                display_phone(p.e164),
                p.kind,
                p.extension,
                p.zone,
                p.zone_guessed,
            )
            for p in phones
        ),
        list_name=lead.list_name,
        hypothesis=lead.hypothesis,
        campaign_id=lead.campaign_id,
        campaign_name=lead.campaign_name,
        selling_company=company if isinstance(company, str) else None,
        office_address=office or None,
        script=from_document(script.document) if script is not None else None,
        script_version_id=script.version_id if script is not None else None,
        attempts=tuple(
            EarlierAttempt(a.started_at, a.operator, a.disposition, a.reason, a.notes)
            for a in attempts
        ),
        earlier_answers=tuple(
            EarlierAnswer(a.answered_at, a.step_id, a.answer, a.free_text, a.objection_id)
            for a in answers
        ),
    )


def _script_version(
    session: Session, lead: q.LeadRow, operator_id: int | None, started_with: int | None
) -> q.ScriptRow | None:
    """The version the call started with, else the one the campaign's split assigns, else
    the latest published one."""
    if lead.script_id is None:
        return None
    if started_with is not None:
        kept = q.script_version_of(session, lead.script_id, started_with)
        if kept is not None:
            return kept
    split = ScriptSplit.from_settings(lead.campaign_settings.get(SETTINGS_KEY))
    if split is not None:
        version_id = assigned_version(split, lead_id=lead.lead_id, operator_id=operator_id)
        chosen = q.script_version_of(session, lead.script_id, version_id)
        if chosen is not None:
            return chosen
    return q.script_of_campaign(session, lead.script_id)


def _client_zone(lead: q.LeadRow, phones: list[q.PhoneRow]) -> tuple[str, bool]:
    if lead.contact_zone:
        return lead.contact_zone, lead.contact_zone_guessed
    if lead.company_zone:
        return lead.company_zone, False
    for phone in phones:
        if phone.zone:
            return phone.zone, phone.zone_guessed
    return lead.campaign_zone or FALLBACK_ZONE, True


@dataclass(frozen=True, slots=True)
class FilterChoice:
    id: int
    name: str
    campaign_id: int | None = None


@dataclass(frozen=True, slots=True)
class QueueFilters:
    campaigns: tuple[FilterChoice, ...]
    lists: tuple[FilterChoice, ...]


def queue_filters(database: Database) -> QueueFilters:
    """The campaigns and lists an operator may narrow the queue to."""
    with database.session() as session:
        campaigns = q.active_campaigns(session)
        lists = q.lists_with_campaign(session)
    return QueueFilters(
        tuple(FilterChoice(id_, name) for id_, name in campaigns),
        tuple(FilterChoice(id_, name, campaign) for id_, name, campaign in lists),
    )
