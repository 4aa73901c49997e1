"""Message templates and the outbox of messages to clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class MessageTemplate(Base):
    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("code", "language", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # booking_confirmation | not_reached | ...
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(12))  # email | sms | messenger | manual
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class OutgoingMessage(Base):
    __tablename__ = "outgoing_messages"
    # The sender reads what is queued and due.
    __table_args__ = (Index("ix_outgoing_messages_due", "state", "send_after"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("leads.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("visits.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(320))
    template_code: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(
        String(10), server_default="queued"
    )  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    send_after: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChannelSetting(Base):
    """Shared configuration of one message channel (SMTP server, HTTP gateway, quiet hours).

    Kept in the database, not on one desktop, so every desktop of a team sends the same way.
    Secrets (passwords, tokens) live in `config` too: the database is the team's trust boundary.
    """

    __tablename__ = "channel_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), unique=True)  # email | sms | messenger
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
