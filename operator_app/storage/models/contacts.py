"""Who is called: companies, contacts, their phones, consents, and the do-not-call list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    inn: Mapped[str | None] = mapped_column(String(12), unique=True)  # NULLs never collide
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(300), default="")
    # decision_maker | influencer | secretary | other
    role: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    time_zone_guessed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    comment: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The client says once when visits suit them: {"weekdays": [0..6], "from": "HH:MM", "to": "HH:MM"}
    preferred_hours: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    e164: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # mobile | landline | other
    extension: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(2))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    time_zone_guessed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    raw: Mapped[str | None] = mapped_column(String(200))  # as the list had it
    verified: Mapped[bool] = mapped_column(Boolean, server_default=false())


class Consent(Base):
    """Consent to personal-data processing or to reminder messages, and who took it."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # personal_data | reminders
    granted: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str | None] = mapped_column(
        String(20)
    )  # call | sms | email | messenger | paper
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DoNotCall(Base):
    __tablename__ = "do_not_call"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    e164: Mapped[str] = mapped_column(String(20), unique=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
