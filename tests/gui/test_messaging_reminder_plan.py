"""The reminder plan dialog: the campaign's plan shown, next-visit presets, an RRULE error
shown under its field with the dialog kept open, a good plan saved, and administrators only."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from operator_app.core.calendar.reminder_plan import ReminderSettings
from operator_app.core.calendar.reminder_settings_service import ReminderSettingsService
from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.messaging.reminder_plan_dialog import ReminderPlanDialog
from operator_app.storage.database import Database
from tests.gui.helpers import add_user, context_for
from tests.support.messaging_data import make_client

pytestmark = pytest.mark.usefixtures("close_windows")


def open_dialog(
    qtbot: QtBot, db: Database, actor: Actor, translations: Translations, campaign_id: int
) -> ReminderPlanDialog:
    dialog = ReminderPlanDialog(context_for(db, actor, translations), campaign_id)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    return dialog


def test_the_plan_is_edited_with_presets_and_field_errors(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    campaign = make_client(sqlite_db).campaign_id
    ReminderSettingsService(sqlite_db).save(
        admin, campaign, ReminderSettings(confirm_call_hours_before=4)
    )
    dialog = open_dialog(qtbot, sqlite_db, admin, translations, campaign)
    assert dialog.confirm_call_hours_before.value() == 4
    assert dialog.confirmation_message.isChecked()
    assert dialog.rule_preset.currentData() == "none"
    assert "not cyclic" in dialog.heading.text()

    dialog.choose_preset("quarterly")
    assert dialog.next_visit_rule.text() == "FREQ=MONTHLY;INTERVAL=3"
    dialog.next_visit_rule.setText("FREQ=SOMETIMES")
    assert dialog.rule_preset.currentData() == "custom"
    dialog.second_call_after_minutes.setValue(90)
    dialog.control_touch_kind.setCurrentIndex(dialog.control_touch_kind.findData("call"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.isVisible()
    error = dialog.field_error("next_visit_rule")
    assert error is not None and error.startswith("This is not a repeat rule")
    assert dialog.second_call_after_minutes.value() == 90  # nothing typed is lost

    dialog.next_visit_rule.setText("FREQ=MONTHLY;INTERVAL=6")
    assert dialog.rule_preset.currentData() == "half_yearly"
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert not dialog.isVisible()
    assert dialog.saved_plan is not None
    stored = ReminderSettingsService(sqlite_db).plan(campaign).settings
    assert stored == ReminderSettings(
        control_touch_kind="call",
        confirm_call_hours_before=4,
        second_call_after_minutes=90,
        next_visit_rule="FREQ=MONTHLY;INTERVAL=6",
    )


def test_restore_defaults_and_only_administrators_save(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    campaign = make_client(sqlite_db).campaign_id
    supervisor = add_user(sqlite_db, admin, "sveta", Role.SUPERVISOR)
    dialog = open_dialog(qtbot, sqlite_db, supervisor, translations, campaign)
    dialog.review_request_hours_after.setValue(12)
    dialog.defaults_button.click()
    assert (
        dialog.review_request_hours_after.value() == ReminderSettings().review_request_hours_after
    )
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert dialog.isVisible()
    assert dialog.error.text() == "Your role (Supervisor) may not do this."
