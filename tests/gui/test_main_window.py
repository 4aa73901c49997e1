"""The main window: menus by role, status bar, live language, layout that survives restarts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.gui.dialogs.settings import SettingsDialog
from operator_app.gui.i18n import Translations
from operator_app.gui.main_window import MainWindow
from operator_app.gui.panels.lead_lists import LeadListsPanel
from operator_app.gui.panels.users import UsersPanel
from operator_app.gui.workspaces import WorkspaceTabs
from operator_app.storage.database import Database
from tests.gui.helpers import add_user, context_for


def open_window(
    qtbot: QtBot, database: Database, actor: Actor, translations: Translations
) -> MainWindow:
    window = MainWindow(context_for(database, actor, translations))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def status_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.statusBar().findChildren(QLabel) if label.text()]


def menu_texts(window: MainWindow) -> list[str]:
    return [action.text() for action in window._file_menu.actions() if not action.isSeparator()]


def test_the_status_bar_names_the_user_role_database_and_language(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    window = open_window(qtbot, sqlite_db, admin, translations)
    assert status_texts(window) == [
        "Анна Админова",
        "Administrator",
        "Database: embedded",
        "English",
    ]
    assert window.windowTitle().startswith("Анна Админова (Administrator)")


def test_an_operator_has_no_import_in_the_menu(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    operator = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    window = open_window(qtbot, sqlite_db, operator, translations)
    assert menu_texts(window) == ["My &results…", "&Settings…", "Sign &out", "&Quit"]
    assert window.findChildren(LeadListsPanel) == []
    admin_window = open_window(qtbot, sqlite_db, admin, translations)
    assert menu_texts(admin_window)[0] == "&Import list…"


def test_switching_the_language_in_settings_retranslates_the_window_at_once(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    window = open_window(qtbot, sqlite_db, admin, translations)
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    window.settings_action.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    qtbot.waitUntil(lambda: tabs.tabText(0) == "Пользователи")
    assert window._file_menu.title() == "&Файл"
    assert "Русский" in status_texts(window)
    users = window.findChild(UsersPanel)
    assert users is not None and users.model.headerData(0, Qt.Orientation.Horizontal) == "Логин"
    dialog.reject()  # cancel puts the language back
    qtbot.waitUntil(lambda: tabs.tabText(0) == "Users")


def test_window_size_and_column_widths_survive_a_restart(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    window = open_window(qtbot, sqlite_db, admin, translations)
    window.resize(790, 590)
    users = window.findChild(UsersPanel)
    assert users is not None
    users.table.horizontalHeader().resizeSection(1, 237)
    window.close()

    again = open_window(qtbot, sqlite_db, admin, translations)
    assert again.size() == QSize(790, 590)
    users = again.findChild(UsersPanel)
    assert users is not None
    assert users.table.horizontalHeader().sectionSize(1) == 237


def test_the_last_open_tab_is_remembered(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    window = open_window(qtbot, sqlite_db, admin, translations)
    tabs = window.centralWidget()
    assert isinstance(tabs, WorkspaceTabs)
    tabs.setCurrentIndex(3)
    window.close()
    again = open_window(qtbot, sqlite_db, admin, translations)
    tabs = again.centralWidget()
    assert isinstance(tabs, WorkspaceTabs) and tabs.currentIndex() == 3


@pytest.mark.parametrize("role", [Role.SUPERVISOR])
def test_a_list_imported_with_the_wizard_appears_in_the_table(
    qtbot: QtBot,
    sqlite_db: Database,
    admin: Actor,
    translations: Translations,
    tmp_path: Path,
    role: Role,
) -> None:
    supervisor = add_user(sqlite_db, admin, "marina", role)
    window = open_window(qtbot, sqlite_db, supervisor, translations)
    panel = window.findChild(LeadListsPanel)
    assert panel is not None and panel.showing_empty_state()

    path = tmp_path / "Автосалоны.csv"
    with path.open("w", encoding="cp1251", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["ФИО", "Телефон", "Город"])
        writer.writerow(["Иванов Иван", "8 (912) 345-67-89", "Казань"])
        writer.writerow(["Петров Пётр", "+7 912 345 67 80", "Пермь"])

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: window.import_wizard is not None)
    wizard = window.import_wizard
    assert isinstance(wizard, QWizard)
    wizard.open_file(path)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not wizard.file_page.is_loading(), timeout=10_000)  # type: ignore[attr-defined]
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.details_page.name_edit.setText("Автосалоны Казань")  # type: ignore[attr-defined]
    with qtbot.waitSignal(wizard.imported, timeout=30_000):  # type: ignore[attr-defined]
        wizard.button(QWizard.WizardButton.CommitButton).click()

    assert not panel.showing_empty_state()
    selected = panel.table.selected_row()
    assert selected is not None
    assert (selected.name, selected.rows_read, selected.rows_imported) == (
        "Автосалоны Казань",
        2,
        2,
    )
    wizard.close()
