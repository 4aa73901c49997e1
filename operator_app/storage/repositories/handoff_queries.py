"""The queries behind hand-offs: checks before handing off, the seller choice, the one-statement
state changes, the seller's and supervisor's lists, and acceptance rates per lead generator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Company,
    Contact,
    CriteriaSet,
    Handoff,
    Lead,
    Office,
    Resource,
    ScriptAnswer,
    User,
    Verification,
    Visit,
)

__all__ = [
    "ACTIVE_VISIT_STATUSES",
    "OPEN_FOR_LEAD",
    "AnswerRow",
    "HandoffRow",
    "HandoffState",
    "LeadForHandoff",
    "NoteRow",
    "RateRow",
    "VerificationRow",
    "VisitRow",
    "acceptance_rates",
    "answers_of_leads",
    "booked_visit",
    "change_state",
    "handoff_rows",
    "latest_verdict",
    "latest_verifications",
    "lead_for_handoff",
    "least_loaded_free_seller",
    "notes_of_leads",
    "open_handoff_of_lead",
    "seller_is_free",
    "state_of",
    "visits_by_id",
]


class HandoffState(StrEnum):
    OFFERED = "offered"  # waits for the seller
    ACCEPTED = "accepted"
    RETURNED = "returned"  # the seller sent it back: waits for a supervisor
    UPHELD = "upheld"  # the return stands: not counted as the lead generator's
    OVERRULED = "overruled"  # the return was wrong: counted as the lead generator's


# A lead has at most one hand-off in these states at a time.
OPEN_FOR_LEAD = (HandoffState.OFFERED, HandoffState.ACCEPTED, HandoffState.RETURNED)
ACTIVE_VISIT_STATUSES = ("booked", "confirmed")


@dataclass(frozen=True, slots=True)
class LeadForHandoff:
    lead_id: int
    campaign_id: int | None
    campaign_name: str | None
    campaign_model: str | None


@dataclass(frozen=True, slots=True)
class VisitRow:
    visit_id: int
    lead_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    resource_name: str
    office_name: str
    office_address: str
    office_time_zone: str


@dataclass(frozen=True, slots=True)
class HandoffRow:
    handoff_id: int
    lead_id: int
    state: str
    campaign_id: int | None
    campaign_name: str | None
    contact_id: int
    client_name: str
    company_id: int | None
    company_name: str | None
    from_user_id: int | None
    from_user_name: str | None
    to_user_id: int | None
    to_user_name: str | None
    visit_id: int | None
    visit_starts_at: dt.datetime | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    return_reason: str | None
    arbitrated_by_id: int | None
    arbitrated_by_name: str | None
    arbitrated_at: dt.datetime | None
    arbitration_comment: str | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    lead_id: int
    answered_at: dt.datetime
    step_id: str
    stage: str
    answer: str | None
    free_text: str | None
    objection_id: str | None


@dataclass(frozen=True, slots=True)
class NoteRow:
    lead_id: int
    started_at: dt.datetime
    operator_name: str | None
    disposition: str | None
    notes: str


@dataclass(frozen=True, slots=True)
class VerificationRow:
    lead_id: int
    verdict: str
    computed_verdict: str
    overridden: bool
    override_comment: str | None
    reason: str | None
    answers: dict[str, Any]
    verified_by_name: str | None
    verified_at: dt.datetime
    questions: dict[str, str]  # criterion id -> question, of the version it was verified by


@dataclass(frozen=True, slots=True)
class RateRow:
    lead_generator_id: int
    lead_generator_name: str
    offered: int
    accepted: int
    returned: int
    upheld: int
    overruled: int
    decided: int
    rate: float | None


def lead_for_handoff(session: Session, lead_id: int, *, lock: bool) -> LeadForHandoff | None:
    """The lead and its campaign's model; with `lock`, the lead row is locked on PostgreSQL so
    two hand-offs of one lead queue up (SQLite's IMMEDIATE transaction already serialises)."""
    lead_query = select(Lead.id, Lead.campaign_id).where(Lead.id == lead_id)
    if lock:
        lead_query = lead_query.with_for_update()
    lead = session.execute(lead_query).first()
    if lead is None:
        return None
    campaign = (
        session.execute(
            select(Campaign.name, Campaign.model).where(Campaign.id == lead.campaign_id)
        ).first()
        if lead.campaign_id is not None
        else None
    )
    return LeadForHandoff(
        lead.id,
        lead.campaign_id,
        campaign.name if campaign else None,
        campaign.model if campaign else None,
    )


def latest_verdict(session: Session, lead_id: int) -> str | None:
    return session.scalar(
        select(Verification.verdict)
        .where(Verification.lead_id == lead_id)
        .order_by(Verification.verified_at.desc(), Verification.id.desc())
        .limit(1)
    )


def _visit_query() -> Any:
    return (
        select(
            Visit.id,
            Visit.lead_id,
            Visit.starts_at,
            Visit.ends_at,
            Visit.status,
            Resource.name,
            Office.name,
            Office.address,
            Office.time_zone,
        )
        .join(Resource, Resource.id == Visit.resource_id)
        .join(Office, Office.id == Resource.office_id)
    )


def booked_visit(
    session: Session, lead_id: int, visit_id: int | None, now: dt.datetime
) -> VisitRow | None:
    """The given visit of the lead if booked or confirmed; without one, the lead's next such
    visit from now on."""
    query = _visit_query().where(Visit.lead_id == lead_id, Visit.status.in_(ACTIVE_VISIT_STATUSES))
    if visit_id is not None:
        query = query.where(Visit.id == visit_id)
    else:
        query = query.where(Visit.starts_at >= now).order_by(Visit.starts_at, Visit.id).limit(1)
    row = session.execute(query).first()
    return None if row is None else VisitRow(*row)


def visits_by_id(session: Session, visit_ids: Collection[int]) -> dict[int, VisitRow]:
    if not visit_ids:
        return {}
    rows = session.execute(_visit_query().where(Visit.id.in_(visit_ids))).all()
    return {row[0]: VisitRow(*row) for row in rows}


def open_handoff_of_lead(session: Session, lead_id: int) -> int | None:
    return session.scalar(
        select(Handoff.id).where(Handoff.lead_id == lead_id, Handoff.state.in_(OPEN_FOR_LEAD))
    )


def _busy_at(seller_id: Any, visit: VisitRow) -> ColumnElement[bool]:
    """Whether the seller has another visit overlapping this one: booked with them (their
    resource) or handed to them (offered or accepted), while booked or confirmed."""
    own_visit = aliased(Visit)
    own_resource = aliased(Resource)
    handed_visit = aliased(Visit)
    handed = aliased(Handoff)
    return or_(
        exists().where(
            own_visit.resource_id == own_resource.id,
            own_resource.user_id == seller_id,
            *_overlapping(own_visit, visit),
        ),
        exists().where(
            handed.visit_id == handed_visit.id,
            handed.to_user_id == seller_id,
            handed.state.in_([HandoffState.OFFERED.value, HandoffState.ACCEPTED.value]),
            *_overlapping(handed_visit, visit),
        ),
    )


def _overlapping(other: Any, visit: VisitRow) -> list[ColumnElement[bool]]:
    return [
        other.id != visit.visit_id,
        other.status.in_(ACTIVE_VISIT_STATUSES),
        other.starts_at < visit.ends_at,
        other.ends_at > visit.starts_at,
    ]


def seller_is_free(session: Session, seller_id: int, visit: VisitRow) -> bool:
    return not session.scalar(select(_busy_at(literal(seller_id), visit)))


def _open_load(now: dt.datetime) -> Any:
    """Per seller: hand-offs still waiting for them, and accepted ones whose visit is ahead."""
    visit = aliased(Visit)
    return (
        select(Handoff.to_user_id.label("seller_id"), func.count().label("load"))
        .outerjoin(visit, visit.id == Handoff.visit_id)
        .where(
            or_(
                Handoff.state == HandoffState.OFFERED,
                and_(Handoff.state == HandoffState.ACCEPTED, visit.starts_at > now),
            )
        )
        .group_by(Handoff.to_user_id)
        .subquery()
    )


def least_loaded_free_seller(session: Session, visit: VisitRow, now: dt.datetime) -> int | None:
    """The active seller with the fewest open hand-offs among those free at the visit's time
    (ties: the lowest id); None when every seller is busy."""
    load = _open_load(now)
    return session.scalar(
        select(User.id)
        .outerjoin(load, load.c.seller_id == User.id)
        .where(User.role == "seller", User.active.is_(True), ~_busy_at(User.id, visit))
        .order_by(func.coalesce(load.c.load, 0), User.id)
        .limit(1)
    )


def change_state(
    session: Session,
    handoff_id: int,
    *,
    from_state: HandoffState,
    to_state: HandoffState,
    to_user_id: int | None = None,
    values: dict[str, Any],
) -> bool:
    """One conditional UPDATE: True when this statement moved the hand-off, False when it was
    not in `from_state` (or not offered to `to_user_id`) — someone else decided first."""
    conditions = [Handoff.id == handoff_id, Handoff.state == from_state]
    if to_user_id is not None:
        conditions.append(Handoff.to_user_id == to_user_id)
    result = session.execute(
        update(Handoff)
        .where(*conditions)
        .values(state=to_state.value, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def state_of(session: Session, handoff_id: int) -> tuple[str, int | None] | None:
    """The hand-off's state and seller, or None when it does not exist."""
    row = session.execute(
        select(Handoff.state, Handoff.to_user_id).where(Handoff.id == handoff_id)
    ).first()
    return None if row is None else (row.state, row.to_user_id)


def handoff_rows(session: Session, *conditions: ColumnElement[bool]) -> list[HandoffRow]:
    """Hand-offs matching `conditions` with names resolved, by visit time then age."""
    lead_generator = aliased(User)
    seller = aliased(User)
    arbiter = aliased(User)
    visit = aliased(Visit)
    rows = session.execute(
        select(
            Handoff.id,
            Handoff.lead_id,
            Handoff.state,
            Lead.campaign_id,
            Campaign.name,
            Contact.id,
            Contact.full_name,
            Company.id,
            Company.name,
            Handoff.from_user_id,
            lead_generator.display_name,
            Handoff.to_user_id,
            seller.display_name,
            Handoff.visit_id,
            visit.starts_at,
            Handoff.created_at,
            Handoff.decided_at,
            Handoff.return_reason,
            Handoff.arbitrated_by_id,
            arbiter.display_name,
            Handoff.arbitrated_at,
            Handoff.arbitration_comment,
        )
        .join(Lead, Lead.id == Handoff.lead_id)
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(Company, Company.id == Contact.company_id)
        .outerjoin(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(lead_generator, lead_generator.id == Handoff.from_user_id)
        .outerjoin(seller, seller.id == Handoff.to_user_id)
        .outerjoin(arbiter, arbiter.id == Handoff.arbitrated_by_id)
        .outerjoin(visit, visit.id == Handoff.visit_id)
        .where(*conditions)
        .order_by(visit.starts_at, Handoff.created_at, Handoff.id)
    ).all()
    return [HandoffRow(*row) for row in rows]


def answers_of_leads(session: Session, lead_ids: Collection[int]) -> list[AnswerRow]:
    """Every script answer captured in the leads' calls, in the order given."""
    if not lead_ids:
        return []
    rows = session.execute(
        select(
            CallAttempt.lead_id,
            ScriptAnswer.answered_at,
            ScriptAnswer.step_id,
            ScriptAnswer.stage,
            ScriptAnswer.answer,
            ScriptAnswer.free_text,
            ScriptAnswer.objection_id,
        )
        .join(CallAttempt, CallAttempt.id == ScriptAnswer.call_id)
        .where(CallAttempt.lead_id.in_(lead_ids))
        .order_by(ScriptAnswer.answered_at, ScriptAnswer.id)
    ).all()
    return [AnswerRow(*row) for row in rows]


def notes_of_leads(session: Session, lead_ids: Collection[int]) -> list[NoteRow]:
    """The operators' notes of the leads' calls, oldest first."""
    if not lead_ids:
        return []
    rows = session.execute(
        select(
            CallAttempt.lead_id,
            CallAttempt.started_at,
            User.display_name,
            CallAttempt.disposition,
            CallAttempt.notes,
        )
        .outerjoin(User, User.id == CallAttempt.operator_id)
        .where(
            CallAttempt.lead_id.in_(lead_ids),
            CallAttempt.notes.is_not(None),
            CallAttempt.notes != "",
        )
        .order_by(CallAttempt.started_at, CallAttempt.id)
    ).all()
    return [NoteRow(*row) for row in rows]


def latest_verifications(session: Session, lead_ids: Collection[int]) -> dict[int, VerificationRow]:
    """The latest verification of each lead that has one."""
    if not lead_ids:
        return {}
    rows = session.execute(
        select(Verification, User.display_name, CriteriaSet.criteria)
        .outerjoin(User, User.id == Verification.verified_by_id)
        .join(CriteriaSet, CriteriaSet.id == Verification.criteria_set_id)
        .where(Verification.lead_id.in_(lead_ids))
        .order_by(Verification.verified_at, Verification.id)
    ).all()
    latest: dict[int, VerificationRow] = {}
    for verification, name, criteria in rows:  # later rows overwrite earlier ones
        latest[verification.lead_id] = VerificationRow(
            lead_id=verification.lead_id,
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
    return latest


def _count_state(state: HandoffState) -> Any:
    return func.coalesce(func.sum(case((Handoff.state == state.value, 1), else_=0)), 0)


def acceptance_rates(
    session: Session,
    *,
    campaign_id: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    lead_generator_id: int | None,
) -> list[RateRow]:
    """Hand-offs per lead generator (offered in [since, until)), counted by state in SQL.

    decided = accepted + upheld + overruled (returns still waiting for arbitration are not
    decided yet); rate = (accepted + overruled) / decided, NULL when nothing is decided.
    """
    accepted = _count_state(HandoffState.ACCEPTED)
    upheld = _count_state(HandoffState.UPHELD)
    overruled = _count_state(HandoffState.OVERRULED)
    decided = accepted + upheld + overruled
    rate = cast(accepted + overruled, Float) / func.nullif(decided, 0)
    query = (
        select(
            Handoff.from_user_id,
            User.display_name,
            func.count(Handoff.id),
            accepted,
            _count_state(HandoffState.RETURNED),
            upheld,
            overruled,
            decided,
            rate,
        )
        .join(User, User.id == Handoff.from_user_id)
        .group_by(Handoff.from_user_id, User.display_name)
        .order_by(User.display_name, Handoff.from_user_id)
    )
    if campaign_id is not None:
        query = query.join(Lead, Lead.id == Handoff.lead_id).where(Lead.campaign_id == campaign_id)
    if since is not None:
        query = query.where(Handoff.created_at >= since)
    if until is not None:
        query = query.where(Handoff.created_at < until)
    if lead_generator_id is not None:
        query = query.where(Handoff.from_user_id == lead_generator_id)
    return [
        RateRow(
            lead_generator_id=row[0],
            lead_generator_name=row[1],
            offered=int(row[2]),
            accepted=int(row[3]),
            returned=int(row[4]),
            upheld=int(row[5]),
            overruled=int(row[6]),
            decided=int(row[7]),
            rate=None if row[8] is None else float(row[8]),
        )
        for row in session.execute(query).all()
    ]
