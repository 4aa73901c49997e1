"""The demo's last 14 days for supervisors, on both backends: its shape, and that it is seeded."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from operator_app.core.demo import create_demo_workspace
from operator_app.core.demo_data.team import HISTORY_CAMPAIGN, HISTORY_DAYS, TEAM
from operator_app.core.script_split import ScriptSplit, SplitBy
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    CallReview,
    Campaign,
    Handoff,
    KpiWeight,
    Plan,
    ScriptAnswer,
    ScriptVersion,
    User,
    Verification,
    Visit,
    VisitResult,
)

MOSCOW = ZoneInfo("Europe/Moscow")


def test_several_operators_called_on_the_working_days_before_today(db: Database) -> None:
    before = utcnow()
    summary = create_demo_workspace(db)
    with db.session() as session:
        calls = list(session.scalars(select(CallAttempt)))
        operators = dict(session.execute(select(User.id, User.role)).tuples().all())
    today = before.astimezone(MOSCOW).date()
    assert summary.history is not None and summary.history.calls == len(calls)
    assert {operators[c.operator_id or 0] for c in calls} == {"operator"}
    per_operator = Counter(c.operator_id for c in calls)
    assert len(per_operator) == len(TEAM) >= 3 and min(per_operator.values()) >= 20
    days = {c.started_at.astimezone(MOSCOW).date() for c in calls}
    assert len(days) >= 8 and all(day.weekday() < 5 for day in days)
    assert min(days) >= today - dt.timedelta(days=HISTORY_DAYS) and max(days) < today
    for call in calls:
        assert call.disposition and call.ended_at and call.ended_at >= call.started_at
        assert (call.talk_seconds > 0) == (call.last_step_id is not None)
    codes = Counter(c.disposition for c in calls)
    assert {"no_answer", "busy", "refused", "not_target", "visit_booked", "callback"} <= set(codes)
    assert all(c.reason for c in calls if c.disposition in {"not_target", "refused"})
    assert len({c.reason for c in calls if c.disposition == "not_target"}) >= 2
    assert any(c.notes for c in calls)


def test_reached_calls_carry_answers_with_spin_kinds_objections_and_gaps(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        answers = list(session.scalars(select(ScriptAnswer)))
        started = dict(
            session.execute(select(CallAttempt.id, CallAttempt.started_at)).tuples().all()
        )
    assert {a.spin for a in answers} >= {"S", "P", "I", "N", None}
    assert {a.stage for a in answers} >= {"contact", "diagnostics", "teaser", "closing"}
    assert sum(a.objection_id is not None for a in answers) >= 5
    gaps = [a for a in answers if a.no_suitable_answer]
    assert gaps and all(a.free_text and a.answer is None for a in gaps)
    assert all(a.answered_at >= started[a.call_id] for a in answers)


def test_booked_visits_are_verified_handed_off_and_held_with_sales(db: Database) -> None:
    before = utcnow()
    create_demo_workspace(db)
    with db.session() as session:
        booked_calls = list(
            session.scalars(select(CallAttempt).where(CallAttempt.disposition == "visit_booked"))
        )
        verifications = {
            v.call_id: v for v in session.scalars(select(Verification)) if v.call_id is not None
        }
        visits = {
            v.lead_id: v for v in session.scalars(select(Visit).where(Visit.starts_at < before))
        }
        handoffs = {h.visit_id: h for h in session.scalars(select(Handoff))}
        results = {r.visit_id: r for r in session.scalars(select(VisitResult))}
    assert len(booked_calls) >= 15
    for call in booked_calls:
        assert verifications[call.id].verdict == "target"
        visit = visits[call.lead_id]
        assert visit.booked_by_id == call.operator_id and visit.booked_at <= visit.starts_at
        assert visit.status in {"held", "no_show", "cancelled"}
        handoff = handoffs[visit.id]
        assert handoff.from_user_id == call.operator_id
        assert handoff.state in {"accepted", "return_upheld", "return_overruled"}
        assert (visit.status == "cancelled") == (handoff.state == "return_upheld")
        if visit.status == "held":
            assert visit.id in results
        if visit.status == "no_show":
            assert visit.cancel_reason
    statuses = Counter(v.status for v in visits.values())
    assert statuses["held"] >= 10 and statuses["no_show"] >= 2
    sales = [r for r in results.values() if r.sale]
    assert len(sales) >= 3 and all(r.amount and r.amount > 0 for r in sales)
    assert any(not r.sale for r in results.values())


def test_the_broker_script_has_two_versions_split_per_lead(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.name == HISTORY_CAMPAIGN)).one()
        versions = list(
            session.scalars(
                select(ScriptVersion)
                .where(ScriptVersion.script_id == campaign.script_id)
                .order_by(ScriptVersion.version)
            )
        )
        used = Counter(session.scalars(select(CallAttempt.script_version_id)))
    assert [v.version for v in versions] == [1, 2] and all(v.published for v in versions)
    assert versions[0].document != versions[1].document
    split = ScriptSplit.from_settings(campaign.settings["script_split"])
    assert split == ScriptSplit(versions[0].id, versions[1].id, 50, SplitBy.LEAD)
    assert set(campaign.settings["script_split"]) == {
        "version_a_id",
        "version_b_id",
        "share_b",
        "by",
    }
    assert used[versions[0].id] > used[versions[1].id] > 10  # v1 alone before the split


def test_plans_and_kpi_weights_per_role_sum_to_one(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        weights = list(session.scalars(select(KpiWeight)))
        plans = list(session.scalars(select(Plan)))
    by_role: dict[str, Decimal] = {}
    for weight in weights:
        by_role[weight.role] = by_role.get(weight.role, Decimal(0)) + weight.weight
    assert by_role == {"operator": Decimal(1), "seller": Decimal(1)}
    lead_generator = {w.metric: (w.weight, w.cutoff) for w in weights if w.role == "operator"}
    assert lead_generator == {
        "held_visits": (Decimal("0.4"), Decimal("0.8")),
        "leads": (Decimal("0.4"), Decimal("0.8")),
        "talk_minutes": (Decimal("0.2"), Decimal("0.8")),
    }
    assert {p.metric for p in plans if p.role == "operator"} >= set(lead_generator)
    assert any(p.user_id is not None and p.role is None for p in plans)
    assert all(p.per_day > 0 and p.valid_to is None for p in plans)


def test_a_few_calls_of_each_operator_are_reviewed_with_feedback(db: Database) -> None:
    before = utcnow()
    create_demo_workspace(db)
    with db.session() as session:
        reviews = list(session.scalars(select(CallReview)))
        operator_of = dict(
            session.execute(select(CallAttempt.id, CallAttempt.operator_id)).tuples().all()
        )
        supervisor = session.scalars(select(User.id).where(User.login == "supervisor")).one()
    assert len(reviews) >= 6
    assert len({operator_of[r.call_id] for r in reviews}) == len(TEAM)
    for review in reviews:
        items = review.checklist["items"]
        assert set(items) == {"greeting_notice", "spin_s_p", "teaser_cta", "closing_reminder"}
        assert set(items.values()) <= {"yes", "no", "na"}
        yes = sum(v == "yes" for v in items.values())
        no = sum(v == "no" for v in items.values())
        assert review.score == (Decimal(yes * 100) / (yes + no)).quantize(Decimal("0.01"))
        assert review.reviewer_id == supervisor and review.comment
        assert review.created_at < before + dt.timedelta(seconds=5)
    assert {r.seen_by_operator_at is None for r in reviews} == {True, False}


def test_the_history_is_the_same_for_the_same_seed(sqlite_db: Database, pg_db: Database) -> None:
    on_sqlite = create_demo_workspace(sqlite_db, seed=11)
    on_postgresql = create_demo_workspace(pg_db, seed=11)
    assert on_sqlite.history == on_postgresql.history
    rows = []
    for database in (sqlite_db, pg_db):
        with database.session() as session:
            rows.append(
                session.execute(
                    select(CallAttempt.disposition, CallAttempt.talk_seconds, func.count())
                    .group_by(CallAttempt.disposition, CallAttempt.talk_seconds)
                    .order_by(CallAttempt.disposition, CallAttempt.talk_seconds)
                ).all()
            )
    assert [tuple(r) for r in rows[0]] == [tuple(r) for r in rows[1]]
