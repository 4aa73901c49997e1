"""Names for the dashboard: filter choices and the labels of breakdown rows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    Campaign,
    CriteriaSet,
    LeadList,
    Script,
    ScriptVersion,
    User,
)

__all__ = [
    "CALLING_ROLES",
    "Named",
    "campaign_by_name",
    "campaigns",
    "lead_lists",
    "newest_script_documents",
    "people",
    "script_documents",
    "script_versions",
]

# Roles that may make calls (core/roles.py: WORK_QUEUE).
CALLING_ROLES = ("operator", "seller", "supervisor")


@dataclass(frozen=True, slots=True)
class Named:
    key: int
    name: str
    login: str | None = None
    hypothesis: str | None = None
    version: int | None = None


def campaigns(session: Session, ids: Collection[int] | None = None) -> list[Named]:
    statement = select(Campaign.id, Campaign.name).order_by(Campaign.name)
    if ids is not None:
        statement = statement.where(Campaign.id.in_(ids))
    return [Named(key, name) for key, name in session.execute(statement)]


def campaign_by_name(session: Session, name: str) -> int | None:
    return session.scalar(select(Campaign.id).where(Campaign.name == name))


def lead_lists(session: Session, ids: Collection[int] | None = None) -> list[Named]:
    statement = select(LeadList.id, LeadList.name, LeadList.hypothesis).order_by(LeadList.name)
    if ids is not None:
        statement = statement.where(LeadList.id.in_(ids))
    return [
        Named(key, name, hypothesis=hypothesis)
        for key, name, hypothesis in session.execute(statement)
    ]


def people(
    session: Session, ids: Collection[int] | None = None, *, callers_only: bool = False
) -> list[Named]:
    """Users by display name; `callers_only`: active users whose role makes calls."""
    statement = select(User.id, User.display_name, User.login).order_by(
        User.display_name, User.login
    )
    if ids is not None:
        statement = statement.where(User.id.in_(ids))
    if callers_only:
        statement = statement.where(User.active.is_(True), User.role.in_(CALLING_ROLES))
    return [Named(key, name, login=login) for key, name, login in session.execute(statement)]


def script_versions(session: Session, ids: Collection[int] | None = None) -> list[Named]:
    statement = (
        select(ScriptVersion.id, Script.name, ScriptVersion.version)
        .join(Script, Script.id == ScriptVersion.script_id)
        .order_by(Script.name, ScriptVersion.version.desc())
    )
    if ids is not None:
        statement = statement.where(ScriptVersion.id.in_(ids))
    return [Named(key, name, version=version) for key, name, version in session.execute(statement)]


def script_documents(session: Session, ids: Collection[int]) -> dict[int, dict[str, Any]]:
    statement = select(ScriptVersion.id, ScriptVersion.document).where(ScriptVersion.id.in_(ids))
    return {key: document for key, document in session.execute(statement)}


def newest_script_documents(session: Session) -> list[dict[str, Any]]:
    """The newest version's document of every script."""
    newest = (
        select(ScriptVersion.script_id, func.max(ScriptVersion.version).label("version"))
        .group_by(ScriptVersion.script_id)
        .subquery("newest")
    )
    statement = select(ScriptVersion.document).join(
        newest,
        (newest.c.script_id == ScriptVersion.script_id)
        & (newest.c.version == ScriptVersion.version),
    )
    return list(session.scalars(statement.order_by(ScriptVersion.script_id)))


def non_target_reason_lists(session: Session) -> list[Any]:
    """Every criteria version's non-target reasons (stored {code, label} lists), oldest first."""
    statement = select(CriteriaSet.reasons).order_by(CriteriaSet.version, CriteriaSet.id)
    return list(session.scalars(statement))
