"""The administrator manages users for real: add, edit, disable, reset the password."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.gui.dialogs.users import ResetPasswordDialog, UserDialog
from operator_app.gui.i18n import Translations
from operator_app.gui.panels.users import UsersPanel
from operator_app.storage.database import Database
from tests.gui.helpers import PASSWORD, add_user, context_for


def make_panel(
    qtbot: QtBot, database: Database, admin: Actor, translations: Translations
) -> UsersPanel:
    panel = UsersPanel(context_for(database, admin, translations))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def logins(panel: UsersPanel) -> list[str]:
    return [user.login for user in panel.model.rows()]


def select(panel: UsersPanel, login: str) -> None:
    assert panel.table.select_where(lambda user: user.login == login)


def test_the_admin_adds_a_user_who_can_then_sign_in(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    assert logins(panel) == ["boss"]
    panel.add_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, UserDialog)
    dialog.login.setText("olga")
    dialog.display_name.setText("Ольга Кузнецова")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.SELLER.value))
    dialog.password.setText("olga-pass")
    dialog.password_again.setText("olga-pass")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert logins(panel) == ["boss", "olga"]
    assert panel.selected_user() is not None and panel.selected_user().login == "olga"  # type: ignore[union-attr]
    actor = UserService(sqlite_db).authenticate("olga", "olga-pass")
    assert (actor.display_name, actor.role) == ("Ольга Кузнецова", Role.SELLER)


def test_a_rejected_user_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    panel.add_user()
    dialog = panel.dialog
    assert isinstance(dialog, UserDialog)
    dialog.login.setText("boss")  # taken
    dialog.display_name.setText("Second boss")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD)
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.error.text() == "This login is already taken: choose another one."
    assert dialog.focusWidget() is dialog.login

    dialog.login.setText("second")
    dialog.password.setText("123")
    dialog.password_again.setText("123")
    dialog.ok_button.click()
    assert dialog.error.text() == "The password must have at least 6 characters."
    assert dialog.focusWidget() is dialog.password
    assert logins(panel) == ["boss"]  # nothing was written


def test_editing_a_users_name_and_role(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    select(panel, "olga")
    panel.edit_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, UserDialog)
    assert dialog.login.isReadOnly()
    assert not dialog.password.isVisible()
    dialog.display_name.setText("Ольга Петровна")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.SUPERVISOR.value))
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    olga = next(user for user in panel.model.rows() if user.login == "olga")
    assert (olga.display_name, olga.role) == ("Ольга Петровна", Role.SUPERVISOR)


def test_disabling_and_enabling_a_user(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    select(panel, "olga")
    assert panel.toggle_button.text() == "Disable"
    panel.toggle_button.click()
    assert panel.toggle_button.text() == "Enable"
    assert panel.model.data(panel.model.index(1, 3)) == "Disabled"
    users = UserService(sqlite_db)
    assert not next(u for u in users.list_users(admin) if u.login == "olga").active
    panel.toggle_button.click()
    assert users.authenticate("olga", PASSWORD).login == "olga"


def test_the_admin_cannot_disable_themselves(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    select(panel, "boss")
    panel.toggle_button.click()
    assert panel.error.text() == "You cannot take away your own administrator access."
    assert UserService(sqlite_db).authenticate("boss", PASSWORD).role is Role.ADMIN


def test_resetting_a_password(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    select(panel, "olga")
    panel.password_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, ResetPasswordDialog)
    dialog.password.setText("brand-new")
    dialog.password_again.setText("brand-nex")
    dialog.ok_button.click()
    assert dialog.error.text() == "The passwords do not match."
    dialog.password_again.setText("brand-new")
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert UserService(sqlite_db).authenticate("olga", "brand-new").login == "olga"


def test_buttons_that_need_a_selection_wait_for_one(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    panel = make_panel(qtbot, sqlite_db, admin, translations)
    assert not panel.edit_button.isEnabled()
    assert not panel.password_button.isEnabled()
    select(panel, "boss")
    assert panel.edit_button.isEnabled()


def test_user_management_works_on_postgresql(
    qtbot: QtBot, pg_db: Database, translations: Translations
) -> None:
    admin = UserService(pg_db).create_first_admin("boss", "Boss", PASSWORD)
    panel = make_panel(qtbot, pg_db, admin, translations)
    panel.add_user()
    dialog = panel.dialog
    assert isinstance(dialog, UserDialog)
    dialog.login.setText("ivan")
    dialog.display_name.setText("Иван")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert logins(panel) == ["boss", "ivan"]
    assert UserService(pg_db).authenticate("ivan", PASSWORD).role is Role.OPERATOR
