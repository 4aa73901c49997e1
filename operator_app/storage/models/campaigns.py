"""Campaigns and what configures them: calling hours, dispositions, scripts, criteria."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, utcnow


class Script(Base):
    __tablename__ = "scripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(8), server_default="ru")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ScriptVersion(Base):
    """An immutable version of a script; past calls keep pointing at theirs."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]]  # the portable YAML document, parsed
    published: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    model: Mapped[str] = mapped_column(String(10), server_default="one-step")  # one-step | two-step
    is_b2b: Mapped[bool] = mapped_column(Boolean, server_default=false())
    is_cyclic: Mapped[bool] = mapped_column(Boolean, server_default=false())
    time_zone: Mapped[str] = mapped_column(String(64), server_default="Europe/Moscow")
    description: Mapped[str | None] = mapped_column(Text)
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    max_attempts: Mapped[int] = mapped_column(SmallInteger, server_default="6")
    retry_backoff_minutes: Mapped[list[Any]] = mapped_column(default=lambda: [30, 120, 1440])
    claim_timeout_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="30")
    callback_grace_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="15")
    # Reminder plan and other per-campaign knobs that later features read.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CallingHours(Base):
    """An interval of a weekday (0 = Monday) in the client's local time when calls are allowed."""

    __tablename__ = "calling_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[dt.time] = mapped_column(Time)
    ends: Mapped[dt.time] = mapped_column(Time)


class Disposition(Base):
    """A call outcome a campaign offers, with the flags that drive what happens next."""

    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    reached: Mapped[bool] = mapped_column(Boolean, server_default=false())
    positive: Mapped[bool] = mapped_column(Boolean, server_default=false())
    final: Mapped[bool] = mapped_column(Boolean, server_default=false())
    needs_callback_time: Mapped[bool] = mapped_column(Boolean, server_default=false())
    needs_reason: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sort_order: Mapped[int] = mapped_column(SmallInteger, server_default="0")


class CriteriaSet(Base):
    """A version of a campaign's target-client criteria and its non-target reasons."""

    __tablename__ = "criteria_sets"
    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[list[Any]]
    reasons: Mapped[list[Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
