"""Start-up of the desktop app as a person meets it, up to the event loop and through it.

`launch` runs every start-up step without entering the event loop, so the refusals
(schema too new, not our database, no server) and the first-run flow are tested as they are.
"""

from __future__ import annotations

import gc
import logging
import socket
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from operator_app.app import EXIT_FAILED, Launch, create_application, launch, run_gui
from operator_app.core.demo_data.workspace import DEMO_LISTS
from operator_app.core.roles import Role
from operator_app.core.users import UserService
from operator_app.gui.dialogs.users import UserDialog
from operator_app.gui.first_run import FirstRunDialog
from operator_app.gui.garbage import UiThreadGarbageCollector
from operator_app.gui.main_window import MainWindow
from operator_app.gui.panels.users import UsersPanel
from operator_app.gui.sign_in import SignInDialog
from operator_app.gui.workspaces import Workspace, WorkspaceTabs
from operator_app.storage.database import Database
from tests.gui.helpers import remove_all_translators


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    application = create_application()
    yield application
    for widget in application.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    application.processEvents()
    # The app's collector would go on collecting during every later test, at any moment of
    # their event loops; the session collects only between tests (tests/conftest.py).
    for collector in application.findChildren(UiThreadGarbageCollector):
        collector.stop()
        collector.setParent(None)
    gc.disable()
    remove_all_translators(application)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture
def started() -> Iterator[list[Launch]]:
    """Launches made by a test; their databases are closed afterwards."""
    launches: list[Launch] = []
    yield launches
    for result in launches:
        if result.database is not None:
            result.database.dispose()


def too_new(database: Database) -> str:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    database.dispose()
    return database.url


def test_a_schema_newer_than_the_app_is_a_clear_message_and_exit_code_1(
    app: QApplication, sqlite_db: Database, started: list[Launch]
) -> None:
    result = launch(app, too_new(sqlite_db), "en")
    started.append(result)
    assert result.exit_code == EXIT_FAILED
    assert result.flow is None
    box = result.error_box
    assert box is not None
    assert box.windowTitle() == "The app cannot start"
    assert "was updated by a newer version of the app" in box.text()
    assert "ffff_from_the_future" in box.text()
    assert "Traceback" not in box.text()


def test_the_refusal_speaks_russian_by_default(
    app: QApplication, sqlite_db: Database, started: list[Launch]
) -> None:
    result = launch(app, too_new(sqlite_db), None)  # the settings' default language
    started.append(result)
    assert result.error_box is not None
    assert result.error_box.windowTitle() == "Приложение не может запуститься"
    assert "обновлена более новой версией приложения" in result.error_box.text()


def test_a_schema_too_new_on_postgresql_never_shows_the_password(
    app: QApplication, pg_db: Database, started: list[Launch]
) -> None:
    from sqlalchemy import make_url

    url = make_url(too_new(pg_db)).set(password="pg-s3cret").render_as_string(hide_password=False)
    result = launch(app, url, "en")
    started.append(result)
    assert result.exit_code == EXIT_FAILED and result.error_box is not None
    assert "pg-s3cret" not in result.error_box.text()
    assert "postgresql+psycopg://" in result.error_box.text()


def test_a_foreign_database_is_refused(
    app: QApplication, tmp_path: Path, started: list[Launch]
) -> None:
    foreign = Database("sqlite:///" + (tmp_path / "accounting.sqlite3").as_posix())
    with foreign.engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    foreign.dispose()
    result = launch(app, foreign.url, "en")
    started.append(result)
    assert result.exit_code == EXIT_FAILED and result.error_box is not None
    assert "is not an operator-app database" in result.error_box.text()


def test_a_server_that_is_not_there_is_refused_quickly(
    app: QApplication, started: list[Launch]
) -> None:
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = launch(app, f"postgresql+psycopg://sales:pw@127.0.0.1:{port}/crm", "en")
    started.append(result)
    assert result.exit_code == EXIT_FAILED and result.error_box is not None
    assert result.error_box.text().startswith("Could not open the database")
    assert ":pw@" not in result.error_box.text()
    assert result.error_box.detailedText()  # the driver's own words, for the administrator


def test_run_gui_shows_the_refusal_and_returns_1(
    app: QApplication, sqlite_db: Database, qtbot: QtBot
) -> None:
    url = too_new(sqlite_db)
    seen: list[str] = []

    def close_the_box() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.done(0)

    closer = QTimer()
    closer.timeout.connect(close_the_box)
    closer.start(20)  # polls until the modal box is up, then closes it
    try:
        assert run_gui(db_url=url, language="en") == EXIT_FAILED
    finally:
        closer.stop()
    assert seen and "newer version of the app" in seen[0]


def test_a_fresh_computer_gets_the_embedded_database_and_the_first_run_dialog(
    app: QApplication, _app_home: Path, started: list[Launch]
) -> None:
    result = launch(app, None, "en")
    started.append(result)
    assert result.exit_code is None and result.flow is not None
    assert (_app_home / "operator_app.sqlite3").exists()
    assert isinstance(result.flow.dialog, FirstRunDialog)
    assert result.flow.dialog.isVisible()


def sign_in(qtbot: QtBot, result: Launch, login: str, password: str) -> MainWindow:
    flow = result.flow
    assert flow is not None
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText(login)
    dialog.password.setText(password)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    assert flow.window is not None
    return flow.window


def test_first_run_demo_then_the_admin_adds_a_user_who_signs_in(
    app: QApplication, qtbot: QtBot, _app_home: Path, started: list[Launch]
) -> None:
    result = launch(app, None, "en")
    started.append(result)
    flow = result.flow
    assert flow is not None

    first_run = flow.dialog
    assert isinstance(first_run, FirstRunDialog)
    with qtbot.waitSignal(flow.window_shown, timeout=60_000):
        first_run.demo_button.click()
    sign_in_dialog = flow.dialog
    assert isinstance(sign_in_dialog, SignInDialog)
    assert sign_in_dialog.hint.isVisible()
    assert "<b>admin</b>" in sign_in_dialog.hint.text()

    window = sign_in(qtbot, result, "admin", "demo")
    assert window.workspace is Workspace.ADMINISTRATION
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    tabs.setCurrentIndex(0)
    users = tabs.page("users")
    assert isinstance(users, UsersPanel)
    assert {"operator", "seller", "supervisor", "admin"} <= {u.login for u in users.model.rows()}
    lists_page = tabs.page("lists")
    assert lists_page.model.rowCount() == len(DEMO_LISTS)  # type: ignore[attr-defined]

    users.add_button.click()
    dialog = users.dialog
    assert isinstance(dialog, UserDialog)
    dialog.login.setText("newbie")
    dialog.display_name.setText("Новый Оператор")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.OPERATOR.value))
    dialog.password.setText("newbie-pass")
    dialog.password_again.setText("newbie-pass")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert "newbie" in {u.login for u in users.model.rows()}

    with qtbot.waitSignal(flow.window_shown):
        window.sign_out_action.trigger()
    assert isinstance(flow.dialog, SignInDialog)
    assert flow.dialog.login.text() == "admin"

    newbie_window = sign_in(qtbot, result, "newbie", "newbie-pass")
    assert newbie_window.context.actor.display_name == "Новый Оператор"
    assert newbie_window.workspace is Workspace.QUEUE_AND_CALL
    assert newbie_window.import_action is None
    assert result.database is not None
    assert UserService(result.database).authenticate("newbie", "newbie-pass").role is Role.OPERATOR
