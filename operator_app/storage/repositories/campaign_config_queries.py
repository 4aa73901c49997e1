"""The queries behind campaign files: a campaign's configuration rows, read and replaced."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    CallingHours,
    Campaign,
    Disposition,
    Script,
    ScriptVersion,
)

__all__ = [
    "calling_hours",
    "campaign_by_name",
    "campaigns_by_name",
    "dispositions",
    "latest_script_document",
    "replace_calling_hours",
    "script_id",
    "script_name",
]


def campaign_by_name(session: Session, name: str) -> Campaign | None:
    """The campaign with this name, locked for update (PostgreSQL)."""
    return session.scalars(select(Campaign).where(Campaign.name == name).with_for_update()).first()


def campaigns_by_name(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.name)))


def script_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Script.id).where(Script.name == name))


def script_name(session: Session, script_id: int | None) -> str | None:
    if script_id is None:
        return None
    return session.scalar(select(Script.name).where(Script.id == script_id))


def campaign_script_id(session: Session, campaign_id: int) -> int | None:
    return session.scalar(select(Campaign.script_id).where(Campaign.id == campaign_id))


def latest_script_document(session: Session, script_id: int) -> dict[str, Any] | None:
    return session.scalar(
        select(ScriptVersion.document)
        .where(ScriptVersion.script_id == script_id)
        .order_by(ScriptVersion.version.desc())
        .limit(1)
    )


def calling_hours(session: Session, campaign_id: int) -> list[CallingHours]:
    return list(
        session.scalars(
            select(CallingHours)
            .where(CallingHours.campaign_id == campaign_id)
            .order_by(CallingHours.weekday, CallingHours.starts)
        )
    )


def replace_calling_hours(
    session: Session, campaign_id: int, intervals: list[tuple[int, Any, Any]]
) -> None:
    """Replace the campaign's calling hours by (weekday, starts, ends) intervals."""
    session.execute(delete(CallingHours).where(CallingHours.campaign_id == campaign_id))
    session.add_all(
        CallingHours(campaign_id=campaign_id, weekday=weekday, starts=starts, ends=ends)
        for weekday, starts, ends in intervals
    )


def dispositions(session: Session, campaign_id: int) -> list[Disposition]:
    return list(
        session.scalars(
            select(Disposition)
            .where(Disposition.campaign_id == campaign_id)
            .order_by(Disposition.sort_order, Disposition.id)
        )
    )
