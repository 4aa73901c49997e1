"""Start-up to workspace and back: first run, remembered user, roles, sign-out."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.first_run import FirstRunDialog
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.main_window import MainWindow
from operator_app.gui.sign_in import SignInDialog
from operator_app.gui.widgets.database_line import DatabaseLine
from operator_app.gui.workspaces import Workspace, WorkspaceTabs
from operator_app.storage.database import Database
from tests.gui.helpers import PASSWORD, add_user

pytestmark = pytest.mark.usefixtures("close_windows")


def start_flow(database: Database, translations: Translations) -> SessionFlow:
    flow = SessionFlow(database, AppSettings.load(), translations)
    flow.start()
    return flow


def sign_in(qtbot: QtBot, flow: SessionFlow, login: str, password: str = PASSWORD) -> MainWindow:
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.login.setText(login)
    dialog.password.setText(password)
    with qtbot.waitSignal(flow.window_shown):
        dialog.sign_in_button.click()
    assert flow.window is not None
    return flow.window


def test_first_run_creates_the_administrator_and_opens_their_workspace(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    flow = start_flow(sqlite_db, translations)
    dialog = flow.dialog
    assert isinstance(dialog, FirstRunDialog)
    dialog.empty_button.click()
    assert dialog.showing_admin_form()
    dialog.login.setText("chief")
    dialog.display_name.setText("Ирина Главная")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD + "x")
    dialog.create_admin_button.click()
    assert dialog.admin_error.text() == "The passwords do not match."
    assert not UserService(sqlite_db).has_users()

    dialog.password_again.setText(PASSWORD)
    with qtbot.waitSignal(flow.window_shown):
        dialog.create_admin_button.click()
    assert flow.window is not None
    assert flow.window.workspace is Workspace.ADMINISTRATION
    assert flow.window.context.actor.login == "chief"
    assert UserService(sqlite_db).authenticate("chief", PASSWORD).role is Role.ADMIN


def test_first_run_rejects_a_bad_login_inline(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    flow = start_flow(sqlite_db, translations)
    dialog = flow.dialog
    assert isinstance(dialog, FirstRunDialog)
    dialog.show_admin_form()
    dialog.login.setText("иван")  # not Latin
    dialog.display_name.setText("Иван")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD)
    dialog.create_admin_button.click()
    assert "Latin letters" in dialog.admin_error.text()
    assert dialog.focusWidget() is dialog.login
    assert flow.window is None


@pytest.mark.parametrize(
    ("role", "workspace", "page"),
    [
        (Role.OPERATOR, Workspace.QUEUE_AND_CALL, "queueAndCallPage"),
        (Role.SELLER, Workspace.HANDOFFS_AND_CALENDAR, "handoffs_and_calendarWorkspace"),
        (Role.SUPERVISOR, Workspace.SUPERVISION, "supervisionWorkspace"),
        (Role.ADMIN, Workspace.ADMINISTRATION, "administrationWorkspace"),
    ],
)
def test_each_role_lands_on_its_workspace(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,
    admin: Actor,
    role: Role,
    workspace: Workspace,
    page: str,
) -> None:
    add_user(sqlite_db, admin, "someone", role)
    window = sign_in(qtbot, start_flow(sqlite_db, translations), "someone")
    assert window.workspace is workspace
    central = window.centralWidget()
    assert central is not None and central.objectName() == page
    assert (window.import_action is not None) == (role in (Role.SUPERVISOR, Role.ADMIN))


def test_supervisor_and_admin_tabs(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    add_user(sqlite_db, admin, "marina", Role.SUPERVISOR)
    flow = start_flow(sqlite_db, translations)
    window = sign_in(qtbot, flow, "marina")
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Dashboard",
        "Plans and KPIs",
        "Call review",
        "Scripts",
        "Script versions",
        "Lead lists",
        "Arbitration",
        "Criteria",
        "Calendar",
        "Messages to clients",
        "Message templates",
    ]
    flow.sign_out()
    window = sign_in(qtbot, flow, "boss")
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Users",
        "Lead lists",
        "Campaigns",
        "Dashboard",
        "Plans and KPIs",
        "Call review",
        "Scripts",
        "Script versions",
        "Arbitration",
        "Criteria",
        "Offices and resources",
        "Calendar",
        "Messages to clients",
        "Message templates",
        "Message channels",
        "Database",
    ]


def test_a_remembered_user_skips_the_password_until_they_sign_out(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    flow = start_flow(sqlite_db, translations)
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.remember.setChecked(True)
    window = sign_in(qtbot, flow, "olga")
    assert AppSettings.load().remembered_login == "olga"
    window.close()

    again = start_flow(sqlite_db, translations)  # the next start of the app
    assert again.dialog is None
    assert again.window is not None and again.window.context.actor.login == "olga"

    with qtbot.waitSignal(again.window_shown):
        again.window.sign_out_action.trigger()
    assert AppSettings.load().remembered_login is None
    assert isinstance(again.dialog, SignInDialog)
    assert again.dialog.login.text() == "olga"  # prefilled; the password is asked for
    assert again.window is None


def test_a_remembered_user_who_was_disabled_must_sign_in(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    olga = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    settings = AppSettings.load()
    settings.remembered_login = "olga"
    settings.save()
    UserService(sqlite_db).update_user(admin, olga.user_id, active=False)
    flow = start_flow(sqlite_db, translations)
    assert isinstance(flow.dialog, SignInDialog)
    assert AppSettings.load().remembered_login is None


def test_a_shared_database_ignores_a_remembered_user(
    qtbot: QtBot, pg_db: Database, translations: Translations
) -> None:
    UserService(pg_db).create_first_admin("boss", "Boss", PASSWORD)
    settings = AppSettings.load()
    settings.remembered_login = "boss"
    settings.save()
    flow = start_flow(pg_db, translations)
    assert isinstance(flow.dialog, SignInDialog)
    assert flow.window is None


def test_quitting_from_the_sign_in_dialog_finishes_the_flow(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    flow = start_flow(sqlite_db, translations)
    assert flow.dialog is not None
    with qtbot.waitSignal(flow.finished) as finished:
        flow.dialog.reject()
    assert finished.args == [0]


def test_closing_the_main_window_quits_but_signing_out_does_not(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    flow = start_flow(sqlite_db, translations)
    window = sign_in(qtbot, flow, "boss")
    with qtbot.assertNotEmitted(flow.finished):
        window.sign_out_action.trigger()
    window = sign_in(qtbot, flow, "boss")
    with qtbot.waitSignal(flow.finished):
        window.quit_action.trigger()


def test_the_demo_is_created_off_the_ui_thread_and_opens_sign_in(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    dialog = FirstRunDialog(sqlite_db, AppSettings.load(), translations)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.demo_created, timeout=60_000) as created:
        dialog.demo_button.click()
        # The click returns at once; the buttons wait for the work to finish.
        assert not dialog.demo_button.isEnabled()
        assert not dialog.empty_button.isEnabled()
    assert "admin" in created.args[0].describe()
    assert UserService(sqlite_db).has_users()


def test_the_first_run_dialog_changes_language_at_once_database_line_included(
    qtbot: QtBot, sqlite_db: Database, translations: Translations
) -> None:
    dialog = FirstRunDialog(sqlite_db, AppSettings.load(), translations)
    qtbot.addWidget(dialog)
    database_line = dialog.findChild(DatabaseLine)
    assert database_line is not None
    assert database_line.text().startswith("Database: embedded — ")
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    qtbot.waitUntil(lambda: dialog.demo_button.text() == "Создать демо-пространство")
    assert dialog.demo_button.description().startswith("Пять демо-кампаний")
    assert database_line.text().startswith("База данных: встроенная — ")
    assert AppSettings.load().language == "ru"
