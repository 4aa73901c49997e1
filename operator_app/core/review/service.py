"""Call review: supervisors list and open recorded calls and score them; operators read the
feedback on their own calls.

Access: listing, opening any call and scoring need Permission.REVIEW_CALLS. Anyone may open
their own calls and read the reviews of them; nobody without REVIEW_CALLS sees another
person's calls or reviews. A call has one review: scoring it again replaces the review, and
the operator sees it as unread again. Scoring and reading feedback write audit rows
(entity "call_review").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.review.checklist import Checklist, RecordedStep, checklist_hints
from operator_app.core.review.views import (
    MAX_PAGE_SIZE,
    CallDetail,
    CallFilter,
    CallList,
    CallSummary,
    CallVerification,
    CapturedStep,
    Feedback,
    FilterChoice,
    Review,
    ReviewChoices,
)
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.scripts_format import ScriptDocument, ScriptFormatError, from_document
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry
from operator_app.storage.repositories import review_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "AUDIT_ENTITY",
    "MAX_COMMENT_LENGTH",
    "call_detail",
    "list_calls",
    "my_feedback",
    "open_feedback",
    "review_choices",
    "score_call",
    "unread_feedback_count",
]

AUDIT_ENTITY = "call_review"
MAX_COMMENT_LENGTH = 4000
_OPEN_CALLS = "open_others_calls"  # the action named when someone opens a call not theirs


def list_calls(database: Database, actor: Actor, call_filter: CallFilter) -> CallList:
    """Finished calls matching the filter, newest first, one page of at most `limit`."""
    require(actor, Permission.REVIEW_CALLS)
    if not 1 <= call_filter.limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "limit", "range", f"a page holds 1 to {MAX_PAGE_SIZE} calls, not {call_filter.limit}"
        )
    if call_filter.offset < 0:
        raise ValidationFailed("offset", "range", "the offset cannot be negative")
    started_from = started_before = None
    if call_filter.period is not None:
        started_from, started_before = call_filter.period.utc_bounds()
    conditions = q.CallConditions(
        started_from=started_from,
        started_before=started_before,
        campaign_id=call_filter.campaign_id,
        operator_id=call_filter.operator_id,
        disposition=call_filter.disposition,
        reviewed=call_filter.reviewed,
        min_talk_seconds=call_filter.min_talk_seconds,
    )
    with database.session() as session:
        rows = q.call_rows(
            session, conditions, limit=call_filter.limit + 1, offset=call_filter.offset
        )
    return CallList(
        calls=tuple(_summary(row) for row in rows[: call_filter.limit]),
        has_more=len(rows) > call_filter.limit,
        offset=call_filter.offset,
    )


def call_detail(database: Database, actor: Actor, call_id: int) -> CallDetail:
    """Everything captured in the call, its outcome, verification, hints and review."""
    with database.session() as session:
        row = _visible_call(session, actor, call_id)
        return _detail(session, row)


def score_call(
    database: Database,
    actor: Actor,
    call_id: int,
    checklist: Checklist,
    comment: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> CallDetail:
    """Store the supervisor's checklist, score and comment for the call; returns the call."""
    require(actor, Permission.REVIEW_CALLS)
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT_LENGTH:
        raise ValidationFailed(
            "comment", "too_long", f"the comment is longer than {MAX_COMMENT_LENGTH} characters"
        )
    moment = now or utcnow()
    score = checklist.score()
    with write_session(database) as session:
        if not q.lock_call(session, call_id):
            raise NotFound(f"call {call_id} does not exist")
        review_id, before = q.save_review(
            session,
            call_id=call_id,
            reviewer_id=actor.user_id,
            checklist=checklist.to_json(),
            score=score,
            comment=text,
            now=moment,
        )
        after: dict[str, Any] = {
            "call_id": call_id,
            "checklist": checklist.to_json(),
            "score": None if score is None else str(score),
            "comment": text,
        }
        _audit(session, actor, review_id, "scored" if before is None else "rescored", before, after)
    with database.session() as session:
        row = q.call_row(session, call_id)
        assert row is not None
        return _detail(session, row)


def my_feedback(database: Database, actor: Actor) -> tuple[Feedback, ...]:
    """Reviews of the actor's own calls: unread first, then the newest."""
    with database.session() as session:
        rows = q.feedback_rows(session, actor.user_id)
    return tuple(Feedback(_summary(row), review) for row in rows if (review := _review(row)))


def unread_feedback_count(database: Database, actor: Actor) -> int:
    with database.session() as session:
        return q.unread_count(session, actor.user_id)


def open_feedback(
    database: Database, actor: Actor, review_id: int, *, now: dt.datetime | None = None
) -> CallDetail:
    """The reviewed call with its review. The call's operator opening it marks it seen; a
    reviewer may read it without marking; nobody else may."""
    with write_session(database) as session:
        found = q.review_call_and_operator(session, review_id)
        if found is None:
            raise NotFound(f"review {review_id} does not exist")
        call_id, operator_id = found
        if operator_id == actor.user_id:
            if q.mark_seen(session, review_id, now or utcnow()):
                _audit(session, actor, review_id, "seen", None, {"call_id": call_id})
        elif not actor.can(Permission.REVIEW_CALLS):
            raise PermissionDenied(_OPEN_CALLS, actor.role.value)
        row = q.call_row(session, call_id)
        assert row is not None
        return _detail(session, row)


def review_choices(database: Database, actor: Actor) -> ReviewChoices:
    """What the call list's filters offer: campaigns, people who called, outcome codes."""
    require(actor, Permission.REVIEW_CALLS)
    with database.session() as session:
        return ReviewChoices(
            campaigns=_choices(q.campaign_choices(session)),
            operators=_choices(q.operator_choices(session)),
            dispositions=_choices(q.disposition_choices(session)),
        )


# --- inside -----------------------------------------------------------------------------------


def _choices(rows: list[q.Choice]) -> tuple[FilterChoice, ...]:
    return tuple(FilterChoice(row.key, row.label) for row in rows)


def _visible_call(session: Session, actor: Actor, call_id: int) -> q.CallRow:
    row = q.call_row(session, call_id)
    if row is None:
        if actor.can(Permission.REVIEW_CALLS):
            raise NotFound(f"call {call_id} does not exist")
        # Whether someone else's call exists is not for this actor to learn.
        raise PermissionDenied(_OPEN_CALLS, actor.role.value)
    if row.operator_id != actor.user_id and not actor.can(Permission.REVIEW_CALLS):
        raise PermissionDenied(_OPEN_CALLS, actor.role.value)
    return row


def _script_label(row: q.CallRow) -> str | None:
    if row.script_name is None:
        return None
    return f"{row.script_name} v{row.script_version}"


def _summary(row: q.CallRow) -> CallSummary:
    duration = None
    if row.ended_at is not None:
        duration = max(0, int((row.ended_at - row.started_at).total_seconds()))
    return CallSummary(
        call_id=row.call_id,
        started_at=row.started_at,
        duration_seconds=duration,
        talk_seconds=row.talk_seconds,
        operator_id=row.operator_id,
        operator_name=row.operator_name,
        campaign_name=row.campaign_name,
        client_name=row.client_name,
        disposition=row.disposition,
        disposition_label=row.disposition_label,
        script_label=_script_label(row),
        reviewed=row.review_id is not None,
        score=row.review_score,
    )


def _review(row: q.CallRow) -> Review | None:
    if row.review_id is None or row.reviewed_at is None:
        return None
    return Review(
        review_id=row.review_id,
        call_id=row.call_id,
        reviewer_name=row.reviewer_name,
        checklist=Checklist.from_json(row.review_checklist or {}),
        score=row.review_score,
        comment=row.review_comment,
        reviewed_at=row.reviewed_at,
        seen_by_operator_at=row.seen_by_operator_at,
    )


def _script(session: Session, script_version_id: int | None) -> ScriptDocument | None:
    if script_version_id is None:
        return None
    document = q.script_document(session, script_version_id)
    if document is None:
        return None
    try:
        return from_document(document)
    except ScriptFormatError:
        return None  # the answers still show, without the script's texts


def _captured(answers: list[q.AnswerRow], script: ScriptDocument | None) -> list[CapturedStep]:
    texts = {step.id: step.text for _stage, step in script.steps()} if script else {}
    titles = {o.id: o.title for o in script.objections()} if script else {}
    return [
        CapturedStep(
            answered_at=a.answered_at,
            step_id=a.step_id,
            stage=a.stage,
            spin=a.spin,
            answer=a.answer,
            free_text=a.free_text,
            objection_id=a.objection_id,
            objection_title=None if a.objection_id is None else titles.get(a.objection_id),
            no_suitable_answer=a.no_suitable_answer,
            step_text=texts.get(a.step_id),
        )
        for a in answers
    ]


def _verification(row: q.VerificationRow | None) -> CallVerification | None:
    if row is None:
        return None
    return CallVerification(
        verdict=row.verdict,
        computed_verdict=row.computed_verdict,
        overridden=row.overridden,
        override_comment=row.override_comment,
        reason=row.reason,
        answers=tuple((row.questions.get(key, key), value) for key, value in row.answers.items()),
        verified_by_name=row.verified_by_name,
        verified_at=row.verified_at,
    )


def _detail(session: Session, row: q.CallRow) -> CallDetail:
    answers = q.answers_of_call(session, row.call_id)
    steps = _captured(answers, _script(session, row.script_version_id))
    # A "no suitable answer" at a step still shows the question was asked.
    hints = checklist_hints(
        RecordedStep(a.stage, a.step_id, a.spin, a.objection_id) for a in answers
    )
    return CallDetail(
        summary=_summary(row),
        lead_id=row.lead_id,
        ended_at=row.ended_at,
        reason=row.reason,
        callback_at=row.callback_at,
        notes=row.notes,
        last_step_id=row.last_step_id,
        script_version_id=row.script_version_id,
        steps=tuple(steps),
        verification=_verification(q.verification_of_call(session, row.call_id)),
        hints=hints,
        review=_review(row),
    )


def _audit(
    session: Session,
    actor: Actor,
    review_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            entity=AUDIT_ENTITY,
            entity_id=review_id,
            action=action,
            before=before,
            after=after,
        )
    )
