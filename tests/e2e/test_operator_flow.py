"""The operator's loop through the real main window: sign in → next client → walk the script →
an objection → a callback outcome → saved → next client."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QDesktopServices, QKeySequence
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from operator_app.core.queue.status import OperatorStatus
from operator_app.core.settings import AppSettings
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import SignInDialog
from operator_app.storage.database import Database
from operator_app.storage.models import CallAttempt, Lead, ScriptAnswer, Task, User
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.gui.test_call_support import DEMO_PASSWORD, TelHandler, demo_database

pytestmark = pytest.mark.usefixtures("close_windows")


def test_an_operator_works_a_call_from_the_queue_to_a_callback(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,  # noqa: F811 - the fixture imported above
) -> None:
    demo_database(sqlite_db)
    with sqlite_db.session() as db:  # the demo's history: calls made before today
        last_call_before = db.scalar(select(func.max(CallAttempt.id))) or 0
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
    panel = workspace.queue_panel

    # Not ready yet: nothing is offered, and the panel says why.
    assert not panel.next_button.isEnabled()
    assert panel.why_disabled.text() == "Choose Ready to take clients."
    panel.status.activated.emit(panel.status.findData(OperatorStatus.READY.value))
    assert panel.next_button.isEnabled()
    assert workspace.next_action.shortcut() == QKeySequence("F2")

    workspace.next_action.trigger()
    # The claim runs in the background: the button says so and takes no second press.
    assert not panel.next_button.isEnabled()
    assert panel.next_button.text() == "Taking the next client…"
    assert not workspace.next_action.isEnabled()
    assert not panel.status.isEnabled()  # no break in the middle of taking a client
    workspace.take_next()  # F2 pressed again meanwhile: ignored
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=10_000)
    assert panel.next_button.text() == "Next client (F2)"
    with sqlite_db.session() as db:  # the second press claimed nobody
        claimed = db.scalars(select(Lead.id).where(Lead.claimed_by_id.is_not(None))).all()
        assert len(claimed) == 1
    call = workspace.call
    assert call is not None
    card = call.card
    assert workspace.card_view.client_name.text() == card.client_name
    assert card.list_name and card.list_name in workspace.card_view.list_info.text()
    assert "client " in workspace.card_view.times.text()
    assert workspace.timer.running

    handler = TelHandler()
    QDesktopServices.setUrlHandler("tel", handler, "open")  # type: ignore[arg-type]
    try:
        workspace.card_view.call_buttons[0].click()
    finally:
        QDesktopServices.unsetUrlHandler("tel")
    assert handler.opened == [f"tel:{card.phones[0].e164}"]

    # The script greets the client by name, in the operator's name, for the campaign's company.
    script = workspace.script_panel
    said = script.say.text()
    assert card.client_name in said and "Ольга Кузнецова" in said
    assert card.selling_company and card.selling_company in said
    assert script.answer_buttons[0].shortcut() == QKeySequence("1")
    script.answer_buttons[0].click()  # "Да, удобно" → small talk
    script.answer_buttons[0].click()  # "Хорошо" → the first diagnostics question
    session = call.session
    assert session is not None
    step_before = session.current_step.id
    script.free_text.setText("Хочу квартиру в ипотеку")
    script.record_button.click()

    # An objection from the library (F3), recorded at this step; back to where we were.
    assert QKeySequence("F3") in workspace.objections_action.shortcuts()
    workspace.objections_action.trigger()
    objections = workspace.objections_dialog
    assert objections is not None
    objections.query.setText("подумать")
    assert objections.results.count() >= 1
    objection_id = objections.results.currentItem().data(Qt.ItemDataRole.UserRole)
    objections.accept()
    assert workspace.objections_dialog is None
    assert script.objection_box.isVisibleTo(script)
    assert script.responses.text()
    script.back_button.click()
    assert not script.objection_box.isVisibleTo(script)
    assert session.current_step.id == step_before

    # The outcome: a callback needs a time in the future, said inline.
    outcome = workspace.outcome_panel
    outcome.select("callback")
    outcome.callback_at.setDateTime(QDateTime.currentDateTime().addSecs(-3600))
    outcome.save_button.click()
    assert outcome.error.isVisibleTo(outcome)
    assert outcome.error.text() == "Set a callback time in the future."
    assert workspace.call is not None
    callback = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    outcome.set_callback_time(callback)
    outcome.notes.setPlainText("Перезвонить после обеда")
    outcome.save_button.click()
    qtbot.waitUntil(lambda: workspace.call is None, timeout=10_000)
    assert workspace.message.text() == "The call was saved."

    with sqlite_db.session() as db:
        attempts = db.scalars(select(CallAttempt).where(CallAttempt.id > last_call_before)).all()
        assert len(attempts) == 1
        attempt = attempts[0]
        assert attempt.lead_id == card.lead_id
        assert attempt.disposition == "callback"
        assert attempt.phone_id == card.phones[0].phone_id
        assert attempt.notes == "Перезвонить после обеда"
        assert attempt.talk_seconds >= 0
        answers = db.scalars(
            select(ScriptAnswer).where(ScriptAnswer.call_id == attempt.id).order_by(ScriptAnswer.id)
        ).all()
        assert [a.answer for a in answers[:2]] == ["Да, удобно", "Хорошо"]
        assert any(a.free_text == "Хочу квартиру в ипотеку" for a in answers)
        assert [a.objection_id for a in answers if a.objection_id] == [objection_id]
        assert next(a for a in answers if a.objection_id).step_id == step_before
        lead = db.get_one(Lead, card.lead_id)
        assert lead.state == "callback"
        assert lead.claimed_by_id is None and lead.claimed_until is None
        task = db.scalars(select(Task).where(Task.lead_id == card.lead_id)).one()
        assert task.kind == "callback" and task.state == "open"
        assert task.due_at.replace(tzinfo=dt.UTC) == callback
        operator = db.scalars(select(User).where(User.login == "operator")).one()
        assert operator.status == OperatorStatus.READY.value

    # The card is closed and the next client is another one.
    assert workspace.pages.currentIndex() == 0
    panel.next_button.click()
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=10_000)
    assert workspace.call.card.lead_id != card.lead_id
