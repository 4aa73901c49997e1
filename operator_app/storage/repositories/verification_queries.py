"""The queries behind criteria versions and verifications."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Contact,
    CriteriaSet,
    Lead,
    User,
    Verification,
)

__all__ = [
    "VerificationRow",
    "add_criteria_set",
    "add_verification",
    "begin_write",
    "call_lead_id",
    "current_criteria_set",
    "existing_user_id",
    "latest_verification",
    "lead_campaign_id",
    "lock_campaign",
    "overridden_verifications",
]


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write: call it before anything else in it.

    On SQLite the write lock is taken at once, so two saves that number versions run one
    after the other instead of failing on a lock upgrade.
    """
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_campaign(session: Session, campaign_id: int) -> bool:
    """Lock the campaign row (PostgreSQL); False when there is no such campaign."""
    found = session.scalar(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update())
    return found is not None


def current_criteria_set(session: Session, campaign_id: int) -> CriteriaSet | None:
    return session.scalars(
        select(CriteriaSet)
        .where(CriteriaSet.campaign_id == campaign_id)
        .order_by(CriteriaSet.version.desc())
        .limit(1)
    ).first()


def existing_user_id(session: Session, user_id: int) -> int | None:
    """The id when such a user exists (the command line acts as nobody on an empty database)."""
    return user_id if session.get(User, user_id) is not None else None


def add_criteria_set(
    session: Session,
    campaign_id: int,
    criteria: list[dict[str, Any]],
    reasons: list[dict[str, str]],
    created_by_id: int,
) -> CriteriaSet:
    highest = session.scalar(
        select(func.max(CriteriaSet.version)).where(CriteriaSet.campaign_id == campaign_id)
    )
    row = CriteriaSet(
        campaign_id=campaign_id,
        version=(highest or 0) + 1,
        criteria=criteria,
        reasons=reasons,
        created_by_id=existing_user_id(session, created_by_id),
    )
    session.add(row)
    session.flush()
    return row


def lead_campaign_id(session: Session, lead_id: int) -> tuple[bool, int | None]:
    """(whether the lead exists, its campaign id)."""
    row = session.execute(select(Lead.campaign_id).where(Lead.id == lead_id)).first()
    return (False, None) if row is None else (True, row[0])


def call_lead_id(session: Session, call_id: int) -> int | None:
    return session.scalar(select(CallAttempt.lead_id).where(CallAttempt.id == call_id))


def add_verification(session: Session, **values: Any) -> int:
    row = Verification(**values)
    session.add(row)
    session.flush()
    return row.id


class VerificationRow(NamedTuple):
    verification: Verification
    campaign_id: int
    campaign_name: str
    criteria_version: int
    reasons: list[Any]
    contact_name: str | None
    verified_by_name: str | None


def _verifications() -> Select[Any]:
    verifier = aliased(User)
    return (
        select(
            Verification,
            CriteriaSet.campaign_id,
            Campaign.name,
            CriteriaSet.version,
            CriteriaSet.reasons,
            Contact.full_name,
            verifier.display_name,
        )
        .join(CriteriaSet, CriteriaSet.id == Verification.criteria_set_id)
        .join(Campaign, Campaign.id == CriteriaSet.campaign_id)
        .join(Lead, Lead.id == Verification.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(verifier, verifier.id == Verification.verified_by_id)
    )


def latest_verification(session: Session, lead_id: int) -> VerificationRow | None:
    row = session.execute(
        _verifications()
        .where(Verification.lead_id == lead_id)
        .order_by(Verification.verified_at.desc(), Verification.id.desc())
        .limit(1)
    ).first()
    return None if row is None else VerificationRow(*row)


def overridden_verifications(
    session: Session, campaign_id: int | None, since: dt.datetime | None = None
) -> list[VerificationRow]:
    query = _verifications().where(Verification.overridden.is_(True))
    if campaign_id is not None:
        query = query.where(CriteriaSet.campaign_id == campaign_id)
    if since is not None:
        query = query.where(Verification.verified_at >= since)
    query = query.order_by(Verification.verified_at.desc(), Verification.id.desc())
    return [VerificationRow(*row) for row in session.execute(query)]
