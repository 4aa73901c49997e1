"""Verification and hand-off through the real main window: sign in → next client of a two-step
campaign → the script fills the verification form → target → saved → handed off to the
least-loaded free seller."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from operator_app.core.queue.status import OperatorStatus
from operator_app.core.settings import AppSettings
from operator_app.core.verification.verdict import Verdict
from operator_app.gui.call.call_details import CallDetails
from operator_app.gui.call.script_panel import ScriptPanel
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import SignInDialog
from operator_app.storage.database import Database
from operator_app.storage.models import (
    Campaign,
    Handoff,
    Lead,
    Office,
    Resource,
    User,
    Verification,
    Visit,
)
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.gui.test_call_support import DEMO_PASSWORD, demo_database

pytestmark = pytest.mark.usefixtures("close_windows")

VISIT_AT = dt.datetime(2030, 3, 4, 10, 0, tzinfo=dt.UTC)

# The credit broker's script, walked to a target client; each answer fills a criterion.
SCRIPT_ANSWERS = (
    "Да, удобно",
    "Хорошо",
    "Квартира или дом (ипотека)",  # purchase
    "Хорошая, просрочек не было",  # credit_history
    "Да, подходит",  # broker_fee
    "Официально, больше полугода",  # income
)


def credit_broker_campaign(db: Database) -> int:
    """The demo's two-step campaign with a script, for private clients."""
    with db.session() as session:
        campaign_id = session.scalar(
            select(Campaign.id)
            .where(
                Campaign.model == "two-step",
                Campaign.is_b2b.is_(False),
                Campaign.script_id.is_not(None),
            )
            .order_by(Campaign.id)
            .limit(1)
        )
    assert campaign_id is not None
    return campaign_id


def prepare(db: Database, campaign_id: int) -> tuple[int, int]:
    """Every lead of the campaign has a presentation booked in the meeting room; the demo's
    sellers are away and two others work: Anna, with an open hand-off already, and Boris.
    Returns (Anna's id, Boris's id)."""
    with db.session() as session:
        session.execute(update(User).where(User.role == "seller").values(active=False))
        anna = User(login="anna", display_name="Anna", role="seller", password_hash="x")
        boris = User(login="boris", display_name="Boris", role="seller", password_hash="x")
        office = Office(name="Meeting office", address="Арбат, 2")
        session.add_all([anna, boris, office])
        session.flush()
        room = Resource(office_id=office.id, name="Meeting room", user_id=None)
        session.add(room)
        session.flush()
        leads = session.scalars(select(Lead.id).where(Lead.campaign_id == campaign_id)).all()
        session.add_all(
            Visit(
                lead_id=lead_id,
                resource_id=room.id,
                starts_at=VISIT_AT,
                ends_at=VISIT_AT + dt.timedelta(hours=1),
                status="booked",
                details={},
            )
            for lead_id in leads
        )
        other_lead = session.scalar(
            select(Lead.id).where(Lead.campaign_id != campaign_id).order_by(Lead.id).limit(1)
        )
        assert other_lead is not None
        session.add(Handoff(lead_id=other_lead, to_user_id=anna.id, state="offered"))
        return anna.id, boris.id


def click_answer(script_panel: ScriptPanel, label: str) -> None:
    for button in script_panel.answer_buttons:
        if button.text().split(". ", 1)[-1] == label:
            button.click()
            return
    shown = [button.text() for button in script_panel.answer_buttons]
    raise AssertionError(f"no answer '{label}' on screen: {shown}")


def test_an_operator_verifies_a_lead_and_hands_it_to_the_least_loaded_seller(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,  # noqa: F811 - the fixture imported above
) -> None:
    demo_database(sqlite_db)
    campaign_id = credit_broker_campaign(sqlite_db)
    _anna_id, boris_id = prepare(sqlite_db, campaign_id)
    flow = SessionFlow(sqlite_db, AppSettings.load(), translations)
    flow.start()
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText("operator")
    dialog.password.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    window = flow.window
    assert window is not None
    workspace = window.centralWidget()
    assert isinstance(workspace, OperatorWorkspace)
    queue = workspace.queue_panel
    queue.campaign_filter.setCurrentIndex(queue.campaign_filter.findData(campaign_id))
    queue.status.activated.emit(queue.status.findData(OperatorStatus.READY.value))

    details = workspace.details
    assert isinstance(details, CallDetails)
    with qtbot.waitSignal(details.loaded, timeout=10_000):
        workspace.next_action.trigger()
    call = workspace.call
    assert call is not None and call.card.campaign_id == campaign_id
    lead_id = call.card.lead_id
    form = details.verification
    assert form.isEnabled() and "purchase" in form.editors
    assert not details.handoff.isHidden()
    assert not details.handoff.button.isEnabled()

    for label in SCRIPT_ANSWERS:
        click_answer(workspace.script_panel, label)
    filled = {
        cid: editor.currentData()
        for cid, editor in form.editors.items()
        if isinstance(editor, QComboBox) and editor.currentData() is not None
    }
    assert filled == {
        "purchase": "Квартира или дом (ипотека)",
        "credit_history": "Хорошая, просрочек не было",
        "broker_fee": "Да, подходит",
        "income": "Официально, больше полугода",
    }
    assert form.verdict.text().startswith("Incomplete — still to answer: ")
    for criterion_id, text in (("amount", "3 000 000"), ("age", "35"), ("region", "Москва")):
        editor = form.editors[criterion_id]
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
    assert form.verdict.text() == "Target"

    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save_button.click()
    assert saved.args[0].verdict is Verdict.TARGET
    assert details.handoff.button.isEnabled()

    details.handoff.button.click()
    qtbot.waitUntil(lambda: details.handoff.dialog is not None, timeout=10_000)
    handoff_dialog = details.handoff.dialog
    assert handoff_dialog is not None
    assert handoff_dialog.seller.currentText() == "Least-loaded free seller"
    with qtbot.waitSignal(details.handoff.handed_off, timeout=10_000):
        handoff_dialog.confirm_button.click()
    assert details.handoff.status.text() == "Handed off to Boris."

    with sqlite_db.session() as session:
        handoffs = session.execute(
            select(Handoff.to_user_id, Handoff.state, Handoff.visit_id).where(
                Handoff.lead_id == lead_id
            )
        ).all()
        verdicts = session.scalars(
            select(Verification.verdict)
            .where(Verification.lead_id == lead_id)
            .order_by(Verification.id)
        ).all()
    assert len(handoffs) == 1
    assert handoffs[0].to_user_id == boris_id and handoffs[0].state == "offered"
    assert handoffs[0].visit_id is not None
    assert verdicts[-1] == "target"
