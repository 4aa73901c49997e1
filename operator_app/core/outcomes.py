"""Call outcomes (dispositions): the defaults, a campaign's configured list, and what each does.

A campaign configures its outcomes with flags; the rules below decide what an outcome does to
the lead. The ten default codes have their own rules; an outcome a campaign adds with a code of
its own is handled by its flags (callback time → a callback; not final → a retry; final and
positive → a lead; final otherwise → closed as lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, PermissionDenied
from operator_app.core.roles import Actor, Permission
from operator_app.storage.audit import act_as
from operator_app.storage.database import Database
from operator_app.storage.lead_states import LeadState
from operator_app.storage.repositories import call_queries

__all__ = [
    "DEFAULT_BACKOFF_MINUTES",
    "DEFAULT_DISPOSITIONS",
    "DEFAULT_MAX_ATTEMPTS",
    "MAX_ATTEMPTS_REASON",
    "RETRY_STATE",
    "WRONG_NUMBER_REASON",
    "DispositionInfo",
    "DispositionSpec",
    "LeadChange",
    "OutcomeCode",
    "decide_lead_change",
    "dispositions_for",
    "dispositions_in",
    "ensure_default_dispositions",
    "retry_delay",
]


class OutcomeCode(StrEnum):
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    NOT_TARGET = "not_target"
    REFUSED = "refused"
    DO_NOT_CALL = "do_not_call"
    LEAD = "lead"
    VISIT_BOOKED = "visit_booked"


@dataclass(frozen=True, slots=True)
class DispositionSpec:
    """An outcome to create for a campaign (its label is stored data, in the campaign's language)."""

    code: str
    label: str
    reached: bool = False
    positive: bool = False
    final: bool = False
    needs_callback_time: bool = False
    needs_reason: bool = False


# "final" takes the lead out of the calling queue; a lead and a booked visit leave it for
# verification (issue 4) and the calendar (issue 5).
DEFAULT_DISPOSITIONS: tuple[DispositionSpec, ...] = (
    DispositionSpec(OutcomeCode.NO_ANSWER.value, "Нет ответа"),
    DispositionSpec(OutcomeCode.BUSY.value, "Занято"),
    DispositionSpec(OutcomeCode.WRONG_NUMBER.value, "Неверный номер", final=True),
    DispositionSpec(OutcomeCode.VOICEMAIL.value, "Автоответчик"),
    DispositionSpec(
        OutcomeCode.CALLBACK.value, "Просит перезвонить", reached=True, needs_callback_time=True
    ),
    DispositionSpec(
        OutcomeCode.NOT_TARGET.value, "Нецелевой", reached=True, final=True, needs_reason=True
    ),
    DispositionSpec(
        OutcomeCode.REFUSED.value, "Отказ", reached=True, final=True, needs_reason=True
    ),
    DispositionSpec(OutcomeCode.DO_NOT_CALL.value, "Не звонить", reached=True, final=True),
    DispositionSpec(
        OutcomeCode.LEAD.value, "Лид — на верификацию", reached=True, positive=True, final=True
    ),
    DispositionSpec(
        OutcomeCode.VISIT_BOOKED.value, "Записан на визит", reached=True, positive=True, final=True
    ),
)

# Used when a lead belongs to no campaign; equal to the campaigns table's defaults.
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_BACKOFF_MINUTES: tuple[int, ...] = (30, 120, 1440)
# A lead waiting for its next attempt; the queue's retry bucket offers it again at next_action_at.
RETRY_STATE = LeadState.RETRY.value
MAX_ATTEMPTS_REASON = "max attempts"
WRONG_NUMBER_REASON = "wrong number"

_RETRY_CODES = frozenset({OutcomeCode.NO_ANSWER, OutcomeCode.BUSY, OutcomeCode.VOICEMAIL})
_CLOSING_STATES = {
    OutcomeCode.NOT_TARGET: LeadState.NOT_TARGET,
    OutcomeCode.REFUSED: LeadState.REFUSED,
    OutcomeCode.DO_NOT_CALL: LeadState.DO_NOT_CALL,
    OutcomeCode.LEAD: LeadState.LEAD,
    OutcomeCode.VISIT_BOOKED: LeadState.VISIT_BOOKED,
}


@dataclass(frozen=True, slots=True)
class DispositionInfo:
    id: int | None  # None for a default offered to a lead without a campaign
    code: str
    label: str
    reached: bool
    positive: bool
    final: bool
    needs_callback_time: bool
    needs_reason: bool
    sort_order: int


@dataclass(frozen=True, slots=True)
class LeadChange:
    """What an outcome does to the lead (and around it)."""

    state: str
    next_action_at: dt.datetime | None
    closed_reason: str | None = None
    callback_task: bool = False
    block_number: bool = False
    # The phone is marked by this wrong_number call itself (see calls.wrong_phone_ids).
    mark_phone_wrong: bool = False


def _info_from_spec(spec: DispositionSpec, position: int) -> DispositionInfo:
    return DispositionInfo(
        None,
        spec.code,
        spec.label,
        spec.reached,
        spec.positive,
        spec.final,
        spec.needs_callback_time,
        spec.needs_reason,
        (position + 1) * 10,
    )


def retry_delay(attempts: int, backoff_minutes: Sequence[int]) -> dt.timedelta:
    """The wait after the n-th attempt: the n-th value of the back-off list, the last repeating."""
    if not backoff_minutes:
        return dt.timedelta(minutes=DEFAULT_BACKOFF_MINUTES[0])
    index = min(max(attempts, 1), len(backoff_minutes)) - 1
    return dt.timedelta(minutes=int(backoff_minutes[index]))


def decide_lead_change(
    disposition: DispositionInfo,
    *,
    attempts: int,
    max_attempts: int,
    backoff_minutes: Sequence[int],
    now: dt.datetime,
    callback_at: dt.datetime | None,
    reason: str | None,
    other_phone_left: bool,
) -> LeadChange:
    """The lead's next state; `attempts` counts the call being recorded."""
    code = disposition.code

    def retry() -> LeadChange:
        if attempts >= max_attempts:
            return LeadChange(LeadState.LOST, None, closed_reason=MAX_ATTEMPTS_REASON)
        return LeadChange(RETRY_STATE, now + retry_delay(attempts, backoff_minutes))

    if code in _RETRY_CODES:
        return retry()
    if code == OutcomeCode.WRONG_NUMBER:
        if other_phone_left:
            return LeadChange(RETRY_STATE, now, mark_phone_wrong=True)
        return LeadChange(
            LeadState.LOST, None, closed_reason=WRONG_NUMBER_REASON, mark_phone_wrong=True
        )
    if code == OutcomeCode.CALLBACK or disposition.needs_callback_time:
        return LeadChange(LeadState.CALLBACK, callback_at, callback_task=True)
    if code in _CLOSING_STATES:
        return LeadChange(
            _CLOSING_STATES[OutcomeCode(code)],
            None,
            closed_reason=reason,
            block_number=code == OutcomeCode.DO_NOT_CALL,
        )
    if not disposition.final:
        return retry()
    if disposition.positive:
        return LeadChange("lead", None, closed_reason=reason)
    return LeadChange(LeadState.LOST, None, closed_reason=reason or disposition.label)


def dispositions_in(session: Session, campaign_id: int | None) -> list[DispositionInfo]:
    """The outcomes offered for a lead of this campaign, read in the caller's transaction.

    A lead outside any campaign gets the defaults.
    """
    if campaign_id is None:
        return [_info_from_spec(spec, n) for n, spec in enumerate(DEFAULT_DISPOSITIONS)]
    return [
        DispositionInfo(
            row.id,
            row.code,
            row.label,
            row.reached,
            row.positive,
            row.final,
            row.needs_callback_time,
            row.needs_reason,
            row.sort_order,
        )
        for row in call_queries.campaign_dispositions(session, campaign_id)
    ]


def dispositions_for(database: Database, campaign_id: int | None) -> list[DispositionInfo]:
    """The outcomes an operator may choose for a lead of this campaign, in display order."""
    with database.session() as session:
        return dispositions_in(session, campaign_id)


_MAY_CONFIGURE = (Permission.MANAGE_CAMPAIGNS, Permission.EDIT_SCRIPTS)


def ensure_default_dispositions(database: Database, actor: Actor, campaign_id: int) -> int:
    """Adds the default outcomes a campaign lacks (by code); returns how many were added."""
    if not any(actor.can(permission) for permission in _MAY_CONFIGURE):
        raise PermissionDenied("configure_dispositions", actor.role.value)
    with database.session() as session:
        act_as(session, actor.user_id)
        if not call_queries.campaign_exists(session, campaign_id):
            raise NotFound(f"campaign {campaign_id} does not exist")
        existing = {row.code for row in call_queries.campaign_dispositions(session, campaign_id)}
        missing = [
            (position, spec)
            for position, spec in enumerate(DEFAULT_DISPOSITIONS)
            if spec.code not in existing
        ]
        for position, spec in missing:
            call_queries.add_disposition(
                session,
                campaign_id=campaign_id,
                code=spec.code,
                label=spec.label,
                reached=spec.reached,
                positive=spec.positive,
                final=spec.final,
                needs_callback_time=spec.needs_callback_time,
                needs_reason=spec.needs_reason,
                sort_order=(position + 1) * 10,
            )
        return len(missing)
