"""The queries of call review: the call list with its filters, one call with what was captured,
storing a supervisor's review, and the feedback an operator reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from operator_app.storage.models import (
    CallAttempt,
    CallReview,
    Campaign,
    Contact,
    CriteriaSet,
    Disposition,
    Lead,
    Script,
    ScriptAnswer,
    ScriptVersion,
    User,
    Verification,
)

__all__ = [
    "AnswerRow",
    "CallConditions",
    "CallRow",
    "Choice",
    "VerificationRow",
    "answers_of_call",
    "call_row",
    "call_rows",
    "campaign_choices",
    "disposition_choices",
    "feedback_rows",
    "lock_call",
    "mark_seen",
    "operator_choices",
    "review_call_and_operator",
    "save_review",
    "script_document",
    "unread_count",
    "verification_of_call",
]


@dataclass(frozen=True, slots=True)
class CallConditions:
    """The call list's filters; None means "any"."""

    started_from: dt.datetime | None = None
    started_before: dt.datetime | None = None
    campaign_id: int | None = None
    operator_id: int | None = None
    disposition: str | None = None
    reviewed: bool | None = None
    min_talk_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class CallRow:
    """A finished call with its people, campaign, script version and latest review."""

    call_id: int
    lead_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    talk_seconds: int
    disposition: str | None
    disposition_label: str | None
    reason: str | None
    callback_at: dt.datetime | None
    notes: str | None
    last_step_id: str | None
    operator_id: int | None
    operator_name: str | None
    campaign_id: int | None
    campaign_name: str | None
    client_name: str
    script_version_id: int | None
    script_name: str | None
    script_version: int | None
    review_id: int | None
    review_score: Decimal | None
    review_checklist: dict[str, Any] | None
    review_comment: str | None
    reviewed_at: dt.datetime | None
    reviewer_name: str | None
    seen_by_operator_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    answer_id: int
    answered_at: dt.datetime
    step_id: str
    stage: str
    spin: str | None
    answer: str | None
    free_text: str | None
    objection_id: str | None
    no_suitable_answer: bool


@dataclass(frozen=True, slots=True)
class VerificationRow:
    verdict: str
    computed_verdict: str
    overridden: bool
    override_comment: str | None
    reason: str | None
    answers: dict[str, Any]
    verified_by_name: str | None
    verified_at: dt.datetime
    questions: dict[str, str]  # criterion id -> its question, of the version verified by


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str


def _latest_reviews() -> Any:
    """One review per call: the latest (the service keeps one, this guards older data)."""
    return (
        select(CallReview.call_id, func.max(CallReview.id).label("review_id"))
        .group_by(CallReview.call_id)
        .subquery("latest_review")
    )


def _call_select() -> tuple[Select[Any], Any]:
    latest = _latest_reviews()
    operator = aliased(User, name="operator")
    reviewer = aliased(User, name="reviewer")
    query = (
        select(
            CallAttempt.id,
            CallAttempt.lead_id,
            CallAttempt.started_at,
            CallAttempt.ended_at,
            CallAttempt.talk_seconds,
            CallAttempt.disposition,
            Disposition.label,
            CallAttempt.reason,
            CallAttempt.callback_at,
            CallAttempt.notes,
            CallAttempt.last_step_id,
            CallAttempt.operator_id,
            operator.display_name,
            Lead.campaign_id,
            Campaign.name,
            Contact.full_name,
            CallAttempt.script_version_id,
            Script.name,
            ScriptVersion.version,
            CallReview.id,
            CallReview.score,
            CallReview.checklist,
            CallReview.comment,
            CallReview.created_at,
            reviewer.display_name,
            CallReview.seen_by_operator_at,
        )
        .join(Lead, Lead.id == CallAttempt.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(operator, operator.id == CallAttempt.operator_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(
            Disposition,
            and_(
                Disposition.campaign_id == Lead.campaign_id,
                Disposition.code == CallAttempt.disposition,
            ),
        )
        .outerjoin(ScriptVersion, ScriptVersion.id == CallAttempt.script_version_id)
        .outerjoin(Script, Script.id == ScriptVersion.script_id)
        .outerjoin(latest, latest.c.call_id == CallAttempt.id)
        .outerjoin(CallReview, CallReview.id == latest.c.review_id)
        .outerjoin(reviewer, reviewer.id == CallReview.reviewer_id)
    )
    return query, latest


def _row(values: Any) -> CallRow:
    return CallRow(*values)


def _conditions(conditions: CallConditions, latest: Any) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [CallAttempt.disposition.is_not(None)]
    if conditions.started_from is not None:
        where.append(CallAttempt.started_at >= conditions.started_from)
    if conditions.started_before is not None:
        where.append(CallAttempt.started_at < conditions.started_before)
    if conditions.campaign_id is not None:
        where.append(Lead.campaign_id == conditions.campaign_id)
    if conditions.operator_id is not None:
        where.append(CallAttempt.operator_id == conditions.operator_id)
    if conditions.disposition is not None:
        where.append(CallAttempt.disposition == conditions.disposition)
    if conditions.reviewed is True:
        where.append(latest.c.review_id.is_not(None))
    elif conditions.reviewed is False:
        where.append(latest.c.review_id.is_(None))
    if conditions.min_talk_seconds is not None:
        where.append(CallAttempt.talk_seconds >= conditions.min_talk_seconds)
    return where


def call_rows(
    session: Session, conditions: CallConditions, *, limit: int, offset: int = 0
) -> list[CallRow]:
    """Finished calls (with a disposition) matching the filters, newest first."""
    query, latest = _call_select()
    rows = session.execute(
        query.where(*_conditions(conditions, latest))
        .order_by(CallAttempt.started_at.desc(), CallAttempt.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [_row(row) for row in rows]


def call_row(session: Session, call_id: int) -> CallRow | None:
    query, _latest = _call_select()
    found = session.execute(query.where(CallAttempt.id == call_id)).first()
    return None if found is None else _row(found)


def feedback_rows(session: Session, operator_id: int) -> list[CallRow]:
    """The operator's reviewed calls: unseen reviews first, then the newest review first."""
    query, latest = _call_select()
    unseen_first = case((CallReview.seen_by_operator_at.is_(None), 0), else_=1)
    rows = session.execute(
        query.where(
            CallAttempt.operator_id == operator_id, latest.c.review_id.is_not(None)
        ).order_by(unseen_first, CallReview.created_at.desc(), CallReview.id.desc())
    ).all()
    return [_row(row) for row in rows]


def unread_count(session: Session, operator_id: int) -> int:
    count = session.scalar(
        select(func.count(CallReview.id))
        .join(CallAttempt, CallAttempt.id == CallReview.call_id)
        .where(CallAttempt.operator_id == operator_id, CallReview.seen_by_operator_at.is_(None))
    )
    return int(count or 0)


def answers_of_call(session: Session, call_id: int) -> list[AnswerRow]:
    rows = session.execute(
        select(
            ScriptAnswer.id,
            ScriptAnswer.answered_at,
            ScriptAnswer.step_id,
            ScriptAnswer.stage,
            ScriptAnswer.spin,
            ScriptAnswer.answer,
            ScriptAnswer.free_text,
            ScriptAnswer.objection_id,
            ScriptAnswer.no_suitable_answer,
        )
        .where(ScriptAnswer.call_id == call_id)
        .order_by(ScriptAnswer.answered_at, ScriptAnswer.id)
    ).all()
    return [
        AnswerRow(
            answer_id=row.id,
            answered_at=row.answered_at,
            step_id=row.step_id,
            stage=row.stage,
            spin=row.spin,
            answer=row.answer,
            free_text=row.free_text,
            objection_id=row.objection_id,
            no_suitable_answer=bool(row.no_suitable_answer),
        )
        for row in rows
    ]


def script_document(session: Session, script_version_id: int) -> dict[str, Any] | None:
    document = session.scalar(
        select(ScriptVersion.document).where(ScriptVersion.id == script_version_id)
    )
    return None if document is None else dict(document)


def verification_of_call(session: Session, call_id: int) -> VerificationRow | None:
    """The latest verification recorded in this call, with its criteria's questions."""
    found = session.execute(
        select(Verification, User.display_name, CriteriaSet.criteria)
        .outerjoin(User, User.id == Verification.verified_by_id)
        .join(CriteriaSet, CriteriaSet.id == Verification.criteria_set_id)
        .where(Verification.call_id == call_id)
        .order_by(Verification.verified_at.desc(), Verification.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    verification, name, criteria = found
    return VerificationRow(
        verdict=verification.verdict,
        computed_verdict=verification.computed_verdict,
        overridden=bool(verification.overridden),
        override_comment=verification.override_comment,
        reason=verification.reason,
        answers=dict(verification.answers or {}),
        verified_by_name=name,
        verified_at=verification.verified_at,
        questions={
            str(item["id"]): str(item.get("question", item["id"]))
            for item in criteria or []
            if isinstance(item, dict) and "id" in item
        },
    )


def lock_call(session: Session, call_id: int) -> bool:
    """Locks the call row on PostgreSQL, so two reviews of one call queue up (SQLite's
    IMMEDIATE write transaction already serialises). False when there is no such call."""
    found = session.scalar(
        select(CallAttempt.id).where(CallAttempt.id == call_id).with_for_update()
    )
    return found is not None


def save_review(
    session: Session,
    *,
    call_id: int,
    reviewer_id: int,
    checklist: dict[str, Any],
    score: Decimal | None,
    comment: str | None,
    now: dt.datetime,
) -> tuple[int, dict[str, Any] | None]:
    """Stores the call's review (replacing its latest one, which the operator then sees again
    as unread). Returns the review id and, for a replaced review, what it held before."""
    existing = session.scalar(
        select(CallReview).where(CallReview.call_id == call_id).order_by(CallReview.id.desc())
    )
    if existing is None:
        review = CallReview(
            call_id=call_id,
            reviewer_id=reviewer_id,
            checklist=checklist,
            score=score,
            comment=comment,
            created_at=now,
        )
        session.add(review)
        session.flush()
        return review.id, None
    before = {
        "checklist": existing.checklist,
        "score": None if existing.score is None else str(existing.score),
        "comment": existing.comment,
        "reviewer_id": existing.reviewer_id,
    }
    existing.reviewer_id = reviewer_id
    existing.checklist = checklist
    existing.score = score
    existing.comment = comment
    existing.created_at = now
    existing.seen_by_operator_at = None
    session.flush()
    return existing.id, before


def review_call_and_operator(session: Session, review_id: int) -> tuple[int, int | None] | None:
    """The reviewed call and the operator who made it, or None when there is no such review."""
    found = session.execute(
        select(CallReview.call_id, CallAttempt.operator_id)
        .join(CallAttempt, CallAttempt.id == CallReview.call_id)
        .where(CallReview.id == review_id)
    ).first()
    return None if found is None else (found[0], found[1])


def mark_seen(session: Session, review_id: int, now: dt.datetime) -> bool:
    """Marks the review seen unless it already was; True when this call marked it."""
    result = session.execute(
        update(CallReview)
        .where(CallReview.id == review_id, CallReview.seen_by_operator_at.is_(None))
        .values(seen_by_operator_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def campaign_choices(session: Session) -> list[Choice]:
    rows = session.execute(select(Campaign.id, Campaign.name).order_by(Campaign.name)).all()
    return [Choice(str(key), name) for key, name in rows]


def operator_choices(session: Session) -> list[Choice]:
    """People who made at least one call, by name."""
    made_calls = select(CallAttempt.operator_id).where(CallAttempt.operator_id.is_not(None))
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(made_calls.distinct()))
        .order_by(User.display_name, User.id)
    ).all()
    return [Choice(str(key), name) for key, name in rows]


def disposition_choices(session: Session) -> list[Choice]:
    """Every outcome code the campaigns offer, with one of its labels."""
    rows = session.execute(
        select(Disposition.code, func.min(Disposition.label))
        .group_by(Disposition.code)
        .order_by(func.min(Disposition.sort_order), Disposition.code)
    ).all()
    return [Choice(code, label) for code, label in rows]
