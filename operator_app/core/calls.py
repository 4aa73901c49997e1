"""Recording a finished call: the attempt, its script answers and the lead's next step, at once.

Saving is idempotent by the call's client_uuid (generated on the desktop when the call
started): a save re-sent after a dropped connection, whose first commit may have succeeded,
returns the recorded call instead of creating a second one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.outcomes import (
    DEFAULT_BACKOFF_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    DispositionInfo,
    LeadChange,
    OutcomeCode,
    decide_lead_change,
    dispositions_in,
)
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.script_engine import CapturedAnswer
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.lead_states import LeadState
from operator_app.storage.models import CallAttempt, Lead
from operator_app.storage.repositories import call_queries

__all__ = [
    "CallResult",
    "CapturedAnswer",
    "FinishedCall",
    "canonical_uuid",
    "record_call",
    "wrong_phone_ids",
]

DO_NOT_CALL_STATE = LeadState.DO_NOT_CALL.value
# A new call settles what was scheduled for the lead before it.
_SETTLED_TASK_KINDS = ("callback", "retry")


@dataclass(frozen=True, slots=True)
class FinishedCall:
    """A call as the operator finished it; the GUI builds it from the draft."""

    client_uuid: str
    lead_id: int
    phone_id: int | None
    script_version_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime
    talk_seconds: int
    disposition: str
    reason: str | None = None
    callback_at: dt.datetime | None = None
    notes: str | None = None
    last_step_id: str | None = None
    answers: tuple[CapturedAnswer, ...] = ()


@dataclass(frozen=True, slots=True)
class CallResult:
    call_id: int
    client_uuid: str
    lead_id: int
    lead_state: str
    next_action_at: dt.datetime | None
    attempts: int
    answers_saved: int
    callback_task_id: int | None
    closed_reason: str | None  # why the lead was closed: the operator's reason or "max attempts"
    blocked_leads: int  # other leads with the number (any list) moved to do-not-call
    already_recorded: bool  # True when this call had been saved before (a re-sent save)


def canonical_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        raise ValidationFailed(
            "client_uuid", "format", f"the call id '{text}' is not a UUID"
        ) from None


def _require_aware(field: str, value: dt.datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(field, "naive", f"the {field} must carry a time zone")


def _check_shape(call: FinishedCall) -> None:
    for field in ("started_at", "ended_at", "callback_at"):
        _require_aware(field, getattr(call, field))
    if call.ended_at < call.started_at:
        raise ValidationFailed("ended_at", "before_start", "the call cannot end before it started")
    if call.talk_seconds < 0:
        raise ValidationFailed("talk_seconds", "negative", "the talk time cannot be negative")
    for position, answer in enumerate(call.answers, start=1):
        _require_aware(f"answers[{position}].answered_at", answer.answered_at)
        if not answer.step_id or not answer.stage:
            raise ValidationFailed(
                f"answers[{position}]", "required", f"answer {position} has no step or stage"
            )


def _check_required(disposition: DispositionInfo, call: FinishedCall, now: dt.datetime) -> None:
    if disposition.needs_callback_time:
        if call.callback_at is None:
            raise ValidationFailed(
                "callback_at",
                "required",
                f"the outcome '{disposition.label}' needs a callback time",
            )
        if call.callback_at <= now:
            raise ValidationFailed(
                "callback_at", "in_past", "the callback time must be in the future"
            )
    if disposition.needs_reason and not (call.reason or "").strip():
        raise ValidationFailed(
            "reason", "required", f"the outcome '{disposition.label}' needs a reason"
        )


def _disposition(database_dispositions: list[DispositionInfo], code: str) -> DispositionInfo:
    for disposition in database_dispositions:
        if disposition.code == code:
            return disposition
    raise ValidationFailed(
        "disposition", "unknown", f"'{code}' is not an outcome of this lead's campaign"
    )


def record_call(
    database: Database, actor: Actor, call: FinishedCall, *, now: dt.datetime | None = None
) -> CallResult:
    """Saves the call and moves the lead on, in one transaction; safe to send twice.

    `now` is when the operator saved: a save re-sent later checks the callback time against
    the moment it was first attempted.
    """
    require(actor, Permission.WORK_QUEUE)
    client_uuid = canonical_uuid(call.client_uuid)
    _check_shape(call)
    moment = now or utcnow()
    try:
        with call_queries.write_session(database) as session:
            act_as(session, actor.user_id)
            # Locked first, so a concurrent save of the same call waits here, then finds it.
            lead = call_queries.lead_for_update(session, call.lead_id)
            existing = call_queries.call_by_uuid(session, client_uuid)
            if existing is not None:
                return _recorded_result(session, existing)
            if lead is None:
                raise NotFound(f"lead {call.lead_id} does not exist")
            return _record(session, actor, lead, call, client_uuid, moment)
    except IntegrityError:
        # A concurrent save of the same call committed first: report that one.
        with database.session() as session:
            existing = call_queries.call_by_uuid(session, client_uuid)
            if existing is None:
                raise
            return _recorded_result(session, existing)


def wrong_phone_ids(database: Database, phone_ids: Sequence[int]) -> set[int]:
    """The phones (of those given) an earlier call marked as a wrong number, for the call card."""
    with database.session() as session:
        return call_queries.wrong_phone_ids(session, list(phone_ids))


def _campaign_rules(session: Session, lead: Lead) -> tuple[int, list[int]]:
    campaign = call_queries.campaign(session, lead.campaign_id) if lead.campaign_id else None
    if campaign is None:
        return DEFAULT_MAX_ATTEMPTS, list(DEFAULT_BACKOFF_MINUTES)
    return campaign.max_attempts, [int(minutes) for minutes in campaign.retry_backoff_minutes]


def _record(
    session: Session,
    actor: Actor,
    lead: Lead,
    call: FinishedCall,
    client_uuid: str,
    now: dt.datetime,
) -> CallResult:
    offered = dispositions_in(session, lead.campaign_id)
    disposition = _disposition(offered, call.disposition)
    _check_required(disposition, call, now)
    phone = call_queries.phone(session, call.phone_id) if call.phone_id is not None else None
    if call.phone_id is not None and (phone is None or phone.contact_id != lead.contact_id):
        raise ValidationFailed(
            "phone_id", "unknown", f"phone {call.phone_id} is not a phone of this lead"
        )

    attempts = lead.attempts + 1
    max_attempts, backoff = _campaign_rules(session, lead)
    other_phone_left = phone is not None and call_queries.usable_phone_left(
        session, lead.contact_id, phone.id
    )
    change = decide_lead_change(
        disposition,
        attempts=attempts,
        max_attempts=max_attempts,
        backoff_minutes=backoff,
        now=now,
        callback_at=call.callback_at,
        reason=call.reason,
        other_phone_left=other_phone_left,
    )
    if lead.state == DO_NOT_CALL_STATE and not change.block_number:
        # The number was blocked (perhaps from another list) while this call was open.
        change = LeadChange(DO_NOT_CALL_STATE, None, closed_reason=change.closed_reason)

    reason = (call.reason or "").strip() or change.closed_reason
    saved = call_queries.insert_call(
        session,
        client_uuid=client_uuid,
        lead_id=lead.id,
        operator_id=actor.user_id,
        phone_id=call.phone_id,
        script_version_id=call.script_version_id,
        started_at=call.started_at,
        ended_at=call.ended_at,
        talk_seconds=call.talk_seconds,
        disposition=disposition.code,
        reason=reason,
        callback_at=call.callback_at if disposition.needs_callback_time else None,
        notes=call.notes,
        last_step_id=call.last_step_id,
    )
    call_queries.insert_answers(
        session,
        saved.id,
        [
            {
                "step_id": answer.step_id,
                "stage": answer.stage,
                "spin": answer.spin,
                "answer": answer.answer,
                "free_text": answer.free_text,
                "objection_id": answer.objection_id,
                "no_suitable_answer": answer.no_suitable_answer,
                "answered_at": answer.answered_at,
            }
            for answer in call.answers
        ],
    )

    lead.attempts = attempts
    lead.last_disposition = disposition.code
    lead.state = change.state
    lead.next_action_at = change.next_action_at
    if _claim_is_ours_or_stale(lead, actor):
        lead.claimed_by_id = None
        lead.claimed_until = None
    call_queries.close_open_tasks(session, lead.id, _SETTLED_TASK_KINDS, now)

    callback_task_id = None
    if change.callback_task and call.callback_at is not None:
        task = call_queries.add_task(
            session,
            lead_id=lead.id,
            kind="callback",
            due_at=call.callback_at,
            assigned_to_id=actor.user_id,
            note=call.notes,
        )
        callback_task_id = task.id

    blocked = 0
    if change.block_number:
        numbers = (
            [phone.e164]
            if phone is not None
            else call_queries.contact_phone_numbers(session, lead.contact_id)
        )
        blocked = _block_numbers(session, actor, numbers, reason or disposition.label, now)
    session.flush()
    return CallResult(
        call_id=saved.id,
        client_uuid=client_uuid,
        lead_id=lead.id,
        lead_state=lead.state,
        next_action_at=lead.next_action_at,
        attempts=lead.attempts,
        answers_saved=len(call.answers),
        callback_task_id=callback_task_id,
        closed_reason=change.closed_reason,
        blocked_leads=blocked,
        already_recorded=False,
    )


def _claim_is_ours_or_stale(lead: Lead, actor: Actor) -> bool:
    # A save that arrives late must not free a colleague who has claimed the lead since.
    return (
        lead.claimed_by_id in (None, actor.user_id)
        or lead.claimed_until is None
        or lead.claimed_until <= utcnow()
    )


def _block_numbers(
    session: Session, actor: Actor, numbers: list[str], reason: str, now: dt.datetime
) -> int:
    """Every lead with one of these numbers, in every list, stops being called."""
    moved = 0
    for e164 in numbers:
        call_queries.block_number(session, e164, reason, actor.user_id)
        for lead in call_queries.leads_with_number(session, e164):
            if lead.state != DO_NOT_CALL_STATE:
                lead.state = DO_NOT_CALL_STATE
                lead.next_action_at = None
                moved += 1
            call_queries.close_open_tasks(session, lead.id, _SETTLED_TASK_KINDS, now)
    return moved


def _recorded_result(session: Session, call: CallAttempt) -> CallResult:
    lead = session.get_one(Lead, call.lead_id)
    callback_task_id = (
        call_queries.latest_open_task_id(session, lead.id, "callback")
        if call.disposition == OutcomeCode.CALLBACK
        else None
    )
    return CallResult(
        call_id=call.id,
        client_uuid=call.client_uuid,
        lead_id=lead.id,
        lead_state=lead.state,
        next_action_at=lead.next_action_at,
        attempts=lead.attempts,
        answers_saved=call_queries.count_answers(session, call.id),
        callback_task_id=callback_task_id,
        closed_reason=call.reason,
        blocked_leads=0,
        already_recorded=True,
    )
