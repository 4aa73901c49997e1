"""A campaign's reminder plan on SQLite and PostgreSQL: defaults, validated saves that keep
the campaign's other settings, administrators only, and an audit row per change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from operator_app.core.calendar.reminder_plan import INT_RANGES, ReminderSettings
from operator_app.core.calendar.reminder_settings_service import (
    ReminderSettingsService,
    number_limits,
)
from operator_app.core.calendar.reminders import reminder_settings
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Campaign
from tests.support.messaging_data import make_admin, make_client

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def campaign_settings(db: Database, campaign_id: int) -> dict[str, object]:
    with db.session() as session:
        stored = session.scalar(select(Campaign.settings).where(Campaign.id == campaign_id))
        assert stored is not None
        return dict(stored)


def test_a_campaign_without_a_plan_shows_the_defaults(db: Database) -> None:
    campaign = make_client(db).campaign_id
    plan = ReminderSettingsService(db).plan(campaign)
    assert plan.campaign_id == campaign
    assert plan.campaign_name.startswith("Кампания")
    assert plan.settings == ReminderSettings()
    assert plan.stored_invalid is None


def test_saving_keeps_other_settings_and_is_read_back_by_the_reminders(db: Database) -> None:
    campaign = make_client(db).campaign_id
    admin = make_admin(db)
    wanted = ReminderSettings(
        confirmation_message=False,
        control_touch_min_days=3,
        control_touch_kind="call",
        confirm_call_hours_before=4,
        second_call_after_minutes=90,
        cancel_after_second_call=False,
        review_request_hours_after=5,
        next_visit_rule="FREQ=MONTHLY;INTERVAL=3",
        next_visit_remind_days_before=10,
    )
    saved = ReminderSettingsService(db).save(admin, campaign, wanted, now=NOW)
    assert saved.settings == wanted
    stored = campaign_settings(db, campaign)
    assert stored["company_name"] == "Ясный кредит"  # untouched
    assert reminder_settings(stored) == wanted
    assert ReminderSettingsService(db).plan(campaign).settings == wanted


def test_a_bad_value_is_refused_naming_the_setting_and_nothing_changes(db: Database) -> None:
    campaign = make_client(db).campaign_id
    admin = make_admin(db)
    service = ReminderSettingsService(db)
    with pytest.raises(ValidationFailed) as rule_error:
        service.save(admin, campaign, {"next_visit_rule": "EVERY SO OFTEN"})
    assert rule_error.value.field == "next_visit_rule"
    with pytest.raises(ValidationFailed) as range_error:
        service.save(admin, campaign, ReminderSettings(confirm_call_hours_before=0))
    assert range_error.value.field == "confirm_call_hours_before"
    assert range_error.value.problem == "out_of_range"
    assert "reminders" not in campaign_settings(db, campaign)


def test_only_administrators_save_and_every_save_is_audited(db: Database) -> None:
    campaign = make_client(db).campaign_id
    admin = make_admin(db)
    supervisor = Actor(admin.user_id, admin.login, admin.display_name, Role.SUPERVISOR)
    service = ReminderSettingsService(db)
    with pytest.raises(PermissionDenied):
        service.save(supervisor, campaign, ReminderSettings())
    service.save(admin, campaign, {"confirm_call_hours_before": 5}, now=NOW)
    service.save(admin, campaign, {"confirm_call_hours_before": 6}, now=NOW)
    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "campaign", AuditEntry.entity_id == campaign)
            .order_by(AuditEntry.id)
        ).all()
        audited = [(e.user_id, e.action, e.before, e.after, e.at) for e in entries]
    assert len(audited) == 2
    first, second = audited
    assert first[:3] == (admin.user_id, "reminder_plan", None)
    assert first[3] is not None and first[3]["reminders"]["confirm_call_hours_before"] == 5
    assert second[2] is not None and second[2]["reminders"]["confirm_call_hours_before"] == 5
    assert second[3] is not None and second[3]["reminders"]["confirm_call_hours_before"] == 6
    assert first[4] == NOW


def test_a_stored_plan_that_no_longer_validates_shows_defaults_and_the_problem(
    db: Database,
) -> None:
    campaign = make_client(db).campaign_id
    with db.session() as session:
        row = session.get(Campaign, campaign)
        assert row is not None
        row.settings = {"reminders": {"confirm_call_hours_before": 999}}
    plan = ReminderSettingsService(db).plan(campaign)
    assert plan.settings == ReminderSettings()
    assert plan.stored_invalid is not None
    assert plan.stored_invalid.field == "confirm_call_hours_before"


def test_unknown_campaigns_and_limits(db: Database) -> None:
    service = ReminderSettingsService(db)
    with pytest.raises(NotFound):
        service.plan(987654)
    with pytest.raises(NotFound):
        service.save(make_admin(db), 987654, ReminderSettings())
    limits = number_limits()
    assert limits == dict(INT_RANGES)
    assert limits["confirm_call_hours_before"][0] >= 1
    assert set(limits) >= {"control_touch_min_days", "second_call_after_minutes"}
