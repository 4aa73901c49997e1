"""Calendar calls taken from the queue: the visit beside the call, and the confirmation call's
outcomes — not reached, a message, a second call, then a polite cancellation; a cancellation
needs its reason; another time moves the visit; a crash keeps the calendar call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.drafts import DraftStore
from operator_app.core.queue.status import OperatorStatus
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import OutgoingMessage, Visit
from tests.gui.calendar_call_support import (
    booked_client,
    call_attempts,
    call_floor,
    lead_row,
    make_due,
    open_workspace,
    take_next,
)
from tests.gui.helpers import context_for
from tests.gui.test_call_support import queue_shown

pytestmark = pytest.mark.usefixtures("close_windows")


def message_codes(db: Database, visit_id: int) -> list[str | None]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutgoingMessage.template_code)
                .where(OutgoingMessage.visit_id == visit_id)
                .order_by(OutgoingMessage.id)
            )
        )


def visit_row(db: Database, visit_id: int) -> tuple[str, str | None, str | None]:
    with db.session() as session:
        visit = session.get_one(Visit, visit_id)
        return visit.status, visit.cancelled_by, visit.cancel_reason


def call_closed(workspace: OperatorWorkspace) -> bool:
    return workspace.call is None and workspace.calendar_task is None


def test_not_reached_then_a_second_call_then_a_polite_cancellation(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    client, visit_id = booked_client(sqlite_db, floor)
    make_due(sqlite_db, visit_id, "confirm_call")
    workspace = open_workspace(qtbot, sqlite_db, floor, translations)
    take_next(qtbot, workspace)

    panel = workspace.calendar_panel
    assert panel.isVisible() and workspace.outcome_panel.isHidden()
    assert panel.kind.text() == "Confirmation call"
    assert panel.place.text().startswith("Офис") and "Тверская, 1" in panel.place.text()
    assert panel.status.text() == "booked; confirmations by E-mail (после 18:00)"
    assert "Europe/Moscow" in panel.office_time.text()
    assert panel.confirmed_button.isVisible() and panel.done_button.isHidden()

    panel.not_reached_button.click()
    qtbot.waitUntil(lambda: call_closed(workspace), timeout=10_000)
    assert workspace.message.text().startswith(
        "Not reached: a message was queued and a second call is planned for "
    )
    assert message_codes(sqlite_db, visit_id)[-1] == "not_reached"
    assert call_attempts(sqlite_db, client.lead_id) == ["no_answer"]
    assert lead_row(sqlite_db, client.lead_id) == ("visit_booked", None)
    assert visit_row(sqlite_db, visit_id)[0] == "booked"

    make_due(sqlite_db, visit_id, "second_call")
    take_next(qtbot, workspace)
    assert panel.kind.text() == "Second confirmation call"
    panel.not_reached_button.click()
    qtbot.waitUntil(lambda: call_closed(workspace), timeout=10_000)
    assert workspace.message.text() == (
        "Not reached again: the visit was cancelled with a polite apology to the client."
    )
    assert visit_row(sqlite_db, visit_id) == ("cancelled", "us", "not reached")
    assert message_codes(sqlite_db, visit_id)[-1] == "polite_cancellation"
    assert call_attempts(sqlite_db, client.lead_id) == ["no_answer", "no_answer"]
    assert lead_row(sqlite_db, client.lead_id) == ("visit_booked", None)
    assert not workspace.outcome_panel.isHidden() and panel.isHidden()


def test_a_cancellation_needs_the_clients_reason(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    client, visit_id = booked_client(sqlite_db, floor)
    make_due(sqlite_db, visit_id, "confirm_call")
    workspace = open_workspace(qtbot, sqlite_db, floor, translations)
    take_next(qtbot, workspace)
    panel = workspace.calendar_panel
    panel.cancels_button.click()
    assert panel.error.isVisible()
    assert workspace.call is not None and call_attempts(sqlite_db, client.lead_id) == []
    workspace.save()  # Ctrl+S does not end a calendar call with a disposition
    assert workspace.call is not None
    panel.note.setText("уезжает в командировку")
    panel.cancels_button.click()
    qtbot.waitUntil(lambda: call_closed(workspace), timeout=10_000)
    assert visit_row(sqlite_db, visit_id) == ("cancelled", "client", "уезжает в командировку")
    assert workspace.message.text() == "Cancelled at the client's request; the seat is free."
    assert call_attempts(sqlite_db, client.lead_id) == ["visit_cancelled"]


def test_another_time_moves_the_visit_through_the_booking_dialog(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    floor = call_floor(sqlite_db)
    client, visit_id = booked_client(sqlite_db, floor)
    make_due(sqlite_db, visit_id, "confirm_call")
    workspace = open_workspace(qtbot, sqlite_db, floor, translations)
    take_next(qtbot, workspace)
    workspace.calendar_panel.another_time_button.click()
    qtbot.waitUntil(lambda: workspace.booking_dialog is not None, timeout=10_000)
    dialog = workspace.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    assert dialog.book_button.text() == "Move (Enter)" and dialog.confirmation_box.isHidden()
    dialog.table.selectRow(0)
    chosen = dialog.selected_option()
    assert chosen is not None
    dialog.book_button.click()
    qtbot.waitUntil(lambda: call_closed(workspace), timeout=10_000)
    assert workspace.message.text().startswith("The visit was moved to ")
    assert visit_row(sqlite_db, visit_id)[0] == "rescheduled"
    with sqlite_db.session() as session:
        moved = session.scalars(select(Visit).where(Visit.rescheduled_from_id == visit_id)).one()
        assert moved.starts_at.astimezone(dt.UTC) == chosen.starts_at
    assert call_attempts(sqlite_db, client.lead_id) == ["visit_rescheduled"]


def test_a_calendar_call_comes_back_after_a_crash(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, tmp_path: Path
) -> None:
    floor = call_floor(sqlite_db)
    _client, visit_id = booked_client(sqlite_db, floor)
    task_id = make_due(sqlite_db, visit_id, "confirm_call")
    store = DraftStore(tmp_path)
    crashed = OperatorWorkspace(context_for(sqlite_db, floor.operator, translations), store=store)
    qtbot.addWidget(crashed)
    qtbot.waitUntil(lambda: queue_shown(crashed.queue_panel), timeout=10_000)
    crashed.set_status(OperatorStatus.READY)
    take_next(qtbot, crashed)
    crashed.autosave.flush()
    (draft,) = store.load_all()
    assert draft.dialogue_state["calendar_task_id"] == task_id

    again = OperatorWorkspace(context_for(sqlite_db, floor.operator, translations), store=store)
    qtbot.addWidget(again)
    again.show()
    assert again.restore_banner.isVisible()
    again.restore_offered()
    assert again.call is not None and again.call.calendar is not None
    assert again.calendar_panel.isVisible() and again.calendar_panel.kind.text() == (
        "Confirmation call"
    )
    again.calendar_panel.confirmed_button.click()
    qtbot.waitUntil(lambda: call_closed(again), timeout=10_000)
    assert again.message.text() == "Confirmed: the client will come."
    assert visit_row(sqlite_db, visit_id)[0] == "confirmed"
    assert store.load_all() == []
