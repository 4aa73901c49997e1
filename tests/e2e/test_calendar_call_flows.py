"""Booking from a call through the real main window: sign in → next client → Ctrl+B → the
client's hours → Book → the "visit booked" outcome preselected → saved."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.queue.status import OperatorStatus
from operator_app.core.settings import AppSettings
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import SignInDialog
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, CallAttempt, Lead, Visit
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.gui.test_call_support import DEMO_PASSWORD, demo_database

# Generous: the slot search and the saves run in the background, on a CI machine that may be busy.
WAIT_MS = 20_000

pytestmark = pytest.mark.usefixtures("close_windows")


def test_an_operator_books_a_visit_in_the_call_and_saves_it(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,  # noqa: F811 - the fixture imported above
) -> None:
    demo_database(sqlite_db)
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
    panel.status.activated.emit(panel.status.findData(OperatorStatus.READY.value))
    workspace.next_action.trigger()
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=WAIT_MS)
    call = workspace.call
    assert call is not None
    lead_id = call.card.lead_id

    assert workspace.book_action.shortcut() == QKeySequence("Ctrl+B")
    workspace.book_action.trigger()
    qtbot.waitUntil(lambda: workspace.booking_dialog is not None, timeout=WAIT_MS)
    booking = workspace.booking_dialog
    assert booking is not None
    qtbot.waitUntil(lambda: not booking.busy(), timeout=WAIT_MS)
    booking.editor.any_time_button.click()
    qtbot.waitUntil(lambda: not booking.busy(), timeout=WAIT_MS)
    assert booking.model.rowCount() > 0
    booking.table.selectRow(booking.model.rowCount() - 1)
    chosen = booking.selected_option()
    assert chosen is not None
    booking.channel.setCurrentIndex(booking.channel.findData("sms"))
    booking.book_button.click()
    qtbot.waitUntil(lambda: workspace.booking_dialog is None, timeout=WAIT_MS)

    outcome = workspace.outcome_panel
    selected = outcome.selected()
    assert selected is not None and selected.code == "visit_booked"
    assert outcome.booked_visit.text().startswith("Visit booked: ")
    outcome.save_button.click()
    qtbot.waitUntil(lambda: workspace.call is None, timeout=WAIT_MS)
    assert workspace.message.text() == "The call was saved."

    with sqlite_db.session() as session:
        visit = session.scalars(select(Visit).where(Visit.lead_id == lead_id)).one()
        assert (visit.resource_id, visit.status, visit.confirmation_channel) == (
            chosen.resource_id,
            "booked",
            "sms",
        )
        assert session.get_one(Lead, lead_id).state == "visit_booked"
        dispositions = session.scalars(
            select(CallAttempt.disposition).where(CallAttempt.lead_id == lead_id)
        ).all()
        assert dispositions == ["visit_booked"]
        # The reminder plan ran in the booking's transaction (its audit row says what it did).
        planned = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity == "visit", AuditEntry.entity_id == visit.id
            )
        ).all()
    assert "reminders_planned" in planned
