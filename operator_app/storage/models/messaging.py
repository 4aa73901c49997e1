"""Message templates and the outbox of messages to clients."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, SmallInteger, String, Text, UniqueConstraint
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
