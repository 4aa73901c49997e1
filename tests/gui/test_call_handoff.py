"""The call's hand-off to a seller: when it is offered, the least-loaded or chosen seller,
and refusals in plain words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.handoff import HandoffRefusal
from operator_app.core.roles import Actor
from operator_app.core.verification.service import VerificationService
from operator_app.core.verification.verdict import Verdict
from operator_app.gui.call.handoff_dialog import HandoffControl, HandoffDialog, refusal_text
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Contact, Handoff, Lead, Office, Resource
from tests.gui.verification_data import VISIT_AT, Space, add_seller, book_visit, build_space

TARGET_ANSWERS = {"history": "Хорошая", "visit": "да", "age": "35"}


@pytest.fixture
def space(sqlite_db: Database, admin: Actor) -> Space:
    return build_space(sqlite_db, admin)


def neutral_desk(db: Database) -> int:
    with db.session() as session:
        office = Office(name="Main office", address="Арбат, 2")
        session.add(office)
        session.flush()
        desk = Resource(office_id=office.id, name="Meeting room", user_id=None)
        session.add(desk)
        session.flush()
        return desk.id


def other_lead(db: Database, campaign_id: int) -> int:
    with db.session() as session:
        contact = Contact(full_name="Пётр Сидоров", custom_fields={})
        session.add(contact)
        session.flush()
        lead = Lead(contact_id=contact.id, campaign_id=campaign_id, state="lead")
        session.add(lead)
        session.flush()
        return lead.id


def sellers_with_anna_busy(db: Database, space: Space) -> tuple[Actor, Actor]:
    anna, anna_desk = add_seller(db, space.admin, "anna", "Anna")
    boris, _boris_desk = add_seller(db, space.admin, "boris", "Boris")
    book_visit(db, other_lead(db, space.campaign_id), anna_desk, VISIT_AT)
    return anna, boris


def open_dialog(qtbot: QtBot, control: HandoffControl) -> HandoffDialog:
    control.button.click()
    qtbot.waitUntil(lambda: control.dialog is not None, timeout=10_000)
    dialog = control.dialog
    assert dialog is not None
    return dialog


def handoff_rows(db: Database) -> list[tuple[int, int | None]]:
    with db.session() as session:
        return [(row.lead_id, row.to_user_id) for row in session.scalars(select(Handoff))]


def test_the_action_is_hidden_in_one_step_and_waits_for_a_target_verdict(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    control = HandoffControl(sqlite_db, space.operator)
    qtbot.addWidget(control)
    control.show()
    control.set_lead(space.lead_id, two_step=False, verdict=Verdict.TARGET)
    assert control.isHidden()
    control.set_lead(space.lead_id, two_step=True, verdict=None)
    assert control.isVisible()
    assert not control.button.isEnabled()
    assert control.button.text() == "Hand off to seller…"
    control.set_verdict(Verdict.NON_TARGET)
    assert not control.button.isEnabled()
    control.set_verdict(Verdict.TARGET)
    assert control.button.isEnabled()
    control.set_lead(None, two_step=True, verdict=None)
    assert control.isHidden()


def test_the_least_loaded_free_seller_gets_the_lead(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    _anna, boris = sellers_with_anna_busy(sqlite_db, space)
    book_visit(sqlite_db, space.lead_id, neutral_desk(sqlite_db), VISIT_AT)
    VerificationService(sqlite_db).save(space.operator, space.lead_id, None, TARGET_ANSWERS)
    control = HandoffControl(sqlite_db, space.operator)
    qtbot.addWidget(control)
    control.set_lead(space.lead_id, two_step=True, verdict=Verdict.TARGET)
    dialog = open_dialog(qtbot, control)
    assert dialog.seller.currentText() == "Least-loaded free seller"
    assert [dialog.seller.itemText(i) for i in range(1, dialog.seller.count())] == [
        "Anna",
        "Boris",
    ]
    office_time = VISIT_AT.astimezone(ZoneInfo("Europe/Moscow"))  # the office's default zone
    assert dialog.visit.text().startswith(office_time.strftime("%d.%m.%Y at %H:%M, Main office"))
    assert dialog.error.isHidden()
    with qtbot.waitSignal(control.handed_off, timeout=10_000) as blocker:
        dialog.confirm_button.click()
    assert blocker.args[0].seller_id == boris.user_id
    assert handoff_rows(sqlite_db) == [(space.lead_id, boris.user_id)]
    assert control.status.text() == "Handed off to Boris."
    assert not control.button.isEnabled()


def test_a_busy_chosen_seller_is_refused_in_plain_words_and_another_can_be_chosen(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    anna, boris = sellers_with_anna_busy(sqlite_db, space)
    book_visit(sqlite_db, space.lead_id, neutral_desk(sqlite_db), VISIT_AT)
    VerificationService(sqlite_db).save(space.operator, space.lead_id, None, TARGET_ANSWERS)
    control = HandoffControl(sqlite_db, space.operator)
    qtbot.addWidget(control)
    control.set_lead(space.lead_id, two_step=True, verdict=Verdict.TARGET)
    dialog = open_dialog(qtbot, control)
    dialog.seller.setCurrentIndex(dialog.seller.findData(anna.user_id))
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10_000)
    assert dialog.error.text() == (
        "This seller has another visit at that time: choose another seller or the "
        "least-loaded free one."
    )
    assert dialog.isVisible()
    assert handoff_rows(sqlite_db) == []
    dialog.seller.setCurrentIndex(dialog.seller.findData(boris.user_id))
    with qtbot.waitSignal(dialog.handed_off, timeout=10_000):
        dialog.confirm_button.click()
    assert handoff_rows(sqlite_db) == [(space.lead_id, boris.user_id)]


def test_refusals_name_the_reason(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    add_seller(sqlite_db, space.admin, "anna", "Anna")
    control = HandoffControl(sqlite_db, space.operator)
    qtbot.addWidget(control)
    control.set_lead(space.lead_id, two_step=True, verdict=Verdict.TARGET)
    dialog = open_dialog(qtbot, control)
    # No visit booked: the dialog says so at once; confirming is refused with the same words.
    assert dialog.visit.text() == "No booked visit"
    assert dialog.error.text() == "The lead has no booked presentation: book a visit first."
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10_000)
    assert (
        dialog.error.text()
        == "The lead is not verified as target: save a target verification first."
    )
    assert handoff_rows(sqlite_db) == []
    texts = {reason: refusal_text(reason) for reason in HandoffRefusal}
    assert texts[HandoffRefusal.NO_FREE_SELLER] == "No seller is free at the time of the visit."
    assert texts[HandoffRefusal.ALREADY_HANDED_OFF] == "The lead is already handed off to a seller."
    assert all(text and "_" not in text for text in texts.values())
    assert dt.datetime.now(dt.UTC) < VISIT_AT
