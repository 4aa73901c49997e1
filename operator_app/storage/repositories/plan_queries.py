"""The queries behind plans and scorecards: plans and KPI weights, people, each person's
facts per local day (one GROUP BY per metric, sent as one statement) and working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    delete,
    func,
    literal_column,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from operator_app.storage.models import (
    CallAttempt,
    Disposition,
    Handoff,
    KpiWeight,
    Lead,
    Plan,
    User,
    UserStatusPeriod,
    Visit,
    VisitResult,
)
from operator_app.storage.repositories.report_sql import local_day, parse_day

__all__ = [
    "ACCEPTED_HANDOFF_STATES",
    "DEFAULT_POSITIVE_CODES",
    "FactRow",
    "PersonRow",
    "PlanRow",
    "WeightRow",
    "daily_facts",
    "delete_plan",
    "insert_plan",
    "people",
    "plan_by_id",
    "plan_rows",
    "replace_weights",
    "update_plan",
    "weight_rows",
    "working_days",
]

# Used for a campaign without its own row for the code (see core/outcomes.py).
DEFAULT_POSITIVE_CODES = ("lead", "visit_booked")
# An overruled return counts as the lead generator's; an upheld one does not.
ACCEPTED_HANDOFF_STATES = ("accepted", "overruled")
# Fact codes the daily query returns; talk is in seconds (the service makes minutes of it).
CALLS, TALK_SECONDS, LEADS = "calls", "talk_seconds", "leads"
HANDOFFS_ACCEPTED, VISITS_BOOKED, HELD_VISITS, SALES = (
    "handoffs_accepted",
    "visits_booked",
    "held_visits",
    "sales",
)


@dataclass(frozen=True, slots=True)
class PlanRow:
    plan_id: int
    user_id: int | None
    user_name: str | None
    role: str | None
    metric: str
    per_day: Decimal
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class WeightRow:
    weight_id: int
    role: str
    metric: str
    weight: Decimal
    cutoff: Decimal


@dataclass(frozen=True, slots=True)
class PersonRow:
    user_id: int
    login: str
    name: str
    role: str
    active: bool


@dataclass(frozen=True, slots=True)
class FactRow:
    user_id: int
    day: dt.date
    fact: str  # one of the codes above
    value: int


# --- plans --------------------------------------------------------------------------------------


def _plan_statement() -> Select[Any]:
    return (
        select(
            Plan.id,
            Plan.user_id,
            User.display_name,
            Plan.role,
            Plan.metric,
            Plan.per_day,
            Plan.valid_from,
            Plan.valid_to,
        )
        .outerjoin(User, User.id == Plan.user_id)
        .order_by(Plan.role.is_(None), Plan.role, User.display_name, Plan.metric, Plan.valid_from)
    )


def _plan_row(row: Any) -> PlanRow:
    return PlanRow(
        plan_id=row.id,
        user_id=row.user_id,
        user_name=row.display_name,
        role=row.role,
        metric=row.metric,
        per_day=Decimal(row.per_day),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def plan_rows(session: Session, *, valid_on: dt.date | None = None) -> list[PlanRow]:
    """Every plan (roles' first), or only those in effect on `valid_on`."""
    statement = _plan_statement()
    if valid_on is not None:
        statement = statement.where(
            Plan.valid_from <= valid_on, or_(Plan.valid_to.is_(None), Plan.valid_to >= valid_on)
        )
    return [_plan_row(row) for row in session.execute(statement)]


def plan_by_id(session: Session, plan_id: int) -> PlanRow | None:
    row = session.execute(_plan_statement().where(Plan.id == plan_id)).first()
    return None if row is None else _plan_row(row)


def insert_plan(
    session: Session,
    *,
    user_id: int | None,
    role: str | None,
    metric: str,
    per_day: Decimal,
    valid_from: dt.date,
    valid_to: dt.date | None,
) -> int:
    plan = Plan(
        user_id=user_id,
        role=role,
        metric=metric,
        per_day=per_day,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(plan)
    session.flush()
    return plan.id


def update_plan(session: Session, plan_id: int, **values: Any) -> bool:
    plan = session.get(Plan, plan_id)
    if plan is None:
        return False
    for name, value in values.items():
        setattr(plan, name, value)
    session.flush()
    return True


def delete_plan(session: Session, plan_id: int) -> bool:
    result = session.execute(delete(Plan).where(Plan.id == plan_id))
    return bool(getattr(result, "rowcount", 0))


# --- KPI weights --------------------------------------------------------------------------------


def weight_rows(session: Session, role: str | None = None) -> list[WeightRow]:
    statement = select(KpiWeight).order_by(
        KpiWeight.role, KpiWeight.weight.desc(), KpiWeight.metric
    )
    if role is not None:
        statement = statement.where(KpiWeight.role == role)
    return [
        WeightRow(row.id, row.role, row.metric, Decimal(row.weight), Decimal(row.cutoff))
        for row in session.scalars(statement)
    ]


def replace_weights(
    session: Session, role: str, weights: Sequence[tuple[str, Decimal, Decimal]]
) -> None:
    session.execute(delete(KpiWeight).where(KpiWeight.role == role))
    session.add_all(
        KpiWeight(role=role, metric=metric, weight=weight, cutoff=cutoff)
        for metric, weight, cutoff in weights
    )
    session.flush()


# --- people -------------------------------------------------------------------------------------


def people(session: Session, user_ids: Collection[int] | None = None) -> list[PersonRow]:
    statement = select(User.id, User.login, User.display_name, User.role, User.active).order_by(
        User.display_name, User.id
    )
    if user_ids is not None:
        statement = statement.where(User.id.in_(list(user_ids)))
    return [PersonRow(*row) for row in session.execute(statement)]


# --- facts --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bounds:
    start: dt.datetime
    end: dt.datetime
    offset_minutes: int
    dialect: str
    user_ids: list[int] | None

    def day(self, column: Any) -> Any:
        return local_day(column, self.offset_minutes, self.dialect)

    def between(self, column: Any) -> Any:
        return and_(column >= self.start, column < self.end)

    def people(self, column: Any) -> Any:
        return column.is_not(None) if self.user_ids is None else column.in_(self.user_ids)


def _code(fact: str) -> Any:
    return literal_column(f"'{fact}'")  # a constant of this module: safe in the SQL text


def _finished_calls(b: _Bounds, fact: str, value: Any) -> Select[Any]:
    person = CallAttempt.operator_id
    day = b.day(CallAttempt.started_at)
    return (
        select(person.label("user_id"), day.label("day"), _code(fact).label("fact"), value)
        .where(
            b.people(person),
            CallAttempt.disposition.is_not(None),
            b.between(CallAttempt.started_at),
        )
        .group_by(person, day)
    )


def _leads(b: _Bounds) -> Select[Any]:
    """Each (person, lead) counts once: on the local day of the first positive call."""
    positive = or_(
        Disposition.positive.is_(True),
        and_(Disposition.id.is_(None), CallAttempt.disposition.in_(DEFAULT_POSITIVE_CODES)),
    )
    first = (
        select(
            CallAttempt.operator_id.label("user_id"),
            func.min(CallAttempt.started_at).label("first_at"),
        )
        .join(Lead, Lead.id == CallAttempt.lead_id)
        .outerjoin(
            Disposition,
            and_(
                Disposition.campaign_id == Lead.campaign_id,
                Disposition.code == CallAttempt.disposition,
            ),
        )
        .where(b.people(CallAttempt.operator_id), b.between(CallAttempt.started_at), positive)
        .group_by(CallAttempt.operator_id, CallAttempt.lead_id)
        .subquery()
    )
    day = b.day(first.c.first_at)
    return select(
        first.c.user_id, day.label("day"), _code(LEADS).label("fact"), func.count().label("value")
    ).group_by(first.c.user_id, day)


def _counted(b: _Bounds, fact: str, person: Any, moment: Any, *where: Any) -> Select[Any]:
    day = b.day(moment)
    return (
        select(
            person.label("user_id"),
            day.label("day"),
            _code(fact).label("fact"),
            func.count().label("value"),
        )
        .where(b.people(person), b.between(moment), *where)
        .group_by(person, day)
    )


def _sales(b: _Bounds) -> Select[Any]:
    day = b.day(Visit.starts_at)
    return (
        select(
            Visit.booked_by_id.label("user_id"),
            day.label("day"),
            _code(SALES).label("fact"),
            func.count(func.distinct(Visit.id)).label("value"),
        )
        .join(VisitResult, VisitResult.visit_id == Visit.id)
        .where(
            b.people(Visit.booked_by_id),
            b.between(Visit.starts_at),
            VisitResult.sale.is_(True),
        )
        .group_by(Visit.booked_by_id, day)
    )


def daily_facts(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    offset_minutes: int,
    user_ids: Collection[int] | None = None,
) -> list[FactRow]:
    """Every person's facts per local day in [start, end), by the metric definitions:
    calls and talk by the call's start, leads on the day of the first positive call, accepted
    hand-offs by decision, bookings (not moves) by booking time, held visits and sales by the
    visit's start; visits belong to whoever booked them."""
    b = _Bounds(
        start,
        end,
        offset_minutes,
        session.get_bind().dialect.name,
        None if user_ids is None else list(user_ids),
    )
    statement = union_all(
        _finished_calls(b, CALLS, func.count().label("value")),
        _finished_calls(b, TALK_SECONDS, func.sum(CallAttempt.talk_seconds).label("value")),
        _leads(b),
        _counted(
            b,
            HANDOFFS_ACCEPTED,
            Handoff.from_user_id,
            Handoff.decided_at,
            Handoff.state.in_(ACCEPTED_HANDOFF_STATES),
        ),
        _counted(
            b,
            VISITS_BOOKED,
            Visit.booked_by_id,
            Visit.booked_at,
            Visit.rescheduled_from_id.is_(None),
        ),
        _counted(b, HELD_VISITS, Visit.booked_by_id, Visit.starts_at, Visit.status == "held"),
        _sales(b),
    )
    return [
        FactRow(int(row.user_id), parse_day(row.day), str(row.fact), int(row.value or 0))
        for row in session.execute(statement)
    ]


def working_days(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    offset_minutes: int,
    user_ids: Collection[int] | None = None,
) -> dict[int, int]:
    """Per person, the local days in [start, end) with a call or a status period begun."""
    b = _Bounds(
        start,
        end,
        offset_minutes,
        session.get_bind().dialect.name,
        None if user_ids is None else list(user_ids),
    )
    days = union(
        select(
            CallAttempt.operator_id.label("user_id"), b.day(CallAttempt.started_at).label("day")
        ).where(b.people(CallAttempt.operator_id), b.between(CallAttempt.started_at)),
        select(
            UserStatusPeriod.user_id.label("user_id"),
            b.day(UserStatusPeriod.started_at).label("day"),
        ).where(b.people(UserStatusPeriod.user_id), b.between(UserStatusPeriod.started_at)),
    ).subquery()
    statement = select(days.c.user_id, func.count()).group_by(days.c.user_id)
    return {int(user_id): int(count) for user_id, count in session.execute(statement)}
