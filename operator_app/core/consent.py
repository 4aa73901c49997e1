"""Consent to personal-data processing and to reminder messages: who took it, when, and how.

Consents are never edited: every grant or withdrawal is a new record and the latest record
of a kind is the contact's current answer. `require_reminder_consent` is the one gate every
reminder sender must pass (`reminder_consent_granted` is the same check inside a session the
sender already has open).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, OperatorAppError, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import Consent, Contact, User

__all__ = [
    "ConsentChannel",
    "ConsentGiven",
    "ConsentKind",
    "ConsentMissing",
    "ConsentRecord",
    "ConsentService",
    "ConsentState",
    "ConsentSummary",
    "add_consent",
    "reminder_consent_granted",
]


class ConsentKind(StrEnum):
    PERSONAL_DATA = "personal_data"
    REMINDERS = "reminders"


class ConsentChannel(StrEnum):
    """How the client gave (or withdrew) consent."""

    PHONE_CALL = "phone_call"
    SMS = "sms"
    EMAIL = "email"
    MESSENGER = "messenger"
    WRITTEN = "written"


class ConsentMissing(OperatorAppError):
    """A message needs the client's consent and the client has not given it (or withdrew it)."""

    def __init__(self, contact_id: int, kind: ConsentKind, withdrawn: bool) -> None:
        self.contact_id = contact_id
        self.kind = kind
        self.withdrawn = withdrawn
        how = "withdrew" if withdrawn else "never gave"
        super().__init__(f"contact {contact_id} {how} consent to {kind.value.replace('_', ' ')}")


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    consent_id: int
    kind: ConsentKind
    granted: bool
    channel: ConsentChannel | None
    taken_by_id: int | None
    taken_by_name: str | None
    taken_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ConsentState:
    """The contact's current answer for one kind: `latest` is None when never asked."""

    kind: ConsentKind
    latest: ConsentRecord | None

    @property
    def granted(self) -> bool:
        return self.latest is not None and self.latest.granted

    @property
    def withdrawn(self) -> bool:
        return self.latest is not None and not self.latest.granted


@dataclass(frozen=True, slots=True)
class ConsentSummary:
    contact_id: int
    personal_data: ConsentState
    reminders: ConsentState

    def of(self, kind: ConsentKind) -> ConsentState:
        return self.personal_data if kind is ConsentKind.PERSONAL_DATA else self.reminders


def _latest(session: Session, contact_id: int, kind: ConsentKind) -> ConsentRecord | None:
    row = session.execute(
        select(Consent, User.display_name)
        .outerjoin(User, User.id == Consent.taken_by_id)
        .where(Consent.contact_id == contact_id, Consent.kind == kind.value)
        .order_by(Consent.taken_at.desc(), Consent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    consent, name = row
    return ConsentRecord(
        consent_id=consent.id,
        kind=kind,
        granted=bool(consent.granted),
        channel=_channel_or_none(consent.channel),
        taken_by_id=consent.taken_by_id,
        taken_by_name=name,
        taken_at=consent.taken_at,
    )


def _channel_or_none(value: str | None) -> ConsentChannel | None:
    try:
        return ConsentChannel(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ConsentGiven:
    """A grant or withdrawal heard in this conversation, to be recorded."""

    kind: ConsentKind
    granted: bool
    channel: ConsentChannel


def add_consent(
    session: Session,
    actor: Actor,
    contact_id: int,
    given: ConsentGiven,
    at: dt.datetime | None = None,
) -> ConsentRecord:
    """Write one consent record in the caller's transaction (the contact form saves the
    contact and the consents heard together)."""
    consent = Consent(
        contact_id=contact_id,
        kind=ConsentKind(given.kind).value,
        granted=given.granted,
        channel=ConsentChannel(given.channel).value,
        taken_by_id=actor.user_id,
        taken_at=at or utcnow(),
    )
    session.add(consent)
    session.flush()
    return ConsentRecord(
        consent_id=consent.id,
        kind=ConsentKind(given.kind),
        granted=given.granted,
        channel=ConsentChannel(given.channel),
        taken_by_id=actor.user_id,
        taken_by_name=actor.display_name,
        taken_at=consent.taken_at,
    )


def reminder_consent_granted(session: Session, contact_id: int) -> bool:
    """Whether the contact's latest reminder consent is a grant, read in the caller's session."""
    latest = _latest(session, contact_id, ConsentKind.REMINDERS)
    return latest is not None and latest.granted


class ConsentService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def record(
        self,
        actor: Actor,
        contact_id: int,
        kind: ConsentKind,
        granted: bool,
        channel: ConsentChannel,
        *,
        at: dt.datetime | None = None,
    ) -> ConsentRecord:
        """Record a grant or a withdrawal taken by `actor` now (or at `at`, for paper forms
        entered later). Raises NotFound for an unknown contact."""
        require(actor, Permission.WORK_QUEUE)
        if at is not None and at.tzinfo is None:
            raise ValidationFailed("taken_at", "naive", "the consent time needs a time zone")
        with self._db.session() as session:
            if session.get(Contact, contact_id) is None:
                raise NotFound(f"contact {contact_id} does not exist")
            return add_consent(session, actor, contact_id, ConsentGiven(kind, granted, channel), at)

    def current(self, contact_id: int) -> ConsentSummary:
        """The contact's current consents; the latest record of each kind wins."""
        with self._db.session() as session:
            return ConsentSummary(
                contact_id=contact_id,
                personal_data=ConsentState(
                    ConsentKind.PERSONAL_DATA,
                    _latest(session, contact_id, ConsentKind.PERSONAL_DATA),
                ),
                reminders=ConsentState(
                    ConsentKind.REMINDERS, _latest(session, contact_id, ConsentKind.REMINDERS)
                ),
            )

    def history(self, actor: Actor, contact_id: int) -> list[ConsentRecord]:
        """Every consent record of the contact, newest first."""
        require(actor, Permission.WORK_QUEUE)
        with self._db.session() as session:
            rows = session.execute(
                select(Consent, User.display_name)
                .outerjoin(User, User.id == Consent.taken_by_id)
                .where(Consent.contact_id == contact_id)
                .order_by(Consent.taken_at.desc(), Consent.id.desc())
            ).all()
        return [
            ConsentRecord(
                c.id,
                ConsentKind(c.kind),
                bool(c.granted),
                _channel_or_none(c.channel),
                c.taken_by_id,
                name,
                c.taken_at,
            )
            for c, name in rows
        ]

    def may_send_reminder(self, contact_id: int) -> bool:
        """Whether a reminder message may be sent to the contact now."""
        with self._db.session() as session:
            return reminder_consent_granted(session, contact_id)

    def require_reminder_consent(self, contact_id: int) -> None:
        """The gate before any reminder message. Raises ConsentMissing without consent."""
        state = self.current(contact_id).reminders
        if not state.granted:
            raise ConsentMissing(contact_id, ConsentKind.REMINDERS, state.withdrawn)
