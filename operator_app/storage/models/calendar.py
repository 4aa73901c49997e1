"""Offices, bookable resources, their hours, and visits booked into slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    directions: Mapped[str | None] = mapped_column(Text)  # how to get there, for confirmations
    phone: Mapped[str | None] = mapped_column(String(20))
    time_zone: Mapped[str] = mapped_column(String(64), server_default="Europe/Moscow")
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())


class Resource(Base):
    """Something a visit is booked with: a seller, a room, a doctor, a group presentation."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(
        String(20), server_default="seller"
    )  # seller | room | doctor | group
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    capacity: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    slot_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="60")
    buffer_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())


class WorkingHours(Base):
    """A working interval on a weekday (0 = Monday) in the office's time; gaps are breaks."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[dt.time] = mapped_column(Time)
    ends: Mapped[dt.time] = mapped_column(Time)


class CalendarException(Base):
    """A holiday or day off (no hours) or a special working day, for an office or one resource."""

    __tablename__ = "calendar_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))  # holiday | day_off | working
    starts: Mapped[dt.time | None] = mapped_column(Time)
    ends: Mapped[dt.time | None] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(300))


class Slot(Base):
    """Seats taken in one slot of one resource; the check makes overbooking impossible."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("resource_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    starts_at: Mapped[dt.datetime]
    capacity: Mapped[int] = mapped_column(SmallInteger)
    booked: Mapped[int] = mapped_column(SmallInteger, server_default="0")


class Visit(Base):
    """The key funnel step: an office visit, a presentation or an appointment."""

    __tablename__ = "visits"
    # Calendar views read one resource's visits over a day or a week.
    __table_args__ = (Index("ix_visits_resource_starts", "resource_id", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="RESTRICT"), index=True
    )
    slot_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("slots.id", ondelete="SET NULL"))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    # booked | confirmed | held | no_show | rescheduled | cancelled
    status: Mapped[str] = mapped_column(String(12), server_default="booked")
    cancelled_by: Mapped[str | None] = mapped_column(String(10))  # client | us
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    rescheduled_from_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("visits.id", ondelete="SET NULL")
    )
    confirmation_channel: Mapped[str | None] = mapped_column(String(20))
    confirmation_note: Mapped[str | None] = mapped_column(Text)
    # Clients waiting for an earlier time are offered a freed slot.
    wants_earlier: Mapped[bool] = mapped_column(Boolean, server_default=false())
    review_score: Mapped[int | None] = mapped_column(SmallInteger)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ClientPreferences(Base):
    """When a client can come and how they want to be reminded: said once, kept per contact.

    `windows` is a list of {"weekday": 0..6 (0 = Monday), "starts": "HH:MM", "ends": "HH:MM"}
    in the client's own time (`time_zone`); slot suggestions never leave them.
    """

    __tablename__ = "client_preferences"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    windows: Mapped[list[Any]] = mapped_column(default=list)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # email | sms | messenger | phone | manual: how the client wants confirmations
    channel: Mapped[str | None] = mapped_column(String(12))
    contact_time: Mapped[str | None] = mapped_column(String(200))  # "after 18:00", as said
    wants_earlier: Mapped[bool] = mapped_column(Boolean, server_default=false())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
