"""KPI arithmetic: the cumulative average to date, deviation, cut-offs and weights."""

from __future__ import annotations

from decimal import Decimal

import pytest

from operator_app.core.reports.kpi import (
    KpiMetric,
    WeightProblem,
    attainment,
    counted_part,
    cumulative_average,
    deviation,
    plan_progress,
    score_metric,
    scorecard_total,
    weight_problems,
)


def test_the_issue_example_plan_3_5_days_4_5_1() -> None:
    progress = plan_progress(Decimal("3.5"), [4, 5, 1])

    assert progress.total == 10
    assert progress.working_days == 3
    assert progress.fact_per_day == pytest.approx(3.3333, abs=1e-4)
    assert round(progress.fact_per_day or 0, 2) == 3.33
    assert progress.deviation == pytest.approx(10 / 3 / 3.5 - 1)
    assert round((progress.deviation or 0) * 100, 1) == -4.8


def test_before_the_first_working_day_there_is_no_average() -> None:
    progress = plan_progress(Decimal("3.5"), [])
    assert progress.fact_per_day is None
    assert progress.deviation is None
    assert cumulative_average(0, 0) is None


def test_deviation_and_attainment_need_a_positive_plan() -> None:
    assert deviation(4.0, Decimal(2)) == pytest.approx(1.0)
    assert attainment(3.0, 4) == pytest.approx(0.75)
    assert attainment(3.0, None) is None
    assert attainment(3.0, Decimal(0)) is None
    assert attainment(None, Decimal(3)) is None


def test_a_part_below_the_cut_off_counts_zero() -> None:
    assert counted_part(0.79, Decimal("0.4"), Decimal("0.8")) == 0
    assert counted_part(0.8, Decimal("0.4"), Decimal("0.8")) == pytest.approx(0.32)
    assert counted_part(1.25, Decimal("0.2"), Decimal("0.8")) == pytest.approx(0.25)
    assert counted_part(None, Decimal("0.2"), Decimal("0.8")) == 0


def test_a_lead_generators_scorecard() -> None:
    # 40 % held presentations, 40 % leads, 20 % talk minutes; below 80 % of plan counts zero.
    held = score_metric(
        KpiMetric.HELD_VISITS, Decimal("3.5"), 10, 3, Decimal("0.4"), Decimal("0.8")
    )
    leads = score_metric(KpiMetric.LEADS, Decimal(5), 9, 3, Decimal("0.4"), Decimal("0.8"))
    talk = score_metric(
        KpiMetric.TALK_MINUTES, Decimal(150), 540, 3, Decimal("0.2"), Decimal("0.8")
    )

    assert held.counted == pytest.approx(0.4 * (10 / 3) / 3.5)  # 95.2 % of plan
    assert not held.below_cutoff
    assert leads.attainment == pytest.approx(0.6)
    assert leads.counted == 0 and leads.below_cutoff
    assert talk.fact_per_day == pytest.approx(180)
    assert talk.counted == pytest.approx(0.2 * 1.2)
    assert scorecard_total([held, leads, talk]) == pytest.approx(0.4 * 0.952381 + 0.24, abs=1e-6)


def test_a_metric_without_a_plan_counts_zero_but_is_not_below_the_cut_off() -> None:
    line = score_metric(KpiMetric.CALLS, None, 40, 2, Decimal("0.5"), Decimal("0.8"))
    assert line.fact_per_day == 20
    assert line.attainment is None and line.counted == 0 and not line.below_cutoff


def test_weights_of_a_role_must_add_up_to_100_percent() -> None:
    good = [
        ("held_visits", Decimal("0.4"), Decimal("0.8")),
        ("leads", Decimal("0.4"), Decimal("0.8")),
        ("talk_minutes", Decimal("0.2"), Decimal("0.8")),
    ]
    assert weight_problems(good) == []
    assert weight_problems([]) == []
    assert weight_problems(good[:2]) == [WeightProblem.SUM]
    assert WeightProblem.DUPLICATE_METRIC in weight_problems([*good, good[0]])
    assert WeightProblem.UNKNOWN_METRIC in weight_problems([("smiles", Decimal(1), Decimal(0))])
    assert weight_problems([("calls", Decimal(1), Decimal("1.5"))]) == [WeightProblem.CUTOFF_RANGE]
    assert WeightProblem.WEIGHT_RANGE in weight_problems(
        [("calls", Decimal(0), Decimal(0)), ("leads", Decimal(1), Decimal(0))]
    )
