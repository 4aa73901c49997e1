"""Criteria versions per campaign, and verifications of leads against them.

Criteria are versioned: saving a changed list adds a version, and every verification points
at the version it was made with, so editing criteria never rewrites past verdicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.scripts_format import ScriptFormatError, from_document
from operator_app.core.verification.criteria import (
    AnswerValue,
    CriteriaError,
    Criterion,
    NonTargetReason,
    criteria_from_data,
    criteria_to_data,
    reasons_from_data,
    reasons_to_data,
)
from operator_app.core.verification.script_link import unknown_script_steps
from operator_app.core.verification.verdict import (
    Verdict,
    answer_to_data,
    compute_verdict,
    decide_final_verdict,
    parse_answers,
)
from operator_app.storage.audit import act_as
from operator_app.storage.database import Database
from operator_app.storage.models import CriteriaSet
from operator_app.storage.repositories import campaign_config_queries as campaign_queries
from operator_app.storage.repositories import verification_queries as q

__all__ = [
    "CriteriaService",
    "CriteriaSetView",
    "VerificationService",
    "VerificationView",
    "store_criteria",
]


@dataclass(frozen=True, slots=True)
class CriteriaSetView:
    """One stored version of a campaign's criteria and non-target reasons."""

    id: int
    campaign_id: int
    version: int
    criteria: tuple[Criterion, ...]
    reasons: tuple[NonTargetReason, ...]
    created_at: dt.datetime

    def reason_label(self, code: str | None) -> str | None:
        return next((r.label for r in self.reasons if r.code == code), None)


@dataclass(frozen=True, slots=True)
class VerificationView:
    """A saved verification; `answers` holds parsed values keyed by criterion id."""

    id: int
    lead_id: int
    call_id: int | None
    campaign_id: int
    campaign_name: str
    criteria_set_id: int
    criteria_version: int
    answers: Mapping[str, AnswerValue]
    computed_verdict: Verdict
    verdict: Verdict
    overridden: bool
    override_comment: str | None
    reason: str | None  # a non-target reason code
    reason_label: str | None
    contact_name: str | None
    verified_by_id: int | None
    verified_by_name: str | None
    verified_at: dt.datetime


def _set_view(row: CriteriaSet) -> CriteriaSetView:
    return CriteriaSetView(
        id=row.id,
        campaign_id=row.campaign_id,
        version=row.version,
        criteria=criteria_from_data(row.criteria),
        reasons=reasons_from_data(row.reasons),
        created_at=row.created_at,
    )


def _validated(
    criteria: Sequence[Criterion], reasons: Sequence[NonTargetReason]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The JSON of the lists, re-read through the checks so hand-built objects obey them too."""
    criteria_data = criteria_to_data(criteria)
    reasons_data = reasons_to_data(reasons)
    try:
        criteria_from_data(criteria_data)
    except CriteriaError as error:
        raise ValidationFailed("criteria", "invalid_criteria", f"criteria: {error}") from error
    try:
        reasons_from_data(reasons_data)
    except CriteriaError as error:
        raise ValidationFailed("reasons", "invalid_reasons", f"reasons: {error}") from error
    return criteria_data, reasons_data


def store_criteria(
    session: Session,
    campaign_id: int,
    criteria: Sequence[Criterion],
    reasons: Sequence[NonTargetReason],
    created_by_id: int,
) -> tuple[CriteriaSetView, bool]:
    """In the caller's transaction: (the current version, whether it was added just now).

    A new version is added only when the criteria or reasons differ from the current one.
    Raises ValidationFailed for invalid lists and NotFound for a missing campaign.
    """
    criteria_data, reasons_data = _validated(criteria, reasons)
    if not q.lock_campaign(session, campaign_id):
        raise NotFound(f"campaign {campaign_id} does not exist")
    current = q.current_criteria_set(session, campaign_id)
    if current is not None and (current.criteria, current.reasons) == (
        criteria_data,
        reasons_data,
    ):
        return _set_view(current), False
    row = q.add_criteria_set(session, campaign_id, criteria_data, reasons_data, created_by_id)
    return _set_view(row), True


def unlinked_criteria(
    session: Session, criteria: Sequence[Criterion], script_id: int | None
) -> tuple[Criterion, ...]:
    """Criteria whose script_step the campaign's script (its newest version) does not have;
    every linked criterion when the campaign has no script."""
    linked = tuple(c for c in criteria if c.script_step is not None)
    if not linked:
        return ()
    document = (
        None if script_id is None else campaign_queries.latest_script_document(session, script_id)
    )
    if document is None:
        return linked
    try:
        script = from_document(document)
    except ScriptFormatError:
        return linked
    unknown = set(unknown_script_steps(criteria, script))
    return tuple(c for c in linked if c.id in unknown)


class CriteriaService:
    """The target-client criteria of campaigns: read the current version, save a new one."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def current(self, campaign_id: int) -> CriteriaSetView | None:
        """The newest criteria version of the campaign, or None when it has none."""
        with self.database.session() as session:
            row = q.current_criteria_set(session, campaign_id)
            return None if row is None else _set_view(row)

    def save(
        self,
        actor: Actor,
        campaign_id: int,
        criteria: Sequence[Criterion],
        reasons: Sequence[NonTargetReason],
    ) -> CriteriaSetView:
        """Save the campaign's criteria; a new version only when they changed.

        Needs Permission.EDIT_CRITERIA. Raises ValidationFailed (field "criteria" or
        "reasons") and NotFound; nothing is written then.
        """
        require(actor, Permission.EDIT_CRITERIA)
        with self.database.session() as session:
            q.begin_write(session)
            act_as(session, actor.user_id)
            script_id = campaign_queries.campaign_script_id(session, campaign_id)
            unlinked = unlinked_criteria(session, criteria, script_id)
            if unlinked:
                raise ValidationFailed(
                    "criteria",
                    "unknown_script_step",
                    f"criterion '{unlinked[0].id}': the campaign's script has no step "
                    f"'{unlinked[0].script_step}'",
                )
            view, _added = store_criteria(session, campaign_id, criteria, reasons, actor.user_id)
            return view


def _verification_view(row: q.VerificationRow, criteria: Sequence[Criterion]) -> VerificationView:
    record = row.verification
    reasons = reasons_from_data(row.reasons)
    return VerificationView(
        id=record.id,
        lead_id=record.lead_id,
        call_id=record.call_id,
        campaign_id=row.campaign_id,
        campaign_name=row.campaign_name,
        criteria_set_id=record.criteria_set_id,
        criteria_version=row.criteria_version,
        answers=parse_answers(criteria, record.answers),
        computed_verdict=Verdict(record.computed_verdict),
        verdict=Verdict(record.verdict),
        overridden=record.overridden,
        override_comment=record.override_comment,
        reason=record.reason,
        reason_label=next((r.label for r in reasons if r.code == record.reason), None),
        contact_name=row.contact_name,
        verified_by_id=record.verified_by_id,
        verified_by_name=row.verified_by_name,
        verified_at=record.verified_at,
    )


def _view_of(session: Session, row: q.VerificationRow) -> VerificationView:
    criteria_set = session.get(CriteriaSet, row.verification.criteria_set_id)
    criteria = criteria_from_data(criteria_set.criteria) if criteria_set is not None else ()
    return _verification_view(row, criteria)


class VerificationService:
    """Verifications of leads: the answers, the computed and the final verdict."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def save(
        self,
        actor: Actor,
        lead_id: int,
        call_id: int | None,
        answers: Mapping[str, object],
        override_verdict: Verdict | str | None = None,
        override_comment: str | None = None,
        reason: str | None = None,
    ) -> VerificationView:
        """Verify a lead against its campaign's current criteria and record the verdict.

        Answers are raw (as typed) or parsed values keyed by criterion id. Needs
        Permission.WORK_QUEUE. Raises NotFound (no such lead, or a call of another lead),
        ValidationFailed with the field: a criterion id for a bad answer, "campaign" when
        the lead's campaign has no criteria, "verdict", "override_comment" or "reason" for
        the override and reason rules (see decide_final_verdict). Nothing is written then.
        """
        require(actor, Permission.WORK_QUEUE)
        with self.database.session() as session:
            act_as(session, actor.user_id)
            exists, campaign_id = q.lead_campaign_id(session, lead_id)
            if not exists:
                raise NotFound(f"lead {lead_id} does not exist")
            if call_id is not None and q.call_lead_id(session, call_id) != lead_id:
                raise NotFound(f"call {call_id} is not a call of lead {lead_id}")
            criteria_set = (
                None if campaign_id is None else q.current_criteria_set(session, campaign_id)
            )
            if criteria_set is None:
                raise ValidationFailed(
                    "campaign", "no_criteria", "campaign: the lead's campaign has no criteria"
                )
            view = _set_view(criteria_set)
            parsed = parse_answers(view.criteria, answers)
            computed = compute_verdict(view.criteria, parsed)
            final = decide_final_verdict(
                computed,
                view.reasons,
                override_verdict=override_verdict,
                override_comment=override_comment,
                reason=reason,
            )
            verification_id = q.add_verification(
                session,
                lead_id=lead_id,
                call_id=call_id,
                criteria_set_id=criteria_set.id,
                answers={key: answer_to_data(value) for key, value in parsed.items()},
                computed_verdict=computed.verdict.value,
                verdict=final.verdict.value,
                overridden=final.overridden,
                override_comment=final.override_comment,
                reason=final.reason,
                verified_by_id=q.existing_user_id(session, actor.user_id),
            )
            row = q.latest_verification(session, lead_id)
            assert row is not None and row.verification.id == verification_id
            return _verification_view(row, view.criteria)

    def latest(self, lead_id: int) -> VerificationView | None:
        """The lead's most recent verification, or None."""
        with self.database.session() as session:
            row = q.latest_verification(session, lead_id)
            return None if row is None else _view_of(session, row)

    def overrides_for_review(
        self, actor: Actor, campaign_id: int | None = None
    ) -> list[VerificationView]:
        """Verifications whose verdict an operator overrode, newest first (supervisors).

        Needs Permission.REVIEW_CALLS.
        """
        require(actor, Permission.REVIEW_CALLS)
        with self.database.session() as session:
            return [
                _view_of(session, row) for row in q.overridden_verifications(session, campaign_id)
            ]
