"""The call's verification and "who is on the line" tabs working together."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor
from operator_app.core.script_engine import DialogueSession
from operator_app.gui.call.call_details import CallDetails
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from tests.gui.verification_data import Space, build_space, script
from tests.support.handoff_data import make_company


@pytest.fixture
def space(sqlite_db: Database, admin: Actor) -> Space:
    return build_space(sqlite_db, admin)


def opened(qtbot: QtBot, db: Database, space: Space, **draft: object) -> CallDetails:
    details = CallDetails(db, space.operator)
    qtbot.addWidget(details)
    with qtbot.waitSignal(details.loaded, timeout=10_000):
        details.open_lead(space.lead_id, script(), draft)
    return details


def test_opening_a_lead_fills_every_tab(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    details = opened(qtbot, sqlite_db, space)
    assert [details.tabText(i) for i in range(details.count())] == [
        "Verification",
        "Who is on the line",
    ]
    assert list(details.verification.editors) == ["history", "visit", "age", "deal", "note"]
    assert details.contact.full_name.text() == "Иван Петров"
    assert details.company.name.text() == ""
    assert not details.handoff.isHidden()  # a two-step campaign
    assert not details.handoff.button.isEnabled()  # not verified yet
    details.clear()
    assert details.verification.editors == {}
    assert details.contact.full_name.text() == ""
    assert details.handoff.isHidden()


def test_the_script_fills_the_form_and_a_saved_target_allows_the_hand_off(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    details = opened(qtbot, sqlite_db, space)
    script_panel = ScriptPanel()
    qtbot.addWidget(script_panel)
    details.follow(script_panel)
    script_panel.set_session(DialogueSession(script(), {}))
    script_panel.choose(0)  # greeting
    script_panel.choose(0)  # q_history: Хорошая
    # The form names the script answer its value means, on the step being asked.
    visit = details.verification.editors["visit"]
    assert isinstance(visit, QComboBox)
    visit.setCurrentIndex(visit.findData(True))
    marked = [b.text() for b in script_panel.answer_buttons if b.property("suggested")]
    assert marked == ["1. Да, приеду"]
    age = details.verification.editors["age"]
    assert isinstance(age, QLineEdit)
    age.setText("40")
    assert details.verification.verdict.text() == "Target"
    assert details.draft_answers() == {"history": "Хорошая", "visit": True, "age": "40"}
    with qtbot.waitSignal(details.verification.saved, timeout=10_000):
        details.verification.save_button.click()
    assert details.handoff.button.isEnabled()


def test_draft_answers_come_back_and_a_chosen_company_goes_to_the_contact(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    details = opened(qtbot, sqlite_db, space, age="33", history="Хорошая")
    age = details.verification.editors["age"]
    assert isinstance(age, QLineEdit) and age.text() == "33"
    company_id = make_company(sqlite_db, "ООО Ромашка", "7707083893")
    details.company.inn.setText("7707083893")
    qtbot.waitUntil(lambda: details.company.found is not None, timeout=10_000)
    details.company.use_found_button.click()
    assert details.contact.company_id == company_id
    assert details.contact.form_input().company_id == company_id
