"""The dashboard's lists: non-target and no-show reasons, where calls end, objections per step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, literal_column, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from operator_app.storage.models import CallAttempt, Lead, ScriptAnswer, Task, Verification, Visit
from operator_app.storage.repositories.report_scope import (
    ReportScope,
    lead_conditions,
    lead_had_call_with_version,
)

__all__ = [
    "NON_TARGET_CODE",
    "call_end_steps",
    "no_show_reasons",
    "non_target_reasons",
    "objections_per_step",
]

NON_TARGET_CODE = "not_target"
FEEDBACK_TASK_KIND = "feedback_call"


def _calls(scope: ReportScope, statement: Select[Any]) -> Select[Any]:
    """Finished calls of the period that pass the filters (`statement` selects from calls)."""
    conditions = [scope.in_period(CallAttempt.started_at), CallAttempt.disposition.is_not(None)]
    if scope.filters_leads:
        statement = statement.join(Lead, Lead.id == CallAttempt.lead_id)
        conditions += lead_conditions(scope)
    if scope.operator_id is not None:
        conditions.append(CallAttempt.operator_id == scope.operator_id)
    if scope.script_version_id is not None:
        conditions.append(CallAttempt.script_version_id == scope.script_version_id)
    return statement.where(*conditions)


def _rare(scope: ReportScope, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Tells SQLite's planner that few rows match, so it starts from that side's index
    (without statistics on NULLs it would walk every call of the period instead)."""
    if scope.dialect_name == "sqlite":
        return func.likelihood(condition, literal_column("0.01"))  # type: ignore[no-any-return]
    return condition


def _lead_linked(
    scope: ReportScope, statement: Select[Any], lead_id: Any, person: Any
) -> Select[Any]:
    conditions = []
    if scope.filters_leads:
        statement = statement.join(Lead, Lead.id == lead_id)
        conditions += lead_conditions(scope)
    if scope.operator_id is not None:
        conditions.append(person == scope.operator_id)
    if scope.script_version_id is not None:
        conditions.append(lead_had_call_with_version(lead_id, scope.script_version_id))
    return statement.where(*conditions) if conditions else statement


def non_target_reasons(session: Session, scope: ReportScope) -> list[tuple[str, int]]:
    """Leads per reason, most frequent first: non-target verdicts and non-target call outcomes.

    A lead counts once per reason even when both its verdict and its call name that reason.
    """
    verdicts = _lead_linked(
        scope,
        select(Verification.lead_id.label("lead_id"), Verification.reason.label("reason")),
        Verification.lead_id,
        Verification.verified_by_id,
    ).where(
        Verification.verdict == "non_target",
        Verification.reason.is_not(None),
        scope.in_period(Verification.verified_at),
    )
    calls = _calls(
        scope,
        select(CallAttempt.lead_id.label("lead_id"), CallAttempt.reason.label("reason")),
    ).where(CallAttempt.disposition == NON_TARGET_CODE, CallAttempt.reason.is_not(None))
    pairs = union(verdicts, calls).subquery("pairs")
    count = func.count().label("n")
    statement = (
        select(pairs.c.reason, count)
        .where(pairs.c.reason != "")
        .group_by(pairs.c.reason)
        .order_by(count.desc(), pairs.c.reason)
    )
    return [(str(reason), int(n)) for reason, n in session.execute(statement)]


def no_show_reasons(session: Session, scope: ReportScope) -> list[tuple[str, int]]:
    """No-shows of the period per reason, most frequent first.

    The reason is the visit's own (`cancel_reason`, when someone typed one on the no-show),
    else what the client said on the feedback call (the done feedback task's note); no-shows
    with neither are left out (their number is in the figures).
    """
    feedback = (
        select(Task.note)
        .where(
            Task.visit_id == Visit.id,
            Task.kind == FEEDBACK_TASK_KIND,
            Task.state == "done",
            Task.note.is_not(None),
        )
        .order_by(Task.done_at.desc(), Task.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    own = func.nullif(func.trim(Visit.cancel_reason), "")
    reason = func.coalesce(own, feedback).label("reason")
    visits = _lead_linked(scope, select(reason), Visit.lead_id, Visit.booked_by_id).where(
        Visit.status == "no_show", scope.in_period(Visit.starts_at)
    )
    reasons = visits.subquery("reasons")
    count = func.count().label("n")
    statement = (
        select(reasons.c.reason, count)
        .where(reasons.c.reason.is_not(None))
        .group_by(reasons.c.reason)
        .order_by(count.desc(), reasons.c.reason)
    )
    return [(str(text), int(n)) for text, n in session.execute(statement)]


def call_end_steps(session: Session, scope: ReportScope) -> list[tuple[int | None, str, int]]:
    """(script version, last step, calls ending there), most frequent first."""
    count = func.count().label("n")
    statement = (
        _calls(
            scope,
            select(CallAttempt.script_version_id, CallAttempt.last_step_id, count).select_from(
                CallAttempt
            ),
        )
        .where(CallAttempt.last_step_id.is_not(None))
        .group_by(CallAttempt.script_version_id, CallAttempt.last_step_id)
        .order_by(count.desc(), CallAttempt.script_version_id, CallAttempt.last_step_id)
    )
    return [(version, str(step), int(n)) for version, step, n in session.execute(statement)]


def objections_per_step(session: Session, scope: ReportScope) -> list[tuple[str, str, int]]:
    """(step, objection, times raised) in the selected calls, most frequent first."""
    count = func.count().label("n")
    statement = (
        _calls(
            scope,
            select(ScriptAnswer.step_id, ScriptAnswer.objection_id, count)
            .select_from(ScriptAnswer)
            .join(CallAttempt, CallAttempt.id == ScriptAnswer.call_id),
        )
        .where(_rare(scope, ScriptAnswer.objection_id.is_not(None)))
        .group_by(ScriptAnswer.step_id, ScriptAnswer.objection_id)
        .order_by(count.desc(), ScriptAnswer.step_id, ScriptAnswer.objection_id)
    )
    return [
        (str(step), str(objection), int(n)) for step, objection, n in session.execute(statement)
    ]
