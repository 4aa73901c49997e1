"""Plans, KPI weights and scorecards on both backends: daily facts by the metric definitions,
working days, the plan that counts, the issue's example end to end, access rules, audit."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.reports.kpi import KpiMetric
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.reports.plans import PlanService, Scorecard
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CallAttempt,
    Disposition,
    Handoff,
    UserStatusPeriod,
    Visit,
    VisitResult,
)
from operator_app.storage.repositories import plan_queries as q
from tests.support.handoff_data import (
    make_campaign,
    make_lead,
    make_office,
    make_resource,
    make_user,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOVEMBER = ReportPeriod(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
# Thursday 5 November 2026, 15:00 in Moscow: the period's days 1-5 have begun.
NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
_clients = itertools.count(1)


def moscow(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MOSCOW).astimezone(dt.UTC)


@dataclass(frozen=True)
class Floor:
    """Ольга (an operator) with a November of results; Пётр only signed in once."""

    database: Database
    supervisor: Actor
    olga: Actor
    petr: Actor
    seller: Actor


def call(
    db: Database, lead: int, operator: int, at: dt.datetime, disposition: str | None, talk: int = 0
) -> None:
    with db.session() as session:
        session.add(
            CallAttempt(
                client_uuid=str(uuid.uuid4()),
                lead_id=lead,
                operator_id=operator,
                started_at=at,
                talk_seconds=talk,
                disposition=disposition,
            )
        )


def visit(
    db: Database,
    lead: int,
    resource: int,
    starts_at: dt.datetime,
    status: str,
    booked_by: int,
    *,
    moved_from: int | None = None,
    sale: bool | None = None,
) -> int:
    with db.session() as session:
        row = Visit(
            lead_id=lead,
            resource_id=resource,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            status=status,
            booked_by_id=booked_by,
            booked_at=moscow(1, 10),
            rescheduled_from_id=moved_from,
            details={},
        )
        session.add(row)
        session.flush()
        if sale is not None:
            session.add(
                VisitResult(visit_id=row.id, sale=sale, amount=Decimal(100000) if sale else None)
            )
        return row.id


def handoff(db: Database, lead: int, from_user: int, to_user: int, state: str, day: int) -> None:
    with db.session() as session:
        session.add(
            Handoff(
                lead_id=lead,
                from_user_id=from_user,
                to_user_id=to_user,
                state=state,
                decided_at=None if state == "offered" else moscow(day, 16),
            )
        )


def build_floor(db: Database) -> Floor:
    supervisor = make_user(db, "Роман", Role.SUPERVISOR)
    olga = make_user(db, "Ольга", Role.OPERATOR)
    petr = make_user(db, "Пётр", Role.OPERATOR)
    seller = make_user(db, "Сергей", Role.SELLER)
    campaign = make_campaign(db, "Кредитный брокер")
    own_codes = make_campaign(db, "Клиника")
    with db.session() as session:  # this campaign calls its positive outcome "meeting"
        session.add(
            Disposition(campaign_id=own_codes, code="meeting", label="Встреча", positive=True)
        )
        session.add(Disposition(campaign_id=own_codes, code="lead", label="Лид", positive=False))
    lead_a, lead_b, lead_c, lead_d = (make_lead(db, campaign, f"Клиент {n}") for n in range(4))
    lead_e = make_lead(db, own_codes, "Клиент клиники")
    lead_f = make_lead(db, own_codes, "Ещё клиент клиники")
    o = olga.user_id
    # Nov 2: a lead made, a no-answer, and a call still open (it marks the day worked anyway).
    call(db, lead_a, o, moscow(2, 10), "lead", 600)
    call(db, lead_b, o, moscow(2, 11), "no_answer")
    call(db, lead_d, o, moscow(2, 12), None)
    # Nov 3: lead A again (counted once, on Nov 2) and lead B made.
    call(db, lead_a, o, moscow(3, 10), "visit_booked", 300)
    call(db, lead_b, o, moscow(3, 11), "visit_booked", 300)
    # 00:30 on Nov 5 in Moscow (still Nov 4 in UTC): a lead by the clinic's own positive code;
    # the clinic's "lead" is not positive.
    call(db, lead_e, o, moscow(5, 0, 30), "meeting", 300)
    call(db, lead_f, o, moscow(5, 0, 40), "lead", 0)
    # Outside the days so far: the last minute of October, and tomorrow.
    call(db, lead_c, o, moscow(31, 23, 59, month=10), "lead", 900)
    call(db, lead_c, o, moscow(6, 10), "lead", 900)
    # Held presentations booked by Ольга: 4 on Nov 2, 5 on Nov 3 (one of them moved), 1 on Nov 5.
    room = make_resource(db, make_office(db), None, "Переговорная")
    for hour in range(4):
        visit(db, lead_a, room, moscow(2, 10 + hour), "held", o, sale=hour == 0)
    for hour in range(4):
        visit(db, lead_b, room, moscow(3, 10 + hour), "held", o, sale=False if hour == 0 else None)
    original = visit(db, lead_c, room, moscow(2, 18), "rescheduled", o)
    visit(db, lead_c, room, moscow(3, 18), "held", o, moved_from=original, sale=True)
    visit(db, lead_d, room, moscow(5, 10), "held", o)
    visit(db, lead_d, room, moscow(5, 9), "no_show", o)
    visit(db, lead_d, room, moscow(7, 9), "held", o)  # days to come are not counted
    # Hand-offs from Ольга: accepted and overruled count; upheld and offered do not.
    handoff(db, lead_a, o, seller.user_id, "accepted", 3)
    handoff(db, lead_b, o, seller.user_id, "overruled", 4)
    handoff(db, lead_c, o, seller.user_id, "upheld", 4)
    handoff(db, lead_d, o, seller.user_id, "offered", 4)
    # Пётр signed in on Nov 3 and made nothing.
    with db.session() as session:
        session.add(
            UserStatusPeriod(
                user_id=petr.user_id,
                status="ready",
                started_at=moscow(3, 9),
                ended_at=moscow(3, 18),
            )
        )
    return Floor(db, supervisor, olga, petr, seller)


def lead_generator_setup(service: PlanService, supervisor: Actor) -> None:
    service.set_weights(
        supervisor,
        Role.OPERATOR,
        [
            (KpiMetric.HELD_VISITS, "0.4", "0.8"),
            (KpiMetric.LEADS, "0.4", "0.8"),
            (KpiMetric.TALK_MINUTES, "0.2", "0.8"),
        ],
    )
    for metric, per_day in (
        (KpiMetric.HELD_VISITS, "3.5"),
        (KpiMetric.LEADS, "1"),
        (KpiMetric.TALK_MINUTES, "5"),
    ):
        service.save_plan(
            supervisor,
            role=Role.OPERATOR,
            metric=metric,
            per_day=per_day,
            valid_from=dt.date(2026, 10, 1),
        )
    # Not in effect on Nov 5: an old plan that ended, and a new one that starts later.
    service.save_plan(
        supervisor,
        role=Role.OPERATOR,
        metric=KpiMetric.HELD_VISITS,
        per_day=10,
        valid_from=dt.date(2026, 9, 1),
        valid_to=dt.date(2026, 10, 31),
    )
    service.save_plan(
        supervisor,
        role=Role.OPERATOR,
        metric=KpiMetric.TALK_MINUTES,
        per_day=150,
        valid_from=dt.date(2026, 11, 10),
    )


def line(card: Scorecard, metric: KpiMetric) -> object:
    return next(item for item in card.lines if item.metric == metric)


def test_daily_facts_follow_the_metric_definitions(db: Database) -> None:
    f = build_floor(db)
    start, end = ReportPeriod(dt.date(2026, 11, 1), dt.date(2026, 11, 5)).utc_bounds()
    with db.session() as session:
        facts = q.daily_facts(session, start, end, 180, [f.olga.user_id, f.petr.user_id])
        days = q.working_days(session, start, end, 180)
    by_key = {(row.day.day, row.fact): row.value for row in facts}
    assert {row.user_id for row in facts} == {f.olga.user_id}
    assert by_key == {
        (2, "calls"): 2,
        (3, "calls"): 2,
        (5, "calls"): 2,
        (2, "talk_seconds"): 600,
        (3, "talk_seconds"): 600,
        (5, "talk_seconds"): 300,
        (2, "leads"): 1,
        (3, "leads"): 1,
        (5, "leads"): 1,
        (3, "handoffs_accepted"): 1,
        (4, "handoffs_accepted"): 1,
        (1, "visits_booked"): 12,  # 13 visits, one of them a move
        (2, "held_visits"): 4,
        (3, "held_visits"): 5,
        (5, "held_visits"): 1,
        (2, "sales"): 1,
        (3, "sales"): 1,
    }
    assert days == {f.olga.user_id: 3, f.petr.user_id: 1}


def test_the_issue_example_on_a_lead_generators_scorecard(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    lead_generator_setup(service, f.supervisor)
    # Ольга's own leads plan beats her role's.
    service.save_plan(
        f.supervisor,
        user_id=f.olga.user_id,
        metric=KpiMetric.LEADS,
        per_day="0.5",
        valid_from=dt.date(2026, 11, 1),
    )

    card = service.scorecard(f.olga, f.olga.user_id, NOVEMBER, now=NOW)

    assert card.as_of == dt.date(2026, 11, 5)
    assert card.working_days == 3
    assert [item.metric for item in card.lines] == [
        KpiMetric.HELD_VISITS,
        KpiMetric.LEADS,
        KpiMetric.TALK_MINUTES,
    ]
    held, leads, talk = card.lines
    # Plan 3.5; days with 4, 5 and 1 held presentations → 3.33 a day, −4.8 %.
    assert held.plan_per_day == Decimal("3.50")
    assert held.fact_total == 10
    assert round(held.fact_per_day or 0, 2) == 3.33
    assert round((held.deviation or 0) * 100, 1) == -4.8
    assert held.counted == pytest.approx(0.4 * 10 / 3 / 3.5)
    assert leads.plan_per_day == Decimal("0.50") and leads.fact_total == 3
    assert leads.attainment == pytest.approx(2.0)
    assert talk.fact_total == pytest.approx(25.0)  # 1,500 seconds
    assert talk.plan_per_day == Decimal(5) and talk.attainment == pytest.approx(25 / 3 / 5)
    assert card.total == pytest.approx(0.4 * 10 / 3 / 3.5 + 0.4 * 2 + 0.2 * 25 / 15)


def test_below_the_cut_off_a_part_counts_zero(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    lead_generator_setup(service, f.supervisor)

    card = service.scorecard(f.supervisor, f.petr.user_id, NOVEMBER, now=NOW)

    assert card.working_days == 1
    assert all(item.attainment == 0 and item.below_cutoff for item in card.lines)
    assert card.total == 0


def test_metrics_with_a_plan_but_no_weight_are_shown_without_counting(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    service.save_plan(
        f.supervisor,
        user_id=f.olga.user_id,
        metric=KpiMetric.CALLS,
        per_day=2,
        valid_from=dt.date(2026, 11, 1),
    )
    card = service.scorecard(f.supervisor, f.olga.user_id, NOVEMBER, now=NOW)
    assert card.total is None  # the role has no weights
    (calls,) = card.lines
    assert calls.metric == KpiMetric.CALLS and calls.fact_total == 6
    assert calls.attainment == pytest.approx(1.0) and calls.counted == 0


def test_a_period_still_to_come_has_no_facts(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    lead_generator_setup(service, f.supervisor)
    december = ReportPeriod(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    card = service.scorecard(f.olga, f.olga.user_id, december, now=NOW)
    assert card.working_days == 0 and card.as_of == dt.date(2026, 12, 1)
    assert all(item.fact_per_day is None and item.counted == 0 for item in card.lines)


def test_operators_see_only_their_own_scorecard(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    lead_generator_setup(service, f.supervisor)

    assert service.scorecard(f.petr, f.petr.user_id, NOVEMBER, now=NOW).person.name == "Пётр"
    with pytest.raises(PermissionDenied):
        service.scorecard(f.petr, f.olga.user_id, NOVEMBER, now=NOW)
    with pytest.raises(PermissionDenied):
        service.scorecards(f.olga, NOVEMBER, now=NOW)
    with pytest.raises(PermissionDenied):
        service.scorecard(f.seller, f.olga.user_id, NOVEMBER, now=NOW)
    with pytest.raises(PermissionDenied):
        service.plans(f.olga)
    with pytest.raises(PermissionDenied):
        service.save_plan(
            f.olga,
            user_id=f.olga.user_id,
            metric=KpiMetric.LEADS,
            per_day=0.1,
            valid_from=dt.date(2026, 11, 1),
        )
    with pytest.raises(PermissionDenied):
        service.set_weights(f.olga, Role.OPERATOR, [])
    with pytest.raises(PermissionDenied):
        service.weights(f.olga, Role.SELLER)
    assert service.weights(f.olga, Role.OPERATOR)[0].metric == KpiMetric.HELD_VISITS
    assert [p.user_id for p in service.people(f.olga)] == [f.olga.user_id]

    cards = service.scorecards(f.supervisor, NOVEMBER, role=Role.OPERATOR, now=NOW)
    assert sorted(card.person.name for card in cards) == ["Ольга", "Пётр"]
    everyone = {person.name for person in service.people(f.supervisor)}
    assert {"Ольга", "Пётр", "Роман", "Сергей"} <= everyone


def test_weights_must_add_up_to_100_percent_and_are_audited(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    with pytest.raises(ValidationFailed) as caught:
        service.set_weights(
            f.supervisor, Role.OPERATOR, [("leads", "0.5", "0.8"), ("calls", "0.4", "0.8")]
        )
    assert caught.value.problem == "sum"
    with pytest.raises(ValidationFailed) as caught:
        service.set_weights(f.supervisor, Role.OPERATOR, [("smiles", 1, 0)])
    assert caught.value.problem == "unknown_metric"
    assert service.weights(f.supervisor, Role.OPERATOR) == []

    lead_generator_setup(service, f.supervisor)
    replaced = service.set_weights(
        f.supervisor, Role.OPERATOR, [("leads", "0.75", "0.5"), ("calls", "0.25", "0")]
    )
    assert [(w.metric, w.weight, w.cutoff) for w in replaced] == [
        (KpiMetric.LEADS, Decimal("0.7500"), Decimal("0.5000")),
        (KpiMetric.CALLS, Decimal("0.2500"), Decimal("0.0000")),
    ]
    with db.session() as session:
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.action, AuditEntry.after).where(
                AuditEntry.user_id == f.supervisor.user_id, AuditEntry.entity == "kpi_weights"
            )
        ).all()
    assert len(entries) == 2
    assert entries[-1].after["weights"][0] == {
        "metric": "leads",
        "weight": "0.7500",
        "cutoff": "0.5000",
    }


def test_plans_are_validated_changed_deleted_and_audited(db: Database) -> None:
    f = build_floor(db)
    service = PlanService(db)
    with pytest.raises(ValidationFailed) as caught:
        service.save_plan(f.supervisor, metric="leads", per_day=1, valid_from=dt.date(2026, 11, 1))
    assert caught.value.problem == "one_of"
    with pytest.raises(ValidationFailed) as caught:
        service.save_plan(
            f.supervisor,
            role=Role.OPERATOR,
            metric="leads",
            per_day=0,
            valid_from=dt.date(2026, 11, 1),
        )
    assert caught.value.field == "per_day"
    with pytest.raises(ValidationFailed) as caught:
        service.save_plan(
            f.supervisor,
            role=Role.OPERATOR,
            metric="leads",
            per_day=1,
            valid_from=dt.date(2026, 11, 2),
            valid_to=dt.date(2026, 11, 1),
        )
    assert caught.value.problem == "before_start"
    with pytest.raises(NotFound):
        service.save_plan(
            f.supervisor, user_id=999_999, metric="leads", per_day=1, valid_from=dt.date.today()
        )

    plan = service.save_plan(
        f.supervisor,
        user_id=f.olga.user_id,
        metric=KpiMetric.HELD_VISITS,
        per_day="3.5",
        valid_from=dt.date(2026, 11, 1),
    )
    assert plan.user_name == "Ольга" and plan.role is None and plan.per_day == Decimal("3.50")
    changed = service.save_plan(
        f.supervisor,
        plan_id=plan.plan_id,
        user_id=f.olga.user_id,
        metric=KpiMetric.HELD_VISITS,
        per_day=4,
        valid_from=dt.date(2026, 11, 1),
        valid_to=dt.date(2026, 11, 30),
    )
    assert service.plans(f.supervisor) == [changed]
    service.delete_plan(f.supervisor, plan.plan_id)
    assert service.plans(f.supervisor) == []
    with pytest.raises(NotFound):
        service.delete_plan(f.supervisor, plan.plan_id)
    with db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "plan", AuditEntry.entity_id == plan.plan_id)
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["created", "changed", "deleted"]
