"""KPI arithmetic: plan against fact as a cumulative average to date, and scorecard parts.

Pure functions over plain numbers; the services feed them figures the database computed.

- fact per day = total fact / working days elapsed (the issue's example: plan 3.5, days with
  4, 5 and 1 → 10 / 3 = 3.33 a day, deviation 3.33 / 3.5 − 1 = −4.8 %);
- attainment = fact per day / plan per day (not capped: over-fulfilment raises the total);
- a metric's counted part = weight × attainment, or 0 when attainment is below the cut-off;
- a scorecard's total = the sum of the counted parts (1.0 means "everything exactly on plan").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "KpiMetric",
    "MetricScore",
    "PlanProgress",
    "WeightProblem",
    "attainment",
    "counted_part",
    "cumulative_average",
    "deviation",
    "plan_progress",
    "score_metric",
    "scorecard_total",
    "weight_problems",
]

WEIGHT_TOTAL = Decimal(1)


class KpiMetric(StrEnum):
    """What a plan or a KPI weight is about (the codes stored in plans and kpi_weights)."""

    CALLS = "calls"
    TALK_MINUTES = "talk_minutes"
    LEADS = "leads"
    HANDOFFS_ACCEPTED = "handoffs_accepted"
    VISITS_BOOKED = "visits_booked"
    HELD_VISITS = "held_visits"
    SALES = "sales"


def cumulative_average(total: float, working_days: int) -> float | None:
    """The fact per day so far; None before the first working day."""
    if working_days <= 0:
        return None
    return total / working_days


def deviation(fact_per_day: float | None, plan_per_day: float | Decimal | None) -> float | None:
    """fact / plan − 1: −0.048 is 4.8 % behind the plan. None without a plan or a fact."""
    ratio = attainment(fact_per_day, plan_per_day)
    return None if ratio is None else ratio - 1


def attainment(fact_per_day: float | None, plan_per_day: float | Decimal | None) -> float | None:
    """fact / plan: 1.0 is exactly on plan. None without a (positive) plan or a fact."""
    if fact_per_day is None or plan_per_day is None or plan_per_day <= 0:
        return None
    return fact_per_day / float(plan_per_day)


def counted_part(achieved: float | None, weight: float | Decimal, cutoff: float | Decimal) -> float:
    """The metric's share of the total: nothing below the cut-off (or without a plan)."""
    if achieved is None or achieved < float(cutoff):
        return 0.0
    return float(weight) * achieved


@dataclass(frozen=True, slots=True)
class PlanProgress:
    plan_per_day: Decimal
    total: float
    working_days: int
    fact_per_day: float | None
    deviation: float | None


def plan_progress(plan_per_day: Decimal, daily_facts: Sequence[float]) -> PlanProgress:
    """Plan against the facts of the working days so far (one number per working day)."""
    total = float(sum(daily_facts))
    per_day = cumulative_average(total, len(daily_facts))
    return PlanProgress(
        plan_per_day, total, len(daily_facts), per_day, deviation(per_day, plan_per_day)
    )


@dataclass(frozen=True, slots=True)
class MetricScore:
    """One line of a scorecard."""

    metric: KpiMetric
    plan_per_day: Decimal | None
    fact_total: float
    fact_per_day: float | None
    deviation: float | None
    attainment: float | None
    weight: Decimal
    cutoff: Decimal
    counted: float
    below_cutoff: bool
    """True when there was something to count but attainment fell below the cut-off."""


def score_metric(
    metric: KpiMetric,
    plan_per_day: Decimal | None,
    fact_total: float,
    working_days: int,
    weight: Decimal,
    cutoff: Decimal,
) -> MetricScore:
    per_day = cumulative_average(fact_total, working_days)
    achieved = attainment(per_day, plan_per_day)
    return MetricScore(
        metric=metric,
        plan_per_day=plan_per_day,
        fact_total=fact_total,
        fact_per_day=per_day,
        deviation=None if achieved is None else achieved - 1,
        attainment=achieved,
        weight=weight,
        cutoff=cutoff,
        counted=counted_part(achieved, weight, cutoff),
        below_cutoff=achieved is not None and achieved < float(cutoff),
    )


def scorecard_total(lines: Iterable[MetricScore]) -> float:
    return sum((line.counted for line in lines), 0.0)


class WeightProblem(StrEnum):
    UNKNOWN_METRIC = "unknown_metric"
    DUPLICATE_METRIC = "duplicate_metric"
    WEIGHT_RANGE = "weight_range"  # each weight in (0, 1]
    CUTOFF_RANGE = "cutoff_range"  # each cut-off in [0, 1]
    SUM = "sum"  # a role's weights add up to exactly 100 %


def weight_problems(weights: Sequence[tuple[str, Decimal, Decimal]]) -> list[WeightProblem]:
    """What is wrong with a role's (metric, weight, cut-off) set; empty when it is usable.

    An empty set is acceptable: the role then has no scorecard.
    """
    problems: list[WeightProblem] = []
    metrics = [metric for metric, _, _ in weights]
    known = {metric.value for metric in KpiMetric}
    if any(metric not in known for metric in metrics):
        problems.append(WeightProblem.UNKNOWN_METRIC)
    if len(set(metrics)) != len(metrics):
        problems.append(WeightProblem.DUPLICATE_METRIC)
    if any(not Decimal(0) < weight <= WEIGHT_TOTAL for _, weight, _ in weights):
        problems.append(WeightProblem.WEIGHT_RANGE)
    if any(not Decimal(0) <= cutoff <= WEIGHT_TOTAL for _, _, cutoff in weights):
        problems.append(WeightProblem.CUTOFF_RANGE)
    if weights and sum((weight for _, weight, _ in weights), Decimal(0)) != WEIGHT_TOTAL:
        problems.append(WeightProblem.SUM)
    return problems
