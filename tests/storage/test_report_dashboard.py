"""The dashboard's figures on SQLite and PostgreSQL against counts worked out by hand.

The world (tests/storage/test_report_data.py), 23-25 November 2026, Moscow time:

call  who lead  local time       outcome          talk  version  last step
 1    A   l1    23 10:00         no_answer           0  v1       greet
 2    A   l1    23 15:00         lead              300  v1       close
 3    A   l2    24 00:30         voicemail (C1: reached)  60  v2  greet
 4    B   l4    23 11:00         voicemail (C2: not)       0  v2  greet
 5    B   l5    25 12:00         visit_booked      600  v2       close
 6    B   l6    25 13:00         not_target        120  v1       qualify
 7    B   l5    25 14:00         visit_confirmed    30  -        -
 8    A   l3    22 23:59 (out of the period)
 9    A   l3    24 12:00         unfinished (no outcome)
10    A   l3    24 12:30         info_sent (C1: reached, positive)  90  v2  close
11    B   l6    23 16:00         info_sent (C2: neither)   0  v1  greet

Leads l1-l3 are in campaign C1 / list L1, l4-l6 in C2 / L2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from operator_app.core.errors import PermissionDenied
from operator_app.core.reports.dashboard import (
    Breakdown,
    Figures,
    FunnelStage,
    ObjectionCount,
    ReasonCount,
    StepCount,
    TrendPoint,
    filter_choices,
    load_breakdown,
    load_dashboard,
    load_dashboard_with_breakdowns,
)
from operator_app.storage.database import Database
from tests.support.report_data import ReportWorld, build_report_world

ALL = Figures(
    calls=9,  # 1-7, 10, 11
    reached=6,  # 2, 3, 5, 6, 7, 10
    talk_seconds=1200,
    working_days=4,  # A: 23, 24; B: 23, 25
    taken_into_work=6,  # l1-l6
    leads=3,  # l1, l3, l5
    handoffs_accepted=2,  # l1 accepted, l3 overruled (l5 upheld, l2 decided on the 26th)
    visits_booked=4,  # l1, l5, l3 (its move is not a booking), l2; l4's was booked on the 20th
    visits_held=2,  # l1 on the 24th, l3 (moved) on the 25th
    no_shows=2,  # l5, l4
    sales=1,
    revenue=Decimal("150000.00"),
    leads_held=2,
)
ANNA = Figures(
    calls=4,
    reached=3,
    talk_seconds=450,
    working_days=2,
    taken_into_work=3,
    leads=2,
    handoffs_accepted=2,
    visits_booked=3,
    visits_held=2,
    no_shows=0,
    sales=1,
    revenue=Decimal("150000.00"),
    leads_held=2,
)
BORIS = Figures(
    calls=5,
    reached=3,
    talk_seconds=750,
    working_days=2,
    taken_into_work=3,
    leads=1,
    handoffs_accepted=0,
    visits_booked=1,
    visits_held=0,
    no_shows=2,
    sales=0,
    revenue=Decimal("0.00"),
    leads_held=0,
)


@pytest.fixture
def world(db: Database) -> ReportWorld:
    return build_report_world(db)


def test_the_totals_match_the_hand_count(db: Database, world: ReportWorld) -> None:
    dashboard = load_dashboard(db, world.supervisor, world.report_filter())
    totals = dashboard.totals
    assert totals == ALL
    assert totals.reach_rate == pytest.approx(6 / 9)
    assert totals.talk_minutes == 20
    assert totals.talk_minutes_per_day == 5
    assert totals.attendance_rate == 0.5
    assert totals.conversion_to_lead == 0.5
    assert totals.conversion_to_held == pytest.approx(2 / 3)
    assert totals.conversion_to_sale == 0.5
    assert dashboard.funnel == (
        FunnelStage("taken_into_work", 6),
        FunnelStage("leads", 3),
        FunnelStage("visits_booked", 4),
        FunnelStage("visits_held", 2),
        FunnelStage("sales", 1),
    )


def test_the_trend_has_every_day_with_calls_in_their_local_day(
    db: Database, world: ReportWorld
) -> None:
    dashboard = load_dashboard(db, world.supervisor, world.report_filter())
    assert dashboard.trend == (
        TrendPoint(dt.date(2026, 11, 23), calls=4, reached=1, leads=1, visits_held=0, talk_seconds=300),
        TrendPoint(dt.date(2026, 11, 24), calls=2, reached=2, leads=1, visits_held=1, talk_seconds=150),
        TrendPoint(dt.date(2026, 11, 25), calls=3, reached=3, leads=1, visits_held=1, talk_seconds=750),
    )  # fmt: skip


def test_reasons_drop_off_and_objections(db: Database, world: ReportWorld) -> None:
    dashboard = load_dashboard(db, world.supervisor, world.report_filter())
    # l6's verdict and its call both say "no income": one lead, counted once.
    assert dashboard.non_target_reasons == (ReasonCount("no income", 2), ReasonCount("too old", 1))
    assert dashboard.no_show_reasons == (ReasonCount("forgot", 1), ReasonCount("ill", 1))
    v1, v2 = world.version_1, world.version_2
    assert dashboard.drop_off == (
        StepCount(v1, "greet", "contact", 2),
        StepCount(v2, "close", "closing", 2),
        StepCount(v2, "greet", "contact", 2),
        StepCount(v1, "close", "closing", 1),
        StepCount(v1, "qualify", "diagnostics", 1),
    )
    assert dashboard.objections == (
        ObjectionCount("qualify", "expensive", 2, "Дорого"),
        ObjectionCount("greet", "busy", 1),  # no script has it any more: shown by its id
    )


def test_the_breakdown_per_operator(db: Database, world: ReportWorld) -> None:
    rows = load_breakdown(db, world.supervisor, world.report_filter(), Breakdown.OPERATOR)
    assert [(row.key, row.label, row.figures) for row in rows] == [
        (world.operator_a.user_id, "Anna Operator", ANNA),
        (world.operator_b.user_id, "Boris Operator", BORIS),
    ]


@pytest.mark.parametrize("narrowed_by", [None, "list", "operator"])
def test_one_batch_reads_what_the_dashboard_and_each_breakdown_read_alone(
    db: Database, world: ReportWorld, narrowed_by: str | None
) -> None:
    # The page's first read: the operators' call figures come from the dashboard's per-day
    # pass (rolled up per caller) instead of a pass of their own.
    filters = {
        None: {},
        "list": {"list_id": world.list_2},
        "operator": {"operator_id": world.operator_b.user_id},
    }[narrowed_by]
    report_filter = world.report_filter(**filters)
    every = tuple(Breakdown)
    dashboard, rows = load_dashboard_with_breakdowns(db, world.supervisor, report_filter, every)
    assert dashboard == load_dashboard(db, world.supervisor, report_filter)
    for by in every:
        assert rows[by] == load_breakdown(db, world.supervisor, report_filter, by), by
    expected = [ANNA, BORIS] if narrowed_by is None else [BORIS]
    assert [row.figures for row in rows[Breakdown.OPERATOR]] == expected


def test_the_breakdown_per_list_carries_the_hypotheses(db: Database, world: ReportWorld) -> None:
    rows = load_breakdown(db, world.supervisor, world.report_filter(), Breakdown.LIST)
    assert [(row.key, row.hypothesis) for row in rows] == [
        (world.list_1, "Pensioners want deposits"),
        (world.list_2, "Students buy used cars"),
    ]
    assert [row.figures.calls for row in rows] == [4, 5]
    assert [row.figures.visits_booked for row in rows] == [3, 1]
    assert [row.figures.no_shows for row in rows] == [0, 2]


def test_the_breakdown_per_script_version(db: Database, world: ReportWorld) -> None:
    rows = load_breakdown(db, world.supervisor, world.report_filter(), Breakdown.SCRIPT_VERSION)
    name = world.script_name
    assert [(row.key, row.label) for row in rows] == [
        (world.version_1, f"{name} v1"),
        (world.version_2, f"{name} v2"),
        (None, ""),  # call 7, the calendar's confirmation call, follows no script
    ]
    v1, v2, unscripted = (row.figures for row in rows)
    assert (v1.calls, v1.reached, v1.leads, v2.calls, v2.reached, v2.leads) == (4, 2, 1, 4, 3, 2)
    # Visits follow the versions of their lead's calls, whenever made: l1, l6 and l3 (call 8,
    # before the period) had v1; l2-l5 had v2.
    assert (v1.visits_booked, v1.visits_held, v1.sales, v1.handoffs_accepted) == (2, 2, 1, 2)
    assert (v2.visits_booked, v2.visits_held, v2.no_shows, v2.handoffs_accepted) == (3, 1, 2, 1)
    assert (unscripted.calls, unscripted.reached, unscripted.visits_booked) == (1, 1, 0)


def test_the_breakdown_per_campaign(db: Database, world: ReportWorld) -> None:
    rows = load_breakdown(db, world.supervisor, world.report_filter(), Breakdown.CAMPAIGN)
    by_key = {row.key: row.figures for row in rows}
    assert by_key[world.campaign_1].calls == 4
    assert by_key[world.campaign_2].calls == 5
    assert by_key[world.campaign_1].handoffs_accepted == 2


def test_filters_narrow_every_figure(db: Database, world: ReportWorld) -> None:
    campaign = load_dashboard(
        db, world.supervisor, world.report_filter(campaign_id=world.campaign_1)
    )
    assert campaign.totals == ANNA  # campaign C1's leads were all Anna's
    listed = load_dashboard(db, world.supervisor, world.report_filter(list_id=world.list_2))
    assert listed.totals == BORIS
    version = load_dashboard(
        db, world.supervisor, world.report_filter(script_version_id=world.version_1)
    ).totals
    assert (version.calls, version.reached, version.talk_seconds) == (4, 2, 420)
    # l3 had a v1 call before the period (call 8): its visits and hand-off follow v1 too.
    assert (version.taken_into_work, version.leads, version.visits_held, version.sales) == (
        2,
        1,
        2,
        1,
    )
    boris = load_dashboard(
        db, world.supervisor, world.report_filter(operator_id=world.operator_b.user_id)
    )
    assert boris.totals == BORIS
    assert boris.objections == (ObjectionCount("qualify", "expensive", 1, "Дорого"),)
    assert boris.no_show_reasons == (ReasonCount("forgot", 1), ReasonCount("ill", 1))
    assert boris.non_target_reasons == (ReasonCount("no income", 1), ReasonCount("too old", 1))


def test_an_empty_period_has_zero_figures_and_a_flat_trend(
    db: Database, world: ReportWorld
) -> None:
    from operator_app.core.reports.filters import ReportFilter
    from operator_app.core.reports.period import ReportPeriod

    empty = ReportFilter(ReportPeriod(dt.date(2026, 12, 1), dt.date(2026, 12, 2)))
    dashboard = load_dashboard(db, world.supervisor, empty)
    assert dashboard.totals == Figures()
    assert dashboard.totals.reach_rate is None
    assert dashboard.totals.talk_minutes_per_day is None
    assert [point.calls for point in dashboard.trend] == [0, 0]
    assert load_breakdown(db, world.supervisor, empty, Breakdown.OPERATOR) == ()


# --- access --------------------------------------------------------------------------------


def test_an_operator_sees_only_their_own_figures(db: Database, world: ReportWorld) -> None:
    anna = world.operator_a
    dashboard = load_dashboard(db, anna, world.report_filter())
    assert dashboard.report_filter.operator_id == anna.user_id
    assert dashboard.totals == ANNA
    rows = load_breakdown(db, anna, world.report_filter(), Breakdown.OPERATOR)
    assert [row.key for row in rows] == [anna.user_id]
    choices = filter_choices(db, anna)
    assert [choice.key for choice in choices.operators] == [anna.user_id]


@pytest.mark.parametrize("who", ["operator_a", "seller"])
def test_asking_for_someone_elses_figures_is_refused(
    db: Database, world: ReportWorld, who: str
) -> None:
    actor = getattr(world, who)
    other = world.report_filter(operator_id=world.operator_b.user_id)
    with pytest.raises(PermissionDenied):
        load_dashboard(db, actor, other)
    with pytest.raises(PermissionDenied):
        load_breakdown(db, actor, other, Breakdown.LIST)


def test_a_supervisor_chooses_among_everyone(db: Database, world: ReportWorld) -> None:
    choices = filter_choices(db, world.supervisor)
    assert [choice.label for choice in choices.operators] == [
        "Anna Operator",
        "Boris Operator",
        "Sergey Seller",
        "Sofia Supervisor",
    ]
    assert {choice.key for choice in choices.campaigns} == {world.campaign_1, world.campaign_2}
    assert [choice.key for choice in choices.lists] == [world.list_1, world.list_2]
    assert [choice.label for choice in choices.script_versions] == [
        f"{world.script_name} v2",
        f"{world.script_name} v1",
    ]
