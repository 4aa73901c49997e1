"""Users of the workstation and the time they spend in each operator status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # operator | seller | supervisor | admin
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    time_zone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    # Operator status: ready | break | in_call | after_call | offline
    status: Mapped[str] = mapped_column(String(20), server_default="offline")
    status_reason: Mapped[str | None] = mapped_column(String(200))
    status_since: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class UserStatusPeriod(Base):
    """One stretch of time an operator spent in one status (ended_at is open while current)."""

    __tablename__ = "user_status_periods"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
