"""The outbox: messages to clients are queued in the transaction that decides them, and sent
later by `send_due` (the `operator-app outbox send` command, or a timer in the app).

Queueing checks the client's reminder consent and finds an address; the time to send is moved
out of the channel's quiet hours in the client's zone. Sending claims due messages so several
senders never take the same one, delivers each outside any transaction, and records the
outcome; a failed attempt is retried after 5 minutes, 30 minutes and 2 hours, then the
message stays failed with its last error until someone retries it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from operator_app.core.consent import reminder_consent_granted
from operator_app.core.errors import (
    NotFound,
    OperatorAppError,
    PermissionDenied,
    ValidationFailed,
)
from operator_app.core.messaging.channel_settings import (
    CONFIGURABLE_CHANNELS,
    ChannelSettings,
    channel_settings_in_session,
    quiet_hours_in_session,
)
from operator_app.core.messaging.channels import (
    MESSAGE_CHANNELS,
    OutboundMessage,
    Sender,
    SendFailed,
)
from operator_app.core.messaging.http_gateway import GatewayAdapter, GatewaySender, JsonPostAdapter
from operator_app.core.messaging.manual import manual_link
from operator_app.core.messaging.quiet_hours import (
    QuietHours,
    shift_out_of_quiet_hours,
    zone_or_default,
)
from operator_app.core.messaging.render import format_visit_date, format_visit_time
from operator_app.core.messaging.smtp import SmtpSender
from operator_app.core.messaging.templates import (
    TemplateNotFound,
    render_message,
    resolve_in_session,
)
from operator_app.core.roles import Actor, Permission
from operator_app.core.settings import LANGUAGES
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry
from operator_app.storage.repositories import message_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "CLAIM_LEASE",
    "RETRY_BACKOFF",
    "MessageStateError",
    "MessageView",
    "Outbox",
    "QueuedMessage",
    "SendReport",
    "choose_channel",
    "visit_context_in_session",
]

RETRY_BACKOFF = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1
# Longer than any send can take (timeouts are at most 300 s): a claimed message is hidden
# from other senders this long, and offered again only if its sender died.
CLAIM_LEASE = dt.timedelta(minutes=15)
CLAIM_BATCH = 10
FINISH_TRIES = 3
AUDIT_ENTITY = "message"
ERROR_MAX = 1000

_CLIENT_FALLBACK = {"ru": "уважаемый клиент", "en": "dear client"}


class MessageStateError(OperatorAppError):
    """The message is not in a state that allows this (e.g. retrying one already sent)."""

    def __init__(self, message_id: int, state: str, action: str) -> None:
        self.message_id = message_id
        self.state = state
        self.action = action
        super().__init__(f"message {message_id} is {state}: cannot {action}")


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    message_id: int
    contact_id: int
    lead_id: int | None
    visit_id: int | None
    channel: str
    address: str
    template_code: str
    subject: str | None
    body: str
    send_after: dt.datetime


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    failed: int  # failed for good in this run
    retried: int  # failed this time, another attempt scheduled
    left: int  # still queued after the run (later, retries, manual, disabled channels)

    def to_json(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "retried": self.retried,
            "left": self.left,
        }


@dataclass(frozen=True, slots=True)
class MessageView:
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

    def outbound(self) -> OutboundMessage:
        return OutboundMessage(self.message_id, self.channel, self.address, self.subject, self.body)

    @property
    def link(self) -> str:
        """The `mailto:` / `sms:` link for sending it by hand."""
        return manual_link(self.outbound())


def _view(row: q.MessageRow) -> MessageView:
    return MessageView(
        message_id=row.message_id,
        contact_id=row.contact_id,
        client_name=row.client_name,
        lead_id=row.lead_id,
        visit_id=row.visit_id,
        channel=row.channel,
        address=row.address,
        template_code=row.template_code,
        subject=row.subject,
        body=row.body,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        send_after=row.send_after,
        sent_at=row.sent_at,
        created_at=row.created_at,
    )


def choose_channel(recipient: q.Recipient, channel: str | None) -> tuple[str, str] | None:
    """(channel, address) for the message, or None when the client has no usable address.

    Asked for a channel: that channel only. Otherwise the client's preferred channel when it
    has an address, else e-mail, else SMS to a mobile, else manual sending to any number.
    """
    phones = recipient.mobile_phones + recipient.other_phones

    def address_for(candidate: str) -> str | None:
        if candidate == "email":
            return recipient.email
        if candidate in ("sms", "messenger"):
            return recipient.mobile_phones[0] if recipient.mobile_phones else None
        if candidate == "manual":
            return recipient.email or (phones[0] if phones else None)
        return None

    if channel is not None:
        address = address_for(channel)
        return None if address is None else (channel, address)
    candidates = []
    if recipient.preferred_channel in MESSAGE_CHANNELS:
        candidates.append(recipient.preferred_channel)
    candidates += ["email", "sms", "manual"]
    for candidate in candidates:
        address = address_for(candidate)
        if address is not None:
            return candidate, address
    return None


def visit_context_in_session(session: Session, visit_id: int, language: str) -> dict[str, str]:
    """Every placeholder's value for a message about this visit (time in the office's zone)."""
    facts = q.visit_facts(session, visit_id)
    if facts is None:
        raise NotFound(f"visit {visit_id} does not exist")
    local = facts.starts_at.astimezone(zone_or_default(facts.office_zone))
    company = facts.campaign_settings.get("company_name")
    return {
        "client_name": facts.client_name or _CLIENT_FALLBACK.get(language, ""),
        "visit_date": format_visit_date(local.date(), language),
        "visit_time": format_visit_time(local),
        "office_name": facts.office_name,
        "office_address": facts.office_address,
        "directions": facts.directions or "",
        "office_phone": facts.office_phone or "",
        "resource_name": facts.resource_name,
        "company_name": company if isinstance(company, str) and company else facts.office_name,
    }


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(body: str) -> str:
    """Empty optional values leave trailing spaces and blank lines; drop them."""
    lines = [line.rstrip() for line in body.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


class Outbox:
    def __init__(
        self, database: Database, *, adapters: Mapping[str, GatewayAdapter] | None = None
    ) -> None:
        """`adapters` replace the JSON POST adapter for a gateway channel (sms, messenger)."""
        self._db = database
        self._adapters = dict(adapters or {})

    # --- queueing -------------------------------------------------------------------------

    def queue_in_session(
        self,
        session: Session,
        *,
        contact_id: int,
        lead_id: int | None,
        visit_id: int | None,
        template_code: str,
        context: Mapping[str, str],
        channel: str | None = None,
        language: str = "ru",
        not_before: dt.datetime,
        now: dt.datetime,
    ) -> QueuedMessage | None:
        """Queue one message in the caller's transaction; None (nothing queued) without the
        client's reminder consent or an address for the channel.

        Values come from the visit (when given) and then `context`, which wins. Raises
        MissingPlaceholder rather than queue a text with a `{name}` left in it.
        """
        if channel is not None and channel not in MESSAGE_CHANNELS:
            raise ValidationFailed("channel", "unknown", f"unknown channel {channel!r}")
        if language not in LANGUAGES:
            raise TemplateNotFound(template_code, language, channel or "any")
        if not reminder_consent_granted(session, contact_id):
            return None
        recipient = q.recipient(session, contact_id, lead_id)
        if recipient is None:
            return None
        chosen = choose_channel(recipient, channel)
        if chosen is None:
            return None
        channel, address = chosen
        values = {"client_name": recipient.full_name or _CLIENT_FALLBACK[language]}
        if visit_id is not None:
            values.update(visit_context_in_session(session, visit_id, language))
        values.update(context)
        text = render_message(
            resolve_in_session(session, template_code, language, channel, address), values
        )
        zone = zone_or_default(recipient.lead_zone, recipient.campaign_zone, recipient.contact_zone)
        send_after = shift_out_of_quiet_hours(
            max(not_before, now), zone, quiet_hours_in_session(session, channel)
        )
        body = _tidy(text.body)
        message_id = q.insert_message(
            session,
            contact_id=contact_id,
            lead_id=lead_id,
            visit_id=visit_id,
            channel=channel,
            address=address,
            template_code=template_code,
            subject=text.subject if "@" in address else None,
            body=body,
            send_after=send_after,
            now=now,
        )
        return QueuedMessage(
            message_id=message_id,
            contact_id=contact_id,
            lead_id=lead_id,
            visit_id=visit_id,
            channel=channel,
            address=address,
            template_code=template_code,
            subject=text.subject if "@" in address else None,
            body=body,
            send_after=send_after,
        )

    def withdraw_for_visit_in_session(
        self, session: Session, visit_id: int, *, except_codes: tuple[str, ...] = ()
    ) -> int:
        """Drop the visit's messages not sent yet (when it is cancelled or moved); the count."""
        return q.withdraw_queued_for_visit(session, visit_id, except_codes)

    # --- sending --------------------------------------------------------------------------

    def send_due(self, *, now: dt.datetime | None = None, limit: int = 100) -> SendReport:
        """Send up to `limit` due messages once; safe to run from several places at once."""
        moment = now or utcnow()
        with self._db.session() as session:
            settings = {c: channel_settings_in_session(session, c) for c in CONFIGURABLE_CHANNELS}
        senders = self._senders(settings)
        sent = failed = retried = handled = 0
        while handled < limit:
            with write_session(self._db) as session:
                claimed = q.claim_due(
                    session,
                    now=moment,
                    channels=tuple(senders),
                    limit=min(CLAIM_BATCH, limit - handled),
                    lease_until=moment + CLAIM_LEASE,
                )
            if not claimed:
                break
            handled += len(claimed)
            for message in claimed:
                outcome = self._attempt(
                    senders[message.channel], settings[message.channel], message, moment
                )
                sent += outcome == "sent"
                failed += outcome == "failed"
                retried += outcome == "retried"
        with self._db.session() as session:
            left = q.queued_left(session)
        return SendReport(sent=sent, failed=failed, retried=retried, left=left)

    def _senders(self, settings: Mapping[str, ChannelSettings]) -> dict[str, Sender]:
        senders: dict[str, Sender] = {}
        for channel, channel_settings in settings.items():
            if not channel_settings.enabled:
                continue
            try:
                if channel == "email":
                    senders[channel] = SmtpSender(channel_settings.smtp())
                elif channel in self._adapters:
                    senders[channel] = GatewaySender(self._adapters[channel])
                else:
                    senders[channel] = GatewaySender(JsonPostAdapter(channel_settings.gateway()))
            except ValidationFailed:
                continue  # an unusable configuration: its messages wait until it is fixed
        return senders

    def _attempt(
        self,
        sender: Sender,
        settings: ChannelSettings,
        message: q.ClaimedMessage,
        moment: dt.datetime,
    ) -> str:
        quiet: QuietHours = settings.quiet_hours
        later = shift_out_of_quiet_hours(moment, zone_or_default(*message.zones), quiet)
        if later > moment:  # a retry or a late run fell into the night: wait for the morning
            self._finish(message, sent_at=None, error=None, retry_at=later, deferred=True)
            return "deferred"
        try:
            sender.send(
                OutboundMessage(
                    message.message_id,
                    message.channel,
                    message.address,
                    message.subject,
                    message.body,
                )
            )
        except SendFailed as error:
            return self._failed(message, str(error), moment)
        except Exception as error:  # a third-party adapter's bug must not stop the others
            return self._failed(message, f"{type(error).__name__}: {error}", moment)
        self._finish(message, sent_at=utcnow(), error=None, retry_at=None)
        return "sent"

    def _failed(self, message: q.ClaimedMessage, error: str, moment: dt.datetime) -> str:
        error = " ".join(error.split())[:ERROR_MAX]
        if message.attempt >= MAX_ATTEMPTS:
            self._finish(message, sent_at=None, error=error, retry_at=None)
            return "failed"
        retry_at = moment + RETRY_BACKOFF[message.attempt - 1]
        self._finish(message, sent_at=None, error=error, retry_at=retry_at)
        return "retried"

    def _finish(
        self,
        message: q.ClaimedMessage,
        *,
        sent_at: dt.datetime | None,
        error: str | None,
        retry_at: dt.datetime | None,
        deferred: bool = False,
    ) -> None:
        # The message may already be out: losing this record would send it again when the
        # claim's lease ends, so a busy or briefly broken database gets a few more tries.
        for attempt in range(FINISH_TRIES):
            try:
                with write_session(self._db) as session:
                    q.finish_attempt(
                        session,
                        message,
                        sent_at=sent_at,
                        error=error,
                        retry_at=retry_at,
                        deferred=deferred,
                    )
                return
            except OperationalError:
                if attempt == FINISH_TRIES - 1:
                    raise

    # --- people acting on messages --------------------------------------------------------

    def retry(self, actor: Actor, message_id: int, *, now: dt.datetime | None = None) -> None:
        """Queue a failed message again, with a fresh set of attempts, due at once."""
        _require_message_fixer(actor)
        moment = now or utcnow()
        with write_session(self._db) as session:
            message = q.message_for_update(session, message_id)
            if message is None:
                raise NotFound(f"message {message_id} does not exist")
            if message.state != q.FAILED:
                raise MessageStateError(message_id, message.state, "retry")
            q.reset_for_retry(session, message, moment)
            _audit(session, actor, message_id, "retry", q.FAILED, {"state": q.QUEUED})

    def mark_sent_manually(
        self, actor: Actor, message_id: int, *, now: dt.datetime | None = None
    ) -> None:
        """The operator sent the text themselves (copied it, or used the link)."""
        _require_message_fixer(actor)
        moment = now or utcnow()
        with write_session(self._db) as session:
            message = q.message_for_update(session, message_id)
            if message is None:
                raise NotFound(f"message {message_id} does not exist")
            if message.state == q.SENT:
                raise MessageStateError(message_id, message.state, "mark it sent")
            before = message.state
            q.mark_sent(session, message, moment)
            _audit(
                session, actor, message_id, "sent_manually", before, {"state": q.SENT, "by": "hand"}
            )

    # --- reading --------------------------------------------------------------------------

    def messages(
        self, *, state: str | None = None, visit_id: int | None = None, limit: int = 500
    ) -> list[MessageView]:
        """Messages, newest first."""
        with self._db.session() as session:
            rows = q.list_messages(session, state=state, visit_id=visit_id, limit=limit)
        return [_view(row) for row in rows]

    def message(self, message_id: int) -> MessageView:
        with self._db.session() as session:
            rows = q.list_messages(session, message_id=message_id, limit=1)
        if not rows:
            raise NotFound(f"message {message_id} does not exist")
        return _view(rows[0])

    def counts(self) -> dict[str, int]:
        """How many messages are queued, sent and failed."""
        with self._db.session() as session:
            found = q.count_by_state(session)
        return {state: found.get(state, 0) for state in (q.QUEUED, q.SENT, q.FAILED)}


def _require_message_fixer(actor: Actor) -> None:
    """Operators resend and hand-send their clients' messages; admins, who configure the
    channels, fix the failures those caused."""
    if not (actor.can(Permission.WORK_QUEUE) or actor.can(Permission.MANAGE_CAMPAIGNS)):
        raise PermissionDenied(Permission.WORK_QUEUE.value, actor.role.value)


def _audit(
    session: Session,
    actor: Actor,
    message_id: int,
    action: str,
    before: str | None,
    after: dict[str, str],
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            entity=AUDIT_ENTITY,
            entity_id=message_id,
            action=action,
            before=None if before is None else {"state": before},
            after=after,
        )
    )
