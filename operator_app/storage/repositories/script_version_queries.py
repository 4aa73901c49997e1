"""The queries behind the script versions page: versions with their call counts, campaigns'
script splits, and the "no suitable answer" entries captured in calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    AuditEntry,
    CallAttempt,
    Campaign,
    Script,
    ScriptAnswer,
    ScriptVersion,
    User,
)

__all__ = [
    "CampaignScriptRow",
    "NoAnswerRow",
    "NoAnswerStepRow",
    "VersionRow",
    "add_campaign_audit",
    "campaign_for_update",
    "campaigns_with_scripts",
    "no_suitable_answer_steps",
    "no_suitable_answers",
    "published_version_ids",
    "replace_campaign_settings",
    "version_documents",
    "versions",
]


@dataclass(frozen=True, slots=True)
class VersionRow:
    version_id: int
    script_id: int
    script_name: str
    version: int
    published: bool
    created_at: dt.datetime
    created_by: str | None
    calls: int
    first_call_at: dt.datetime | None
    last_call_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class CampaignScriptRow:
    campaign_id: int
    name: str
    script_id: int | None
    script_name: str | None
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoAnswerStepRow:
    script_version_id: int | None
    script_name: str | None
    version: int | None
    step_id: str
    stage: str
    count: int
    last_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NoAnswerRow:
    answer_id: int
    call_id: int
    script_version_id: int | None
    script_name: str | None
    version: int | None
    step_id: str
    stage: str
    client_said: str | None
    answered_at: dt.datetime
    operator: str | None


def versions(session: Session, script_id: int | None = None) -> list[VersionRow]:
    """Every version (of one script, or of all), newest first within a script, with how many
    calls used it — counted by the database."""
    calls = (
        select(
            CallAttempt.script_version_id.label("version_id"),
            func.count().label("calls"),
            func.min(CallAttempt.started_at).label("first_at"),
            func.max(CallAttempt.started_at).label("last_at"),
        )
        .where(CallAttempt.script_version_id.is_not(None))
        .group_by(CallAttempt.script_version_id)
        .subquery()
    )
    query = (
        select(
            ScriptVersion.id,
            ScriptVersion.script_id,
            Script.name,
            ScriptVersion.version,
            ScriptVersion.published,
            ScriptVersion.created_at,
            User.display_name,
            func.coalesce(calls.c.calls, 0),
            calls.c.first_at,
            calls.c.last_at,
        )
        .join(Script, Script.id == ScriptVersion.script_id)
        .outerjoin(User, User.id == ScriptVersion.created_by_id)
        .outerjoin(calls, calls.c.version_id == ScriptVersion.id)
        .order_by(Script.name, ScriptVersion.version.desc())
    )
    if script_id is not None:
        query = query.where(ScriptVersion.script_id == script_id)
    return [
        VersionRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], int(r[7]), r[8], r[9])
        for r in session.execute(query)
    ]


def version_documents(session: Session, version_ids: set[int]) -> dict[int, dict[str, Any]]:
    if not version_ids:
        return {}
    rows = session.execute(
        select(ScriptVersion.id, ScriptVersion.document).where(ScriptVersion.id.in_(version_ids))
    )
    return {row[0]: dict(row[1]) for row in rows}


def published_version_ids(session: Session, script_id: int) -> set[int]:
    return set(
        session.scalars(
            select(ScriptVersion.id).where(
                ScriptVersion.script_id == script_id, ScriptVersion.published.is_(True)
            )
        )
    )


def _campaigns() -> Any:
    return (
        select(Campaign.id, Campaign.name, Campaign.script_id, Script.name, Campaign.settings)
        .outerjoin(Script, Script.id == Campaign.script_id)
        .order_by(Campaign.name)
    )


def _campaign_row(row: Any) -> CampaignScriptRow:
    return CampaignScriptRow(row[0], row[1], row[2], row[3], dict(row[4] or {}))


def campaigns_with_scripts(session: Session) -> list[CampaignScriptRow]:
    """Active campaigns that have a call script, by name."""
    query = _campaigns().where(Campaign.active.is_(True), Campaign.script_id.is_not(None))
    return [_campaign_row(row) for row in session.execute(query)]


def campaign_for_update(session: Session, campaign_id: int) -> CampaignScriptRow | None:
    """The campaign, its row locked (PostgreSQL) so two editors never overwrite each other's
    settings keys."""
    row = session.execute(
        _campaigns().where(Campaign.id == campaign_id).with_for_update(of=Campaign)
    ).one_or_none()
    return None if row is None else _campaign_row(row)


def replace_campaign_settings(session: Session, campaign_id: int, settings: dict[str, Any]) -> None:
    session.execute(update(Campaign).where(Campaign.id == campaign_id).values(settings=settings))


def add_campaign_audit(
    session: Session,
    user_id: int,
    campaign_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            entity="campaign",
            entity_id=campaign_id,
            action=action,
            before=before,
            after=after,
        )
    )


def _no_answer_filter(
    query: Any, script_id: int | None, since: dt.datetime | None, until: dt.datetime | None
) -> Any:
    query = query.where(ScriptAnswer.no_suitable_answer.is_(True))
    if script_id is not None:
        query = query.where(ScriptVersion.script_id == script_id)
    if since is not None:
        query = query.where(ScriptAnswer.answered_at >= since)
    if until is not None:
        query = query.where(ScriptAnswer.answered_at < until)
    return query


def no_suitable_answer_steps(
    session: Session,
    *,
    script_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[NoAnswerStepRow]:
    """Steps where operators found no suitable answer, per script version, most entries
    first."""
    count = func.count().label("entries")
    query = (
        select(
            CallAttempt.script_version_id,
            Script.name,
            ScriptVersion.version,
            ScriptAnswer.step_id,
            ScriptAnswer.stage,
            count,
            func.max(ScriptAnswer.answered_at),
        )
        .join(CallAttempt, CallAttempt.id == ScriptAnswer.call_id)
        .outerjoin(ScriptVersion, ScriptVersion.id == CallAttempt.script_version_id)
        .outerjoin(Script, Script.id == ScriptVersion.script_id)
        .group_by(
            CallAttempt.script_version_id,
            Script.name,
            ScriptVersion.version,
            ScriptAnswer.step_id,
            ScriptAnswer.stage,
        )
        .order_by(count.desc(), Script.name, ScriptVersion.version.desc(), ScriptAnswer.step_id)
    )
    query = _no_answer_filter(query, script_id, since, until)
    return [
        NoAnswerStepRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6])
        for r in session.execute(query)
    ]


def no_suitable_answers(
    session: Session,
    *,
    script_id: int | None = None,
    step: tuple[int | None, str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 500,
) -> list[NoAnswerRow]:
    """The entries themselves, newest first: what the client said, when, who called.

    `step` = (script version id, step id) narrows them to one row of
    `no_suitable_answer_steps` (a None version: calls that recorded none)."""
    query = (
        select(
            ScriptAnswer.id,
            ScriptAnswer.call_id,
            CallAttempt.script_version_id,
            Script.name,
            ScriptVersion.version,
            ScriptAnswer.step_id,
            ScriptAnswer.stage,
            ScriptAnswer.free_text,
            ScriptAnswer.answered_at,
            User.display_name,
        )
        .join(CallAttempt, CallAttempt.id == ScriptAnswer.call_id)
        .outerjoin(ScriptVersion, ScriptVersion.id == CallAttempt.script_version_id)
        .outerjoin(Script, Script.id == ScriptVersion.script_id)
        .outerjoin(User, User.id == CallAttempt.operator_id)
        .order_by(ScriptAnswer.answered_at.desc(), ScriptAnswer.id.desc())
        .limit(limit)
    )
    query = _no_answer_filter(query, script_id, since, until)
    if step is not None:
        version_id, step_id = step
        query = query.where(
            CallAttempt.script_version_id.is_(None)
            if version_id is None
            else CallAttempt.script_version_id == version_id,
            ScriptAnswer.step_id == step_id,
        )
    return [
        NoAnswerRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
        for r in session.execute(query)
    ]
