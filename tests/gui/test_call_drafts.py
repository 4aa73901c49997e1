"""Nothing is lost: the open call is a draft within seconds, is offered back after a crash, and
survives the database going away (a real PostgreSQL server stopped and started)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from operator_app.core.drafts import DraftStore
from operator_app.core.queue.status import OperatorStatus
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import CallAttempt, ScriptAnswer
from tests.conftest import RestartableDatabase
from tests.gui.helpers import context_for
from tests.gui.test_call_support import demo_database, demo_operator

pytestmark = pytest.mark.usefixtures("close_windows")


def open_workspace(
    qtbot: QtBot, database: Database, translations: Translations, *, doomed: bool = False
) -> OperatorWorkspace:
    """`doomed`: the test destroys it itself (as a crash would), so qtbot must not close it."""
    workspace = OperatorWorkspace(context_for(database, demo_operator(database), translations))
    if not doomed:
        qtbot.addWidget(workspace)
    workspace.show()
    return workspace


def take_a_client(qtbot: QtBot, workspace: OperatorWorkspace) -> None:
    workspace.set_status(OperatorStatus.READY)
    workspace.take_next()
    qtbot.waitUntil(lambda: workspace.call is not None, timeout=10_000)


def test_a_call_left_unsaved_is_offered_back_exactly_as_it_was(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations, doomed=True)
    assert not workspace.restore_banner.isVisible()
    take_a_client(qtbot, workspace)
    call = workspace.call
    assert call is not None and call.session is not None
    script = workspace.script_panel
    script.answer_buttons[0].click()
    script.answer_buttons[0].click()
    script.free_text.setText("Ипотека на двушку")
    script.record_button.click()
    script.free_text.setText("ещё думает про сумму")  # typed, not yet recorded
    workspace.outcome_panel.select("refused")
    workspace.outcome_panel.reason.setText("Дорого")
    workspace.outcome_panel.notes.setPlainText("Спросить про рассрочку")
    step = call.session.current_step.id
    captured = call.session.captured()
    path = workspace.store.path_for(call.client_uuid)

    def draft_is_current() -> bool:
        if not path.exists():
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
        return bool(data["notes"] == "Спросить про рассрочку")

    qtbot.waitUntil(draft_is_current, timeout=2000)
    client_name = call.card.client_name
    lead_id = call.card.lead_id
    workspace.close()  # the app dies without saving
    with qtbot.waitSignal(workspace.destroyed):
        workspace.deleteLater()

    again = open_workspace(qtbot, sqlite_db, translations)
    assert again.restore_banner.isVisible()
    text = again.restore_banner.message.text()
    assert client_name in text
    assert call.started_at.astimezone().strftime("%H:%M") in text
    again.restore_button.click()
    restored = again.call
    assert restored is not None and restored.session is not None
    assert not again.restore_banner.isVisible()
    assert restored.client_uuid == call.client_uuid
    assert restored.card.lead_id == lead_id
    assert restored.session.current_step.id == step
    assert restored.session.captured() == captured
    assert again.script_panel.free_text.text() == "ещё думает про сумму"
    outcome = again.outcome_panel
    chosen = outcome.selected()
    assert chosen is not None and chosen.code == "refused"
    assert outcome.reason.text() == "Дорого"
    assert outcome.notes.toPlainText() == "Спросить про рассрочку"
    assert again.card_view.client_name.text() == client_name

    outcome.save_button.click()
    qtbot.waitUntil(lambda: again.call is None, timeout=10_000)
    assert not path.exists()
    with sqlite_db.session() as session:  # the demo's history has calls of its own leads
        saved = session.scalars(
            select(CallAttempt).where(CallAttempt.lead_id == call.card.lead_id)
        ).one()
        assert (saved.client_uuid, saved.reason) == (call.client_uuid, "Дорого")


def test_discarding_the_offered_call_gives_the_client_back(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations, doomed=True)
    take_a_client(qtbot, workspace)
    assert workspace.call is not None
    path = workspace.store.path_for(workspace.call.client_uuid)
    assert path.exists()  # written the moment the card opened
    workspace.close()
    with qtbot.waitSignal(workspace.destroyed):
        workspace.deleteLater()

    again = open_workspace(qtbot, sqlite_db, translations)
    assert again.restore_banner.isVisible()
    again.discard_button.click()
    assert not again.restore_banner.isVisible()
    assert not path.exists()
    assert DraftStore().load_all() == []


def test_a_call_kept_while_offline_is_sent_after_a_restart(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    first = open_workspace(qtbot, sqlite_db, translations)
    take_a_client(qtbot, first)
    draft = first.current_draft()
    assert draft is not None
    first.autosave.cancel()
    # As PendingSaves leaves it when the database was unreachable at "Save".
    first.store.save(
        replace(
            draft,
            disposition="no_answer",
            ended_at=dt.datetime.now(dt.UTC),
            pending=True,
            first_save_attempt_at=dt.datetime.now(dt.UTC),
        )
    )
    first.call = None
    first.close()

    again = open_workspace(qtbot, sqlite_db, translations)
    again.retry_timer.setInterval(100)
    assert again.connection_banner.isVisible()
    assert not again.restore_banner.isVisible()  # a kept save is sent, not offered back
    qtbot.waitUntil(lambda: not again.connection_banner.isVisible(), timeout=10_000)
    assert again.message.text() == "The connection is back: 1 saved call(s) sent."
    with sqlite_db.session() as session:
        saved = session.scalars(
            select(CallAttempt).where(CallAttempt.lead_id == draft.lead_id)
        ).one()
        assert (saved.client_uuid, saved.disposition) == (draft.client_uuid, "no_answer")
    assert DraftStore().load_all() == []


# --- the database goes away mid-call --------------------------------------------------------


@pytest.mark.pg
def test_the_banner_shows_while_the_database_is_away_and_the_call_is_saved_once(
    qtbot: QtBot, restartable_pg: RestartableDatabase, translations: Translations
) -> None:
    database = restartable_pg.database
    demo_database(database)
    workspace = open_workspace(qtbot, database, translations)
    workspace.retry_timer.setInterval(200)
    take_a_client(qtbot, workspace)
    call = workspace.call
    assert call is not None
    workspace.script_panel.answer_buttons[0].click()
    workspace.outcome_panel.select("callback")
    workspace.outcome_panel.set_callback_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))

    restartable_pg.stop()
    workspace.outcome_panel.save_button.click()
    qtbot.waitUntil(lambda: workspace.call is None, timeout=30_000)
    assert workspace.connection_banner.isVisible()
    assert workspace.connection_banner.message.text().startswith(
        "No connection to the database — your work is kept on this computer"
    )
    kept = workspace.pending.pending()
    assert [draft.client_uuid for draft in kept] == [call.client_uuid]
    assert kept[0].answers and kept[0].disposition == "callback"

    restartable_pg.start()
    qtbot.waitUntil(lambda: not workspace.connection_banner.isVisible(), timeout=30_000)
    assert workspace.pending.pending() == []
    with database.session() as session:  # saved once: one call of this client, this one
        calls_of_the_client = select(CallAttempt).where(CallAttempt.lead_id == call.card.lead_id)
        assert session.scalar(select(func.count()).select_from(calls_of_the_client.subquery())) == 1
        saved = session.scalars(calls_of_the_client).one()
        assert saved.client_uuid == call.client_uuid
        answers = session.scalar(select(func.count()).where(ScriptAnswer.call_id == saved.id))
        assert answers == 1
