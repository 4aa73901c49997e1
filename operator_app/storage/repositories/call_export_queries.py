"""The query of exporting calls: one row per finished call, streamed in start order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Company,
    Contact,
    Disposition,
    Lead,
    LeadList,
    Phone,
    Script,
    ScriptVersion,
    User,
)

__all__ = ["CallExportRow", "finished_calls_started_between"]

_BATCH: Final = 2000


@dataclass(frozen=True, slots=True)
class CallExportRow:
    call_id: int
    started_at: dt.datetime  # UTC
    ended_at: dt.datetime | None
    operator_login: str | None
    operator_name: str | None
    campaign: str | None
    list_name: str | None
    client: str
    company: str | None
    phone: str | None  # the number dialled, else the contact's first
    disposition: str
    disposition_label: str | None  # from the lead's campaign
    reason: str | None
    talk_seconds: int
    script: str | None
    script_version: int | None
    last_step_id: str | None
    callback_at: dt.datetime | None
    notes: str | None


def finished_calls_started_between(
    session: Session,
    starts_from: dt.datetime,
    starts_before: dt.datetime,
    *,
    operator_id: int | None = None,
    campaign_id: int | None = None,
) -> Iterator[CallExportRow]:
    """Calls with a disposition and starts_from <= started_at < starts_before, oldest first.

    Rows are fetched in batches as the caller iterates: consume them inside the session.
    """
    dialled = aliased(Phone)
    first_phone = (
        select(Phone.e164)
        .where(Phone.contact_id == Contact.id)
        .order_by(Phone.id)
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    statement = (
        select(
            CallAttempt.id,
            CallAttempt.started_at,
            CallAttempt.ended_at,
            User.login,
            User.display_name,
            Campaign.name,
            LeadList.name,
            Contact.full_name,
            Company.name,
            func.coalesce(dialled.e164, first_phone),
            CallAttempt.disposition,
            Disposition.label,
            CallAttempt.reason,
            CallAttempt.talk_seconds,
            Script.name,
            ScriptVersion.version,
            CallAttempt.last_step_id,
            CallAttempt.callback_at,
            CallAttempt.notes,
        )
        .join(Lead, Lead.id == CallAttempt.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Company, Company.id == Contact.company_id)
        .outerjoin(User, User.id == CallAttempt.operator_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(LeadList, LeadList.id == Lead.list_id)
        .outerjoin(dialled, dialled.id == CallAttempt.phone_id)
        .outerjoin(
            Disposition,
            and_(
                Disposition.campaign_id == Lead.campaign_id,
                Disposition.code == CallAttempt.disposition,
            ),
        )
        .outerjoin(ScriptVersion, ScriptVersion.id == CallAttempt.script_version_id)
        .outerjoin(Script, Script.id == ScriptVersion.script_id)
        .where(
            CallAttempt.started_at >= starts_from,
            CallAttempt.started_at < starts_before,
            CallAttempt.disposition.is_not(None),
        )
        .order_by(CallAttempt.started_at, CallAttempt.id)
    )
    if operator_id is not None:
        statement = statement.where(CallAttempt.operator_id == operator_id)
    if campaign_id is not None:
        statement = statement.where(Lead.campaign_id == campaign_id)
    result = session.execute(statement.execution_options(yield_per=_BATCH)).tuples()
    for (
        call_id,
        started_at,
        ended_at,
        operator_login,
        operator_name,
        campaign,
        list_name,
        client,
        company,
        phone,
        disposition,
        disposition_label,
        reason,
        talk_seconds,
        script,
        script_version,
        last_step_id,
        callback_at,
        notes,
    ) in result:
        yield CallExportRow(
            call_id=call_id,
            started_at=started_at,
            ended_at=ended_at,
            operator_login=operator_login,
            operator_name=operator_name,
            campaign=campaign,
            list_name=list_name,
            client=client,
            company=company,
            phone=phone,
            disposition=disposition or "",
            disposition_label=disposition_label,
            reason=reason,
            talk_seconds=talk_seconds,
            script=script,
            script_version=script_version,
            last_step_id=last_step_id,
            callback_at=callback_at,
            notes=notes,
        )
