"""Plans, KPI weights and scorecards.

A plan is a number per day for one metric, for one person or for everyone in a role, valid
from a day (to a day, or open-ended). The plan that counts for a person and a metric is the
one in effect on the scorecard's reference day (today, or the period's last day if it is
over): the person's own beats their role's; among several, the latest `valid_from` wins, so
a new plan may start without closing the old one.

Facts are a cumulative average to date: the total of the period's days up to today divided by
the person's working days in that span — the local days on which they made a call or began a
status period (ready, break, after-call work: they were signed in). A day off does not pull
the average down; a day signed in without a single result does.

Supervisors and administrators (VIEW_ALL_KPIS) see everyone's scorecards and edit plans and
weights; anyone else sees their own scorecard only. Changes are audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.reports.kpi import (
    KpiMetric,
    MetricScore,
    WeightProblem,
    score_metric,
    scorecard_total,
    weight_problems,
)
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Actor, Permission, Role, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry
from operator_app.storage.repositories import plan_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "Person",
    "PlanService",
    "PlanView",
    "Scorecard",
    "WeightView",
]

_FACT_OF_METRIC = {
    KpiMetric.CALLS: q.CALLS,
    KpiMetric.TALK_MINUTES: q.TALK_SECONDS,
    KpiMetric.LEADS: q.LEADS,
    KpiMetric.HANDOFFS_ACCEPTED: q.HANDOFFS_ACCEPTED,
    KpiMetric.VISITS_BOOKED: q.VISITS_BOOKED,
    KpiMetric.HELD_VISITS: q.HELD_VISITS,
    KpiMetric.SALES: q.SALES,
}
_PER_DAY_LIMIT = Decimal("99999999")  # plans.per_day is NUMERIC(10, 2)


@dataclass(frozen=True, slots=True)
class PlanView:
    plan_id: int
    user_id: int | None
    user_name: str | None
    role: Role | None
    metric: KpiMetric
    per_day: Decimal
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class WeightView:
    role: Role
    metric: KpiMetric
    weight: Decimal  # a fraction: 0.4 is 40 %
    cutoff: Decimal  # a fraction of the plan below which the part counts zero


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    login: str
    name: str
    role: Role
    active: bool


@dataclass(frozen=True, slots=True)
class Scorecard:
    person: Person
    period: ReportPeriod
    as_of: dt.date
    """The reference day: today, or the period's last day once it is over."""
    working_days: int
    lines: tuple[MetricScore, ...]
    """The role's weighted metrics (heaviest first), then metrics that only have a plan."""
    total: float | None
    """The sum of the counted parts (1.0 = on plan); None when the role has no KPI weights."""


def _plan_view(row: q.PlanRow) -> PlanView:
    return PlanView(
        plan_id=row.plan_id,
        user_id=row.user_id,
        user_name=row.user_name,
        role=None if row.role is None else Role(row.role),
        metric=KpiMetric(row.metric),
        per_day=row.per_day,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def _person(row: q.PersonRow) -> Person:
    return Person(row.user_id, row.login, row.name, Role(row.role), row.active)


def _metric(value: str) -> KpiMetric:
    try:
        return KpiMetric(value)
    except ValueError:
        raise ValidationFailed("metric", "unknown", f"unknown KPI metric '{value}'") from None


def _fraction(field: str, value: Decimal | float | str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.0001"))
    except InvalidOperation:
        raise ValidationFailed(field, "not_a_number", f"{field} must be a number") from None
    return number


def _audit(
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
        )
    )


def _plan_json(row: q.PlanRow) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "role": row.role,
        "metric": row.metric,
        "per_day": str(row.per_day),
        "valid_from": row.valid_from.isoformat(),
        "valid_to": None if row.valid_to is None else row.valid_to.isoformat(),
    }


class PlanService:
    def __init__(self, database: Database) -> None:
        self._db = database

    # --- people -------------------------------------------------------------------------------

    def people(self, actor: Actor) -> list[Person]:
        """Whose scorecards the actor may open: everyone active, or only themselves."""
        with self._db.session() as session:
            if actor.can(Permission.VIEW_ALL_KPIS):
                return [_person(row) for row in q.people(session) if row.active]
            return [_person(row) for row in q.people(session, [actor.user_id])]

    # --- plans --------------------------------------------------------------------------------

    def plans(self, actor: Actor) -> list[PlanView]:
        require(actor, Permission.VIEW_ALL_KPIS)
        with self._db.session() as session:
            return [_plan_view(row) for row in q.plan_rows(session)]

    def save_plan(
        self,
        actor: Actor,
        *,
        metric: KpiMetric | str,
        per_day: Decimal | float | str,
        valid_from: dt.date,
        valid_to: dt.date | None = None,
        user_id: int | None = None,
        role: Role | None = None,
        plan_id: int | None = None,
    ) -> PlanView:
        """Add a plan (or change plan `plan_id`) for one person or for a role."""
        require(actor, Permission.VIEW_ALL_KPIS)
        values = self._plan_values(metric, per_day, valid_from, valid_to, user_id, role)
        with write_session(self._db) as session:
            if user_id is not None and not q.people(session, [user_id]):
                raise NotFound(f"user {user_id} does not exist")
            if plan_id is None:
                plan_id = q.insert_plan(session, **values)
                before = None
                action = "created"
            else:
                old = q.plan_by_id(session, plan_id)
                if old is None:
                    raise NotFound(f"plan {plan_id} does not exist")
                q.update_plan(session, plan_id, **values)
                before = _plan_json(old)
                action = "changed"
            saved = q.plan_by_id(session, plan_id)
            assert saved is not None
            _audit(session, actor, "plan", plan_id, action, before, _plan_json(saved))
            return _plan_view(saved)

    @staticmethod
    def _plan_values(
        metric: KpiMetric | str,
        per_day: Decimal | float | str,
        valid_from: dt.date,
        valid_to: dt.date | None,
        user_id: int | None,
        role: Role | None,
    ) -> dict[str, Any]:
        if (user_id is None) == (role is None):
            raise ValidationFailed("target", "one_of", "a plan is for one person or for one role")
        try:
            amount = Decimal(str(per_day)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationFailed("per_day", "not_a_number", "the plan must be a number") from None
        if not Decimal(0) < amount <= _PER_DAY_LIMIT:
            raise ValidationFailed("per_day", "range", "the plan per day must be above zero")
        if valid_to is not None and valid_to < valid_from:
            raise ValidationFailed("valid_to", "before_start", "the plan ends before it starts")
        return {
            "user_id": user_id,
            "role": None if role is None else Role(role).value,
            "metric": _metric(str(metric)).value,
            "per_day": amount,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }

    def delete_plan(self, actor: Actor, plan_id: int) -> None:
        require(actor, Permission.VIEW_ALL_KPIS)
        with write_session(self._db) as session:
            old = q.plan_by_id(session, plan_id)
            if old is None or not q.delete_plan(session, plan_id):
                raise NotFound(f"plan {plan_id} does not exist")
            _audit(session, actor, "plan", plan_id, "deleted", _plan_json(old), None)

    # --- KPI weights --------------------------------------------------------------------------

    def weights(self, actor: Actor, role: Role | None = None) -> list[WeightView]:
        """KPI weights of one role or of all, heaviest first. Anyone may read their own role's."""
        if role != actor.role:
            require(actor, Permission.VIEW_ALL_KPIS)
        with self._db.session() as session:
            return self._weights(session, role)

    @staticmethod
    def _weights(session: Session, role: Role | None) -> list[WeightView]:
        return [
            WeightView(Role(row.role), KpiMetric(row.metric), row.weight, row.cutoff)
            for row in q.weight_rows(session, None if role is None else role.value)
        ]

    def set_weights(
        self,
        actor: Actor,
        role: Role,
        weights: Sequence[tuple[KpiMetric | str, Decimal | float | str, Decimal | float | str]],
    ) -> list[WeightView]:
        """Replace a role's weights: (metric, weight, cut-off), fractions adding up to 1."""
        require(actor, Permission.VIEW_ALL_KPIS)
        role = Role(role)
        cleaned = [
            (str(metric), _fraction("weight", weight), _fraction("cutoff", cutoff))
            for metric, weight, cutoff in weights
        ]
        problems = weight_problems(cleaned)
        if problems:
            raise _weight_error(problems[0])
        with write_session(self._db) as session:
            before = self._weights(session, role)
            q.replace_weights(session, role.value, cleaned)
            after = self._weights(session, role)
            _audit(
                session,
                actor,
                "kpi_weights",
                0,  # weights belong to a role, not to one row: the role is in the payload
                "set",
                {"role": role.value, "weights": _weights_json(before)},
                {"role": role.value, "weights": _weights_json(after)},
            )
            return after

    # --- scorecards ---------------------------------------------------------------------------

    def scorecard(
        self, actor: Actor, user_id: int, period: ReportPeriod, *, now: dt.datetime | None = None
    ) -> Scorecard:
        if user_id != actor.user_id:
            require(actor, Permission.VIEW_ALL_KPIS)
        cards = self._scorecards(period, now, [user_id])
        if not cards:
            raise NotFound(f"user {user_id} does not exist")
        return cards[0]

    def scorecards(
        self,
        actor: Actor,
        period: ReportPeriod,
        *,
        role: Role | None = None,
        now: dt.datetime | None = None,
    ) -> list[Scorecard]:
        """Everyone's scorecards (active people; those of `role` only, if given)."""
        require(actor, Permission.VIEW_ALL_KPIS)
        cards = self._scorecards(period, now, None)
        return [
            card
            for card in cards
            if card.person.active and (role is None or card.person.role == role)
        ]

    def _scorecards(
        self, period: ReportPeriod, now: dt.datetime | None, user_ids: list[int] | None
    ) -> list[Scorecard]:
        today = (now or utcnow()).astimezone(ZoneInfo(period.zone)).date()
        as_of = min(max(today, period.first_day), period.last_day)
        with self._db.session() as session:
            persons = [_person(row) for row in q.people(session, user_ids)]
            plans = [_plan_view(row) for row in q.plan_rows(session, valid_on=as_of)]
            weights = self._weights(session, None)
            totals: dict[tuple[int, str], int] = defaultdict(int)
            days: dict[int, int] = {}
            if today >= period.first_day:  # a period still to come has no facts yet
                elapsed = ReportPeriod(period.first_day, as_of, period.zone)
                start, end = elapsed.utc_bounds()
                offset = elapsed.utc_offset_minutes()
                for fact in q.daily_facts(session, start, end, offset, user_ids):
                    totals[fact.user_id, fact.fact] += fact.value
                days = q.working_days(session, start, end, offset, user_ids)
        return [
            _scorecard(person, period, as_of, days.get(person.user_id, 0), totals, plans, weights)
            for person in persons
        ]


def _weights_json(weights: Sequence[WeightView]) -> list[dict[str, str]]:
    return [
        {"metric": w.metric.value, "weight": str(w.weight), "cutoff": str(w.cutoff)}
        for w in weights
    ]


def _weight_error(problem: WeightProblem) -> ValidationFailed:
    messages = {
        WeightProblem.UNKNOWN_METRIC: "a weight names an unknown KPI metric",
        WeightProblem.DUPLICATE_METRIC: "a metric has two weights",
        WeightProblem.WEIGHT_RANGE: "each weight must be above 0 % and at most 100 %",
        WeightProblem.CUTOFF_RANGE: "each cut-off must be between 0 % and 100 %",
        WeightProblem.SUM: "the weights of a role must add up to 100 %",
    }
    return ValidationFailed("weights", problem.value, messages[problem])


def _plan_for(person: Person, metric: KpiMetric, plans: Sequence[PlanView]) -> Decimal | None:
    own = [plan for plan in plans if plan.metric == metric and plan.user_id == person.user_id]
    roles = [plan for plan in plans if plan.metric == metric and plan.role == person.role]
    chosen = own or roles
    if not chosen:
        return None
    return max(chosen, key=lambda plan: (plan.valid_from, plan.plan_id)).per_day


def _scorecard(
    person: Person,
    period: ReportPeriod,
    as_of: dt.date,
    working_days: int,
    totals: dict[tuple[int, str], int],
    plans: Sequence[PlanView],
    weights: Sequence[WeightView],
) -> Scorecard:
    role_weights = [weight for weight in weights if weight.role == person.role]
    planned = {
        plan.metric for plan in plans if plan.user_id == person.user_id or plan.role == person.role
    }
    weighted = {weight.metric for weight in role_weights}
    lines: list[MetricScore] = []
    for weight in role_weights:
        lines.append(_line(person, weight.metric, working_days, totals, plans, weight))
    for metric in KpiMetric:
        if metric in planned and metric not in weighted:
            lines.append(_line(person, metric, working_days, totals, plans, None))
    total = scorecard_total(lines) if role_weights else None
    return Scorecard(person, period, as_of, working_days, tuple(lines), total)


def _line(
    person: Person,
    metric: KpiMetric,
    working_days: int,
    totals: dict[tuple[int, str], int],
    plans: Sequence[PlanView],
    weight: WeightView | None,
) -> MetricScore:
    raw = totals.get((person.user_id, _FACT_OF_METRIC[metric]), 0)
    fact = raw / 60 if metric is KpiMetric.TALK_MINUTES else float(raw)
    return score_metric(
        metric,
        _plan_for(person, metric, plans),
        fact,
        working_days,
        Decimal(0) if weight is None else weight.weight,
        Decimal(0) if weight is None else weight.cutoff,
    )
