"""The queries of messages to clients: template overrides, channel settings, recipients and
the outbox (queue, claim, finish, list).

Functions take the Session of the caller's transaction. Claims run inside `write_session`
(SQLite's write lock at BEGIN); on PostgreSQL they lock the claimed rows with
`FOR UPDATE SKIP LOCKED`, so several senders split the due messages between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    Campaign,
    ChannelSetting,
    ClientPreferences,
    Contact,
    DoNotCall,
    Lead,
    MessageTemplate,
    Office,
    OutgoingMessage,
    Phone,
    Resource,
    Visit,
)

__all__ = [
    "ClaimedMessage",
    "MessageRow",
    "Recipient",
    "VisitFacts",
    "channel_setting",
    "channel_settings",
    "claim_due",
    "count_by_state",
    "delete_template",
    "finish_attempt",
    "insert_message",
    "list_messages",
    "mark_sent",
    "message_for_update",
    "queued_left",
    "recipient",
    "reset_for_retry",
    "save_channel_setting",
    "save_template",
    "template_override",
    "template_overrides",
    "visit_facts",
    "withdraw_queued_for_visit",
]

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"


# --- templates -------------------------------------------------------------------------


def template_override(
    session: Session, code: str, language: str, channel: str
) -> tuple[str | None, str] | None:
    """The edited (subject, body) of one template, or None when the shipped text applies."""
    row = session.execute(
        select(MessageTemplate.subject, MessageTemplate.body).where(
            MessageTemplate.code == code,
            MessageTemplate.language == language,
            MessageTemplate.channel == channel,
        )
    ).first()
    return None if row is None else (row[0], row[1])


def template_overrides(session: Session) -> dict[tuple[str, str, str], tuple[str | None, str]]:
    """Every edited template by (code, language, channel)."""
    rows = session.execute(
        select(
            MessageTemplate.code,
            MessageTemplate.language,
            MessageTemplate.channel,
            MessageTemplate.subject,
            MessageTemplate.body,
        )
    ).all()
    return {(code, lang, channel): (subject, body) for code, lang, channel, subject, body in rows}


def save_template(
    session: Session, code: str, language: str, channel: str, subject: str | None, body: str
) -> None:
    existing = session.scalars(
        select(MessageTemplate)
        .where(
            MessageTemplate.code == code,
            MessageTemplate.language == language,
            MessageTemplate.channel == channel,
        )
        .with_for_update()
    ).first()
    if existing is None:
        session.add(
            MessageTemplate(
                code=code, language=language, channel=channel, subject=subject, body=body
            )
        )
    else:
        existing.subject = subject
        existing.body = body
    session.flush()


def delete_template(session: Session, code: str, language: str, channel: str) -> bool:
    result = session.execute(
        delete(MessageTemplate).where(
            MessageTemplate.code == code,
            MessageTemplate.language == language,
            MessageTemplate.channel == channel,
        )
    )
    return bool(getattr(result, "rowcount", 0))


# --- channel settings ------------------------------------------------------------------


def channel_setting(session: Session, channel: str) -> tuple[bool, dict[str, Any]] | None:
    row = session.execute(
        select(ChannelSetting.enabled, ChannelSetting.config).where(
            ChannelSetting.channel == channel
        )
    ).first()
    return None if row is None else (bool(row[0]), dict(row[1] or {}))


def channel_settings(session: Session) -> dict[str, tuple[bool, dict[str, Any]]]:
    rows = session.execute(
        select(ChannelSetting.channel, ChannelSetting.enabled, ChannelSetting.config)
    ).all()
    return {channel: (bool(enabled), dict(config or {})) for channel, enabled, config in rows}


def save_channel_setting(
    session: Session, channel: str, enabled: bool, config: dict[str, Any], now: dt.datetime
) -> None:
    existing = session.scalars(
        select(ChannelSetting).where(ChannelSetting.channel == channel).with_for_update()
    ).first()
    if existing is None:
        session.add(ChannelSetting(channel=channel, enabled=enabled, config=config, updated_at=now))
    else:
        existing.enabled = enabled
        existing.config = config
        existing.updated_at = now
    session.flush()


# --- recipients and visits -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message goes to and where: the contact's addresses and zones."""

    contact_id: int
    full_name: str
    email: str | None
    mobile_phones: tuple[str, ...]  # E.164, not on the do-not-call list, mobile first
    other_phones: tuple[str, ...]
    preferred_channel: str | None
    lead_zone: str | None
    campaign_zone: str | None
    contact_zone: str | None


def recipient(session: Session, contact_id: int, lead_id: int | None) -> Recipient | None:
    contact = session.execute(
        select(Contact.full_name, Contact.email, Contact.time_zone).where(Contact.id == contact_id)
    ).first()
    if contact is None:
        return None
    blocked = select(DoNotCall.e164).where(DoNotCall.e164 == Phone.e164).exists()
    phones = session.execute(
        select(Phone.e164, Phone.kind)
        .where(Phone.contact_id == contact_id, ~blocked)
        .order_by(Phone.id)
    ).all()
    preferred = session.scalar(
        select(ClientPreferences.channel).where(ClientPreferences.contact_id == contact_id)
    )
    lead_zone = campaign_zone = None
    if lead_id is not None:
        zones = session.execute(
            select(Lead.client_zone, Campaign.time_zone)
            .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
            .where(Lead.id == lead_id)
        ).first()
        if zones is not None:
            lead_zone, campaign_zone = zones
    return Recipient(
        contact_id=contact_id,
        full_name=contact[0] or "",
        email=(contact[1] or "").strip() or None,
        mobile_phones=tuple(e164 for e164, kind in phones if kind == "mobile"),
        other_phones=tuple(e164 for e164, kind in phones if kind != "mobile"),
        preferred_channel=preferred,
        lead_zone=lead_zone,
        campaign_zone=campaign_zone,
        contact_zone=contact[2],
    )


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What a message about one visit tells the client."""

    visit_id: int
    starts_at: dt.datetime
    office_name: str
    office_address: str
    directions: str | None
    office_phone: str | None
    office_zone: str
    resource_name: str
    client_name: str
    campaign_name: str | None
    campaign_settings: dict[str, Any]


def visit_facts(session: Session, visit_id: int) -> VisitFacts | None:
    row = session.execute(
        select(
            Visit.starts_at,
            Office.name,
            Office.address,
            Office.directions,
            Office.phone,
            Office.time_zone,
            Resource.name,
            Contact.full_name,
            Campaign.name,
            Campaign.settings,
        )
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
        .join(Lead, Lead.id == Visit.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(Visit.id == visit_id)
    ).first()
    if row is None:
        return None
    return VisitFacts(
        visit_id=visit_id,
        starts_at=row[0],
        office_name=row[1],
        office_address=row[2] or "",
        directions=row[3],
        office_phone=row[4],
        office_zone=row[5] or "Europe/Moscow",
        resource_name=row[6],
        client_name=row[7] or "",
        campaign_name=row[8],
        campaign_settings=dict(row[9] or {}),
    )


# --- the outbox ------------------------------------------------------------------------


def insert_message(
    session: Session,
    *,
    contact_id: int,
    lead_id: int | None,
    visit_id: int | None,
    channel: str,
    address: str,
    template_code: str | None,
    subject: str | None,
    body: str,
    send_after: dt.datetime,
    now: dt.datetime,
) -> int:
    message = OutgoingMessage(
        contact_id=contact_id,
        lead_id=lead_id,
        visit_id=visit_id,
        channel=channel,
        address=address,
        template_code=template_code,
        subject=subject,
        body=body,
        state=QUEUED,
        attempts=0,
        send_after=send_after,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message.id


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    message_id: int
    channel: str
    address: str
    subject: str | None
    body: str
    attempt: int  # this attempt's number, 1 for the first; the claim's token
    zones: tuple[str | None, ...]  # the client's zone candidates: lead, campaign, contact


def claim_due(
    session: Session,
    *,
    now: dt.datetime,
    channels: Collection[str],
    limit: int,
    lease_until: dt.datetime,
) -> list[ClaimedMessage]:
    """Take up to `limit` due queued messages of these channels for one sender.

    A claimed message stays queued but is hidden until `lease_until` (a sender that dies
    mid-way leaves it to be retried then) and counts the attempt; only the claimant, which
    knows the attempt number, can finish it.
    """
    if not channels or limit <= 0:
        return []
    query = (
        select(
            OutgoingMessage.id,
            OutgoingMessage.channel,
            OutgoingMessage.address,
            OutgoingMessage.subject,
            OutgoingMessage.body,
            OutgoingMessage.attempts,
            Lead.client_zone,
            Campaign.time_zone,
            Contact.time_zone,
        )
        .join(Contact, Contact.id == OutgoingMessage.contact_id)
        .outerjoin(Lead, Lead.id == OutgoingMessage.lead_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .where(
            OutgoingMessage.state == QUEUED,
            OutgoingMessage.send_after <= now,
            OutgoingMessage.channel.in_(list(channels)),
        )
        .order_by(OutgoingMessage.send_after, OutgoingMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutgoingMessage)
    rows = session.execute(query).all()
    if not rows:
        return []
    session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id.in_([row[0] for row in rows]))
        .values(attempts=OutgoingMessage.attempts + 1, send_after=lease_until)
    )
    return [
        ClaimedMessage(
            row[0], row[1], row[2], row[3], row[4], int(row[5] or 0) + 1, (row[6], row[7], row[8])
        )
        for row in rows
    ]


def finish_attempt(
    session: Session,
    claimed: ClaimedMessage,
    *,
    sent_at: dt.datetime | None,
    error: str | None,
    retry_at: dt.datetime | None,
    deferred: bool = False,
) -> bool:
    """Record how a claimed attempt ended: sent (sent_at), to be retried (retry_at), failed,
    or not attempted after all (deferred to retry_at, the attempt not counted).

    False when the claim was lost (its lease ran out and another sender took the message).
    """
    values: dict[str, Any]
    if deferred:
        values = {"send_after": retry_at, "attempts": claimed.attempt - 1}
    elif sent_at is not None:
        values = {"state": SENT, "sent_at": sent_at, "last_error": None}
    elif retry_at is not None:
        values = {"state": QUEUED, "send_after": retry_at, "last_error": error}
    else:
        values = {"state": FAILED, "last_error": error}
    result = session.execute(
        update(OutgoingMessage)
        .where(
            OutgoingMessage.id == claimed.message_id,
            OutgoingMessage.state == QUEUED,
            OutgoingMessage.attempts == claimed.attempt,
        )
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


def message_for_update(session: Session, message_id: int) -> OutgoingMessage | None:
    return session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.id == message_id).with_for_update()
    ).first()


def mark_sent(session: Session, message: OutgoingMessage, at: dt.datetime) -> None:
    message.state = SENT
    message.sent_at = at
    message.last_error = None
    session.flush()


def reset_for_retry(session: Session, message: OutgoingMessage, at: dt.datetime) -> None:
    message.state = QUEUED
    message.attempts = 0
    message.send_after = at
    session.flush()


@dataclass(frozen=True, slots=True)
class MessageRow:
    message_id: int
    contact_id: int
    client_name: str
    lead_id: int | None
    visit_id: int | None
    channel: str
    address: str
    template_code: str | None
    subject: str | None
    body: str
    state: str
    attempts: int
    last_error: str | None
    send_after: dt.datetime
    sent_at: dt.datetime | None
    created_at: dt.datetime


def _message_rows(session: Session, where: Sequence[Any], limit: int) -> list[MessageRow]:
    rows = session.execute(
        select(
            OutgoingMessage.id,
            OutgoingMessage.contact_id,
            Contact.full_name,
            OutgoingMessage.lead_id,
            OutgoingMessage.visit_id,
            OutgoingMessage.channel,
            OutgoingMessage.address,
            OutgoingMessage.template_code,
            OutgoingMessage.subject,
            OutgoingMessage.body,
            OutgoingMessage.state,
            OutgoingMessage.attempts,
            OutgoingMessage.last_error,
            OutgoingMessage.send_after,
            OutgoingMessage.sent_at,
            OutgoingMessage.created_at,
        )
        .join(Contact, Contact.id == OutgoingMessage.contact_id)
        .where(*where)
        .order_by(OutgoingMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        MessageRow(
            message_id=r[0],
            contact_id=r[1],
            client_name=r[2] or "",
            lead_id=r[3],
            visit_id=r[4],
            channel=r[5],
            address=r[6],
            template_code=r[7],
            subject=r[8],
            body=r[9],
            state=r[10],
            attempts=int(r[11] or 0),
            last_error=r[12],
            send_after=r[13],
            sent_at=r[14],
            created_at=r[15],
        )
        for r in rows
    ]


def list_messages(
    session: Session,
    *,
    state: str | None = None,
    visit_id: int | None = None,
    message_id: int | None = None,
    limit: int = 500,
) -> list[MessageRow]:
    """Messages, newest first."""
    where: list[Any] = []
    if state is not None:
        where.append(OutgoingMessage.state == state)
    if visit_id is not None:
        where.append(OutgoingMessage.visit_id == visit_id)
    if message_id is not None:
        where.append(OutgoingMessage.id == message_id)
    return _message_rows(session, where, limit)


def count_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(OutgoingMessage.state, func.count()).group_by(OutgoingMessage.state)
    ).all()
    return {state: int(count) for state, count in rows}


def queued_left(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(OutgoingMessage).where(OutgoingMessage.state == QUEUED)
        )
        or 0
    )


def withdraw_queued_for_visit(
    session: Session, visit_id: int, except_codes: Collection[str] = ()
) -> int:
    """Delete the visit's messages not sent yet (nothing about a cancelled visit goes out)."""
    query = delete(OutgoingMessage).where(
        OutgoingMessage.visit_id == visit_id, OutgoingMessage.state == QUEUED
    )
    if except_codes:
        query = query.where(
            OutgoingMessage.template_code.is_(None)
            | OutgoingMessage.template_code.not_in(list(except_codes))
        )
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
