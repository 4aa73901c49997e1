"""The criteria editor: load a campaign's criteria, edit them, a refused save names the
criterion, field and reason and keeps everything, a save adds a version only when changed."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import import_script
from operator_app.core.verification.criteria import (
    AnswerType,
    Criterion,
    DisqualifyRule,
    NonTargetReason,
    RuleKind,
)
from operator_app.core.verification.service import CriteriaService
from operator_app.gui.criteria.editor import CriteriaEditorPage
from operator_app.gui.i18n import Translations
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Script
from tests.gui.helpers import add_user, context_for
from tests.support.handoff_data import make_campaign

pytestmark = pytest.mark.usefixtures("close_windows")

CREDIT = Criterion(
    "credit_history",
    "Какая у вас кредитная история?",
    AnswerType.CHOICE,
    choices=("Хорошая", "Были просрочки", "Испорчена безнадёжно"),
    disqualify=DisqualifyRule(RuleKind.EQUALS, "Испорчена безнадёжно"),
    script_step="q_credit_history",
)
RUINED = NonTargetReason("ruined_credit", "Кредитная история испорчена")


def with_broker_script(database: Database, admin: Actor, campaign: int) -> None:
    """The campaign asks CREDIT at its script's step q_credit_history (a step must exist)."""
    text = resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
    name, _version = import_script(database, admin, text)
    with database.session() as session:
        script_id = session.scalars(select(Script.id).where(Script.name == name)).one()
        session.get_one(Campaign, campaign).script_id = script_id


def open_page(
    qtbot: QtBot, database: Database, supervisor: Actor, campaign: int, translations: Translations
) -> CriteriaEditorPage:
    page = CriteriaEditorPage(context_for(database, supervisor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    page.select_campaign(campaign)
    qtbot.waitUntil(lambda: not page.is_busy() and page.campaign_id() == campaign, timeout=10_000)
    return page


def save(qtbot: QtBot, page: CriteriaEditorPage) -> None:
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)


def test_editing_and_saving_criteria_adds_a_version_only_when_changed(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    make_campaign(sqlite_db, "Автосалон")
    campaign = make_campaign(sqlite_db, "Кредитный брокер")
    with_broker_script(sqlite_db, admin, campaign)
    service = CriteriaService(sqlite_db)
    service.save(supervisor, campaign, [CREDIT], [RUINED])
    page = open_page(qtbot, sqlite_db, supervisor, campaign, translations)

    assert page.version.text() == "version 1"
    assert page.criteria.rowCount() == 1
    assert page.id_edit.text() == "credit_history"
    assert page.choices_edit.toPlainText().splitlines() == list(CREDIT.choices)
    assert page.rule_value_edit.text() == "Испорчена безнадёжно"
    assert page.step_edit.text() == "q_credit_history"
    assert page.reason_rows() == [{"code": "ruined_credit", "label": "Кредитная история испорчена"}]

    save(qtbot, page)  # nothing changed
    assert page.status.text() == "Nothing changed: still version 1."
    assert service.current(campaign).version == 1  # type: ignore[union-attr]

    # A new number criterion, typed in the editor, moved to the top.
    page.add_button.click()
    assert page.current_row() == 1
    page.id_edit.setText("budget")
    page.question_edit.setText("Какой первый взнос, млн?")
    page.type_combo.setCurrentIndex(page.type_combo.findData("number"))
    assert not page.choices_edit.isEnabled()
    page.rule_combo.setCurrentIndex(page.rule_combo.findData("less_than"))
    page.rule_value_edit.setText("1,5")
    page.required_check.setChecked(False)
    page.up_button.click()
    assert page.current_row() == 0
    assert page.criteria.item(0, 0).text() == "budget"  # type: ignore[union-attr]
    page.add_reason()
    last = page.reasons.rowCount() - 1
    page.reasons.item(last, 0).setText("low_payment")  # type: ignore[union-attr]
    page.reasons.item(last, 1).setText("Нет первого взноса")  # type: ignore[union-attr]

    save(qtbot, page)
    assert page.status.text() == "Saved as version 2."
    assert page.version.text() == "version 2"
    current = service.current(campaign)
    assert current is not None and current.version == 2
    assert current.criteria == (
        Criterion(
            "budget",
            "Какой первый взнос, млн?",
            AnswerType.NUMBER,
            required=False,
            disqualify=DisqualifyRule(RuleKind.LESS_THAN, 1.5),
        ),
        CREDIT,
    )
    assert current.reasons == (RUINED, NonTargetReason("low_payment", "Нет первого взноса"))

    page.down_button.click()
    page.remove_button.click()
    assert [draft.id for draft in page.drafts()] == ["credit_history"]


def test_a_refused_save_names_the_criterion_and_field_and_loses_nothing(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    campaign = make_campaign(sqlite_db, "Застройщик")
    page = open_page(qtbot, sqlite_db, supervisor, campaign, translations)
    assert page.version.text() == "no criteria saved yet"
    assert page.criteria.rowCount() == 0

    page.add_button.click()
    page.id_edit.setText("has_job")
    page.question_edit.setText("Официально трудоустроены?")
    page.rule_combo.setCurrentIndex(page.rule_combo.findData("equals"))
    page.rule_value_edit.setText("no")
    page.add_button.click()
    page.id_edit.setText("budget")
    page.question_edit.setText("Бюджет?")
    page.type_combo.setCurrentIndex(page.type_combo.findData("number"))
    page.rule_combo.setCurrentIndex(page.rule_combo.findData("greater_than"))
    page.rule_value_edit.setText("много")
    page.criteria.selectRow(0)

    save(qtbot, page)
    assert page.error.text() == (
        "Criterion 2 (budget), Disqualifying rule: greater_than must be a number"
    )
    assert page.current_row() == 1  # the offending criterion is shown
    assert page.rule_value_edit.text() == "много"
    assert [d.id for d in page.drafts()] == ["has_job", "budget"]
    assert CriteriaService(sqlite_db).current(campaign) is None

    page.rule_value_edit.setText("100")
    page.add_reason()
    page.reasons.item(0, 0).setText("bad code!")  # type: ignore[union-attr]
    page.reasons.item(0, 1).setText("Не подходит")  # type: ignore[union-attr]
    save(qtbot, page)
    assert page.error.text().startswith("Non-target reason 1, Code: code 'bad code!' may hold")
    assert page.reasons.currentRow() == 0
    assert CriteriaService(sqlite_db).current(campaign) is None

    page.reasons.item(0, 0).setText("unemployed")  # type: ignore[union-attr]
    save(qtbot, page)
    assert not page.error.isVisibleTo(page)
    current = CriteriaService(sqlite_db).current(campaign)
    assert current is not None and current.version == 1
    assert current.criteria[0].disqualify == DisqualifyRule(RuleKind.EQUALS, False)
    assert current.criteria[1].disqualify == DisqualifyRule(RuleKind.GREATER_THAN, 100)


def test_a_duplicate_id_is_named(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    campaign = make_campaign(sqlite_db, "Застройщик")
    with_broker_script(sqlite_db, admin, campaign)
    CriteriaService(sqlite_db).save(supervisor, campaign, [CREDIT], [RUINED])
    page = open_page(qtbot, sqlite_db, supervisor, campaign, translations)
    page.add_button.click()
    page.id_edit.setText("credit_history")
    page.question_edit.setText("Ещё раз?")
    save(qtbot, page)
    assert page.error.text() == (
        "Criterion 2 (credit_history), Id: duplicate id 'credit_history' (first used by item 1)"
    )
    assert page.focusWidget() is page.id_edit


def test_unsaved_changes_hold_the_campaign_until_saved_or_discarded(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    supervisor = add_user(sqlite_db, admin, "roman", Role.SUPERVISOR)
    other = make_campaign(sqlite_db, "Автосалон")
    campaign = make_campaign(sqlite_db, "Кредитный брокер")
    with_broker_script(sqlite_db, admin, campaign)
    CriteriaService(sqlite_db).save(supervisor, campaign, [CREDIT], [RUINED])
    page = open_page(qtbot, sqlite_db, supervisor, campaign, translations)
    assert not page.has_changes() and page.campaign.isEnabled()
    assert not page.discard_button.isEnabled()

    page.question_edit.setText("Кредитная история?")
    assert page.has_changes()
    assert page.status.text() == "Unsaved changes"
    assert not page.campaign.isEnabled()

    page.discard_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.question_edit.text() == CREDIT.question
    assert not page.has_changes() and page.campaign.isEnabled()

    page.reasons.item(0, 1).setText("Плохая история")  # type: ignore[union-attr]
    assert not page.campaign.isEnabled()
    save(qtbot, page)
    assert page.status.text() == "Saved as version 2."
    assert page.campaign.isEnabled()

    page.select_campaign(other)
    qtbot.waitUntil(lambda: not page.is_busy() and page.campaign_id() == other, timeout=10_000)
    assert page.criteria.rowCount() == 0
    assert page.version.text() == "no criteria saved yet"
