"""Hand-offs through the real main window, on SQLite and PostgreSQL: a seller signs in and
accepts one, a seller returns one with a reason, a supervisor signs in and arbitrates."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.handoff import HandoffService
from operator_app.core.roles import Actor
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.flow import SessionFlow
from operator_app.gui.handoffs.arbitration import ArbitrationPage
from operator_app.gui.handoffs.incoming import IncomingHandoffsPage
from operator_app.gui.i18n import Translations
from operator_app.gui.main_window import MainWindow
from operator_app.gui.sign_in import SignInDialog
from operator_app.gui.workspaces import Workspace, WorkspaceTabs
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Handoff
from tests.gui.conftest import close_windows, translations  # noqa: F401 - fixtures
from tests.gui.helpers import PASSWORD
from tests.gui.test_seller_handoffs import make_desk

pytestmark = pytest.mark.usefixtures("close_windows")


def sign_in(
    qtbot: QtBot, database: Database, texts: Translations, login: str
) -> tuple[SessionFlow, MainWindow]:
    """The flow is returned too: the window lives only while the flow is referenced."""
    flow = SessionFlow(database, AppSettings.load(), texts)
    flow.start()
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText(login)
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    assert flow.window is not None
    return flow, flow.window


def first_admin(database: Database) -> Actor:
    return UserService(database).create_first_admin("boss", "Анна Админова", PASSWORD)


def seller_page(qtbot: QtBot, window: MainWindow) -> IncomingHandoffsPage:
    assert window.workspace is Workspace.HANDOFFS_AND_CALENDAR
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    page = tabs.page("incoming")
    assert isinstance(page, IncomingHandoffsPage)
    tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def stored(database: Database, handoff_id: int) -> Handoff:
    with database.session() as session:
        row = session.get(Handoff, handoff_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_seller_signs_in_and_accepts_a_handoff(
    qtbot: QtBot,
    db: Database,
    translations: Translations,  # noqa: F811
) -> None:
    desk = make_desk(db, first_admin(db))
    handoff = desk.offer("Иван Петров")
    flow, window = sign_in(qtbot, db, translations, desk.seller.login)
    assert flow.window is window
    page = seller_page(qtbot, window)
    assert page.model.rowCount() == 1
    assert "Иван Петров" in page.detail.toPlainText()

    page.accept_button.click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 0, timeout=10_000)
    row = stored(db, handoff)
    assert row.state == "accepted" and row.decided_at is not None
    with db.session() as session:
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.user_id).where(
                AuditEntry.entity == "handoff",
                AuditEntry.entity_id == handoff,
                AuditEntry.action == "accepted",
            )
        ).one()
    assert audit.user_id == desk.seller.user_id


def test_a_seller_signs_in_and_returns_a_handoff_with_a_reason(
    qtbot: QtBot,
    db: Database,
    translations: Translations,  # noqa: F811
) -> None:
    desk = make_desk(db, first_admin(db))
    handoff = desk.offer("Иван Петров")
    flow, window = sign_in(qtbot, db, translations, desk.seller.login)
    assert flow.window is window
    page = seller_page(qtbot, window)

    page.return_button.click()
    dialog = page.reason_dialog
    assert dialog is not None
    dialog.editor.setPlainText("Клиент не отвечает на подтверждение")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 0, timeout=10_000)
    row = stored(db, handoff)
    assert (row.state, row.return_reason) == ("returned", "Клиент не отвечает на подтверждение")


def test_a_supervisor_signs_in_and_arbitrates(
    qtbot: QtBot,
    db: Database,
    translations: Translations,  # noqa: F811
) -> None:
    desk = make_desk(db, first_admin(db))
    service = HandoffService(db)
    first = desk.offer("Иван Петров", hours_ahead=25)
    second = desk.offer("Мария Соколова", hours_ahead=26)
    service.return_lead(desk.seller, first, "Не целевой")
    service.return_lead(desk.seller, second, "Не пришла")

    flow, window = sign_in(qtbot, db, translations, desk.supervisor.login)
    assert flow.window is window
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    page = tabs.page("arbitration")
    assert isinstance(page, ArbitrationPage)
    tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 2, timeout=10_000)

    for button, comment in (
        (page.uphold_button, "Возврат обоснован"),
        (page.overrule_button, "Клиент целевой, визит подтверждён"),
    ):
        button.click()
        dialog = page.comment_dialog
        assert dialog is not None
        dialog.editor.setPlainText(comment)
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)

    upheld, overruled = stored(db, first), stored(db, second)
    assert (upheld.state, upheld.arbitration_comment, upheld.arbitrated_by_id) == (
        "upheld",
        "Возврат обоснован",
        desk.supervisor.user_id,
    )
    assert (overruled.state, overruled.arbitration_comment) == (
        "overruled",
        "Клиент целевой, визит подтверждён",
    )
    assert page.model.rowCount() == 0
    (rate,) = page.rate_model.rows()
    assert (rate.lead_generator_id, rate.upheld, rate.overruled) == (desk.operator.user_id, 1, 1)
