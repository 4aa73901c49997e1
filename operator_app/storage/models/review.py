"""What supervisors set and record: plans, KPI weights, call reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class Plan(Base):
    """A daily plan for a metric, for one person or for everyone in a role."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(20))
    metric: Mapped[str] = mapped_column(String(40))  # held_visits | leads | talk_minutes | ...
    per_day: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class KpiWeight(Base):
    """A metric's share of a role's scorecard and the plan fraction below which it counts zero."""

    __tablename__ = "kpi_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    metric: Mapped[str] = mapped_column(String(40))
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    cutoff: Mapped[Decimal] = mapped_column(Numeric(5, 4))


class CallReview(Base):
    __tablename__ = "call_reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("call_attempts.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checklist: Mapped[dict[str, Any]]
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seen_by_operator_at: Mapped[dt.datetime | None]
