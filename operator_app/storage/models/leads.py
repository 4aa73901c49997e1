"""Lead lists, leads and everything that happens to a lead during and after calls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from operator_app.storage.base import Base, BigId, utcnow


class LeadList(Base):
    """An imported list (база): a named hypothesis about who buys, and its results."""

    __tablename__ = "lead_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str | None] = mapped_column(String(300))
    hypothesis: Mapped[str | None] = mapped_column(Text)
    abc_class: Mapped[str] = mapped_column(String(1), server_default="B")  # A | B | C
    priority: Mapped[int] = mapped_column(SmallInteger, server_default="50")  # higher first
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    rows_read: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_imported: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_duplicate: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_rejected: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_blocked: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ImportMapping(Base):
    """A saved column mapping, reused for the next file from the same source."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300), unique=True)
    mapping: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Lead(Base):
    """A contact worked within a campaign: where it stands and what is next."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_queue", "state", "next_action_at"),
        # The call queue: fresh list leads per list in id order, arrivals by age, and a cheap
        # "did anything change" probe (max updated_at).
        Index("ix_leads_list_queue", "list_id", "state", "source", "id"),
        Index("ix_leads_arrivals", "source", "state", "created_at"),
        Index("ix_leads_updated_at", "updated_at"),
        # Few leads are claimed at any moment: "is this client held by someone else" reads them.
        Index("ix_leads_claimed_until", "claimed_until"),
        # The zones clients are in: a few index seeks (queue_queries.zones_in_use).
        Index("ix_leads_client_zone", "client_zone"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    list_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_lists.id", ondelete="SET NULL"), index=True
    )
    # new | in_work | callback | lead | verified | handed_off | visit_booked | won | lost
    # | not_target | refused | do_not_call | blocked
    state: Mapped[str] = mapped_column(String(20), server_default="new")
    source: Mapped[str] = mapped_column(
        String(10), server_default="list"
    )  # list | inbound | missed
    priority: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_until: Mapped[dt.datetime | None]
    next_action_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    last_disposition: Mapped[str | None] = mapped_column(String(40))
    # The client's own zone (the contact's, else its first phone's; NULL: the campaign's),
    # copied here so the queue tests calling hours on the lead row alone. Kept up to date by
    # storage/client_zones.py; bulk writers set it themselves.
    client_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CallAttempt(Base):
    __tablename__ = "call_attempts"
    __table_args__ = (
        # The supervisor's dashboard: every figure of a period read from the index alone.
        Index(
            "ix_call_attempts_report",
            "started_at",
            "operator_id",
            "disposition",
            "lead_id",
            "talk_seconds",
            "script_version_id",
            "last_step_id",
            "previous_call_at",
            "id",
        ),
        # Leads and non-target calls of a period: a few outcome codes among many calls.
        Index("ix_call_attempts_outcome", "disposition", "started_at", "lead_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Generated on the desktop when the call starts, so a re-sent save after a dropped
    # connection is recognised instead of creating a second record.
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    lead_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    phone_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("phones.id", ondelete="SET NULL")
    )
    script_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("script_versions.id", ondelete="SET NULL")
    )
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None]
    talk_seconds: Mapped[int] = mapped_column(Integer, server_default="0")
    disposition: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(300))
    callback_at: Mapped[dt.datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)
    last_step_id: Mapped[str | None] = mapped_column(String(80))
    # When the lead's previous finished call started (by start, then id; NULL: this is the
    # lead's first). A call of a period whose predecessor started before the period is the
    # lead's first in it, so reports count the leads worked in a period without a DISTINCT.
    # Kept by database triggers (migration 0006) on every insert, update and delete of calls,
    # whoever writes them; never set by the app.
    previous_call_at: Mapped[dt.datetime | None]


class ScriptAnswer(Base):
    """One answer captured at one script step during a call (or an objection raised there)."""

    __tablename__ = "script_answers"
    # Objections per step: the few answers that are objections, without reading the others.
    __table_args__ = (Index("ix_script_answers_objection", "objection_id", "call_id", "step_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("call_attempts.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(20))
    spin: Mapped[str | None] = mapped_column(String(1))  # S | P | I | N
    answer: Mapped[str | None] = mapped_column(String(300))
    free_text: Mapped[str | None] = mapped_column(Text)
    objection_id: Mapped[str | None] = mapped_column(String(80))
    no_suitable_answer: Mapped[bool] = mapped_column(Boolean, server_default=false())
    answered_at: Mapped[dt.datetime]


class Verification(Base):
    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("call_attempts.id", ondelete="SET NULL")
    )
    criteria_set_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_sets.id", ondelete="RESTRICT")
    )
    answers: Mapped[dict[str, Any]]
    computed_verdict: Mapped[str] = mapped_column(String(12))  # target | non_target
    verdict: Mapped[str] = mapped_column(String(12))
    overridden: Mapped[bool] = mapped_column(Boolean, server_default=false())
    override_comment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(80))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Handoff(Base):
    """A lead passed from a lead generator to a seller (two-step campaigns)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("visits.id", ondelete="SET NULL")
    )
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # offered | accepted | returned | return_upheld | return_overruled
    state: Mapped[str] = mapped_column(String(20), server_default="offered")
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    arbitrated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    arbitrated_at: Mapped[dt.datetime | None]
    arbitration_comment: Mapped[str | None] = mapped_column(Text)


class Task(Base):
    """Something to do at a time: a callback, a confirmation call, a reminder, a feedback call."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_due", "state", "due_at", "id"),
        Index("ix_tasks_assignee", "assigned_to_id", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    # callback | retry | confirm_call | control_touch | second_call | feedback_call
    # | review_request | next_visit_reminder
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[dt.datetime]
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(12), server_default="open")  # open | done | cancelled
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who changed what, when, and the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class VisitResult(Base):
    """The outcome of a held visit: sale or not, and the amount."""

    __tablename__ = "visit_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("visits.id", ondelete="CASCADE"), unique=True
    )
    sale: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
