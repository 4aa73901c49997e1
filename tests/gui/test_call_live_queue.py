"""Live queue on PostgreSQL (LISTEN/NOTIFY), the operator going offline at the end of a session,
and the history naming outcomes by the campaign's labels."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.call_card import CallCard, EarlierAttempt
from operator_app.core.outcomes import DEFAULT_DISPOSITIONS, DispositionInfo
from operator_app.core.queue.service import QueueService
from operator_app.core.queue.status import OperatorStatus, StatusService
from operator_app.core.roles import Role
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.call.card_view import CallCardView
from operator_app.gui.call.queue_panel import (
    NOTIFY_DEBOUNCE_MILLISECONDS,
    POLL_MILLISECONDS,
    SAFETY_POLL_MILLISECONDS,
)
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import SignInDialog
from operator_app.storage.database import Database
from operator_app.storage.models import User, UserStatusPeriod
from tests.conftest import RestartableDatabase
from tests.gui.helpers import add_user, context_for
from tests.gui.test_call_support import DEMO_PASSWORD, demo_database, demo_operator, queue_shown

pytestmark = pytest.mark.usefixtures("close_windows")

NEVER = 24 * 3600 * 1000  # a poll interval no test lives to see


def open_workspace(
    qtbot: QtBot, database: Database, translations: Translations
) -> OperatorWorkspace:
    workspace = OperatorWorkspace(context_for(database, demo_operator(database), translations))
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitUntil(lambda: queue_shown(workspace.queue_panel), timeout=10_000)
    return workspace


def waiting_total(workspace: OperatorWorkspace) -> int:
    return sum(row.count for row in workspace.queue_panel.buckets.rows())


def never_poll(workspace: OperatorWorkspace) -> list[int]:
    """Make polling (fast and safety net) out of reach; returns the list of polls that fired."""
    panel = workspace.queue_panel
    panel.fast_poll_milliseconds = NEVER
    panel.safety_poll_milliseconds = NEVER
    panel.poll.setInterval(NEVER)
    fired: list[int] = []
    panel.poll.timeout.connect(lambda: fired.append(1))
    return fired


@pytest.mark.pg
def test_a_colleagues_claim_refreshes_the_counts_without_polling(
    qtbot: QtBot, pg_db: Database, translations: Translations
) -> None:
    demo_database(pg_db)
    admin = UserService(pg_db).authenticate("admin", DEMO_PASSWORD)
    colleague = add_user(pg_db, admin, "colleague", Role.OPERATOR)
    StatusService(pg_db).set_status(colleague, OperatorStatus.READY)
    workspace = open_workspace(qtbot, pg_db, translations)
    fired = never_poll(workspace)
    panel = workspace.queue_panel
    qtbot.waitUntil(lambda: panel.live, timeout=10_000)
    assert panel.poll.interval() == NEVER  # listening: polling is only the safety net
    before = waiting_total(workspace)
    assert before > 0

    claimed = QueueService(pg_db).claim_next(colleague)
    assert claimed is not None
    qtbot.waitUntil(lambda: waiting_total(workspace) == before - 1, timeout=5000)
    assert fired == []

    listener = workspace.listener
    assert listener is not None and listener.isRunning()
    workspace.close()
    assert not listener.isRunning()  # stopped with the workspace, not left behind


@pytest.mark.pg
def test_the_panel_polls_while_the_listener_is_away_and_listens_again(
    qtbot: QtBot, restartable_pg: RestartableDatabase, translations: Translations
) -> None:
    database = restartable_pg.database
    demo_database(database)
    workspace = open_workspace(qtbot, database, translations)
    panel = workspace.queue_panel
    qtbot.waitUntil(lambda: panel.live, timeout=10_000)
    assert panel.poll.interval() == SAFETY_POLL_MILLISECONDS and panel.poll.isActive()
    panel.fast_poll_milliseconds = 1234
    panel.safety_poll_milliseconds = 56_789

    restartable_pg.stop()
    qtbot.waitUntil(lambda: not panel.live, timeout=30_000)
    assert panel.poll.interval() == 1234 and panel.poll.isActive()
    restartable_pg.start()
    qtbot.waitUntil(lambda: panel.live, timeout=60_000)
    assert panel.poll.interval() == 56_789


def test_sqlite_has_no_listener_and_keeps_the_cheap_poll(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    assert workspace.listener is None
    assert workspace.queue_panel.poll.isActive()
    assert workspace.queue_panel.poll.interval() == POLL_MILLISECONDS == 3000


def test_a_burst_of_announced_changes_costs_one_refresh(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    workspace = open_workspace(qtbot, sqlite_db, translations)
    never_poll(workspace)
    panel = workspace.queue_panel
    refreshes: list[int] = []
    panel.counts_shown.connect(lambda: refreshes.append(1))
    for _ in range(20):  # twenty colleagues' claims announced at once
        panel.change_announced()
    qtbot.waitUntil(lambda: bool(refreshes) and not panel.is_busy(), timeout=10_000)
    qtbot.wait(NOTIFY_DEBOUNCE_MILLISECONDS * 2)  # nothing else was waiting to fire
    assert refreshes == [1]


# --- offline when the session ends ----------------------------------------------------------


def operator_row(database: Database) -> tuple[str, list[UserStatusPeriod]]:
    with database.session() as session:
        user = session.scalars(select(User).where(User.login == "operator")).one()
        periods = session.scalars(
            select(UserStatusPeriod)
            .where(UserStatusPeriod.user_id == user.id)
            .order_by(UserStatusPeriod.id)
        ).all()
        session.expunge_all()
        return user.status, list(periods)


def sign_in(qtbot: QtBot, flow: SessionFlow) -> OperatorWorkspace:
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText("operator")
    dialog.password.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    assert flow.window is not None
    workspace = flow.window.centralWidget()
    assert isinstance(workspace, OperatorWorkspace)
    return workspace


def test_signing_out_and_closing_the_window_set_the_operator_offline(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    demo_database(sqlite_db)
    flow = SessionFlow(sqlite_db, AppSettings.load(), translations)
    flow.start()
    workspace = sign_in(qtbot, flow)
    workspace.set_status(OperatorStatus.READY)
    assert operator_row(sqlite_db)[0] == OperatorStatus.READY.value

    window = flow.window
    assert window is not None
    window.sign_out_action.trigger()
    status, periods = operator_row(sqlite_db)
    assert status == OperatorStatus.OFFLINE.value
    # The time spent ready is recorded and closed; offline opens no working period.
    assert [p.status for p in periods] == [OperatorStatus.READY.value]
    assert all(p.ended_at is not None for p in periods)

    workspace = sign_in(qtbot, flow)
    workspace.set_status(OperatorStatus.READY)
    with qtbot.waitSignal(flow.finished):
        assert flow.window is not None
        flow.window.close()
    status, periods = operator_row(sqlite_db)
    assert status == OperatorStatus.OFFLINE.value
    assert len(periods) == 2 and all(p.ended_at is not None for p in periods)


# --- outcome labels in the history ----------------------------------------------------------


def info(code: str, label: str) -> DispositionInfo:
    return DispositionInfo(None, code, label, False, False, False, False, False, 0)


def card_with_attempts(*codes: str) -> CallCard:
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    return CallCard(
        lead_id=1,
        contact_id=1,
        client_name="Иван Петров",
        position=None,
        company_name=None,
        company_inn=None,
        zone="Europe/Moscow",
        zone_guessed=False,
        phones=(),
        list_name=None,
        hypothesis=None,
        campaign_id=1,
        campaign_name=None,
        selling_company=None,
        office_address=None,
        script=None,
        script_version_id=None,
        attempts=tuple(EarlierAttempt(at, "Ольга", code, None, None) for code in codes),
        earlier_answers=(),
    )


def test_the_history_names_outcomes_by_the_campaigns_labels(
    qtbot: QtBot, translations: Translations
) -> None:
    view = CallCardView()
    qtbot.addWidget(view)
    shipped = {spec.code: spec.label for spec in DEFAULT_DISPOSITIONS}
    dispositions = [
        info("no_answer", shipped["no_answer"]),  # kept as shipped: shown translated
        info("refused", "Отказался наотрез"),  # renamed by the campaign: its own words
        info("demo_done", "Демо проведено"),  # the campaign's own outcome
    ]
    view.show_card(
        card_with_attempts("no_answer", "refused", "demo_done", "busy", "gone"), dispositions
    )
    lines = view.history.toPlainText().splitlines()
    assert [line.split(" · ")[2] for line in lines if line] == [
        "No answer",
        "Отказался наотрез",
        "Демо проведено",
        "Busy",  # a default the campaign no longer offers
        "gone",  # nobody knows this code any more: shown as it is
    ]

    translations.apply("ru")
    qtbot.waitUntil(lambda: "Нет ответа" in view.history.toPlainText())
    texts = view.history.toPlainText()
    assert "Нет ответа" in texts and "Занято" in texts and "No answer" not in texts
    assert "Отказался наотрез" in texts and "gone" in texts
