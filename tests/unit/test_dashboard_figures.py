"""The dashboard's rates: each a ratio of two counts, None when there is nothing to divide by."""

from __future__ import annotations

from decimal import Decimal

import pytest

from operator_app.core.reports.dashboard import Figures


def test_rates_of_a_month() -> None:
    figures = Figures(
        calls=200,
        reached=120,
        talk_seconds=9000,
        working_days=20,
        taken_into_work=150,
        leads=30,
        handoffs_accepted=12,
        visits_booked=25,
        visits_held=15,
        no_shows=5,
        sales=6,
        revenue=Decimal("900000.00"),
        leads_held=14,
    )
    assert figures.reach_rate == 0.6
    assert figures.talk_minutes == 150
    assert figures.talk_minutes_per_day == 7.5
    assert figures.attendance_rate == 0.75
    assert figures.conversion_to_lead == 0.2
    assert figures.conversion_to_held == pytest.approx(14 / 30)  # leads with a held visit
    assert figures.conversion_to_sale == 0.4


def test_nothing_to_divide_by_gives_no_rate() -> None:
    empty = Figures()
    assert empty.talk_minutes == 0
    assert empty.revenue == Decimal("0.00")
    for rate in (
        empty.reach_rate,
        empty.talk_minutes_per_day,
        empty.attendance_rate,
        empty.conversion_to_lead,
        empty.conversion_to_held,
        empty.conversion_to_sale,
    ):
        assert rate is None


def test_reason_codes_of_verdicts_read_as_the_campaigns_labels_and_merge_with_them() -> None:
    from operator_app.core.reports.dashboard import ReasonCount, _labelled_reasons

    counts = [("Нет дохода", 3), ("no_income", 2), ("too_old", 2), ("unknown_code", 1)]
    reason_lists = [
        [{"code": "no_income", "label": "Нет официального дохода"}],  # criteria version 1
        [{"code": "no_income", "label": "Нет дохода"}, {"code": "too_old", "label": "Возраст"}],
        "damaged",
    ]
    assert _labelled_reasons(counts, reason_lists) == (
        ReasonCount("Нет дохода", 5),  # the newest version's label, merged with the typed one
        ReasonCount("Возраст", 2),
        ReasonCount("unknown_code", 1),
    )
