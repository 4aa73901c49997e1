"""The sign-in dialog against a real database: right, wrong and disabled accounts, keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from operator_app.core.roles import Actor, Role
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.i18n import Translations
from operator_app.gui.sign_in import DemoHint, SignInDialog
from operator_app.storage.database import Database
from tests.gui.helpers import PASSWORD, add_user


def make_dialog(
    qtbot: QtBot, database: Database, translations: Translations, **kwargs: object
) -> SignInDialog:
    dialog = SignInDialog(database, AppSettings.load(), translations, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_right_password_signs_in(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    dialog = make_dialog(qtbot, sqlite_db, translations)
    qtbot.keyClicks(dialog.login, "olga")  # type: ignore[no-untyped-call]
    qtbot.keyClicks(dialog.password, PASSWORD)  # type: ignore[no-untyped-call]
    with qtbot.waitSignal(dialog.signed_in) as signal:  # Enter signs in
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    actor = signal.args[0]
    assert (actor.login, actor.role) == ("olga", Role.OPERATOR)
    assert dialog.result() == SignInDialog.DialogCode.Accepted


def test_a_wrong_password_is_an_inline_error_and_the_dialog_stays(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    dialog = make_dialog(qtbot, sqlite_db, translations, login="boss")
    qtbot.keyClicks(dialog.password, "not-it")  # type: ignore[no-untyped-call]
    with qtbot.assertNotEmitted(dialog.signed_in):
        dialog.sign_in_button.click()
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Wrong login or password."
    assert dialog.password.text() == ""  # ready for the next try
    assert dialog.focusWidget() is dialog.password


def test_a_disabled_account_says_so(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    olga = add_user(sqlite_db, admin, "olga", Role.OPERATOR)
    UserService(sqlite_db).update_user(admin, olga.user_id, active=False)
    dialog = make_dialog(qtbot, sqlite_db, translations, login="olga")
    dialog.password.setText(PASSWORD)
    with qtbot.assertNotEmitted(dialog.signed_in):
        dialog.sign_in_button.click()
    assert "disabled" in dialog.error.text()


def test_focus_starts_in_the_login_or_in_the_password_when_the_login_is_known(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    empty = make_dialog(qtbot, sqlite_db, translations)
    assert empty.focusWidget() is empty.login
    empty.close()
    prefilled = make_dialog(qtbot, sqlite_db, translations, login="boss")
    assert prefilled.focusWidget() is prefilled.password


def test_escape_closes_the_dialog_without_signing_in(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    dialog = make_dialog(qtbot, sqlite_db, translations)
    with qtbot.waitSignal(dialog.rejected), qtbot.assertNotEmitted(dialog.signed_in):
        qtbot.keyClick(dialog.login, Qt.Key.Key_Escape)  # type: ignore[no-untyped-call]
    assert not dialog.isVisible()


def test_remember_me_is_offered_on_the_embedded_database(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    dialog = make_dialog(qtbot, sqlite_db, translations)
    assert dialog.remember.isEnabled()
    assert "embedded" in dialog.database_line.text()
    dialog.remember.setChecked(True)
    assert dialog.remember_me()


def test_remember_me_is_refused_on_a_shared_database(
    qtbot: QtBot, pg_db: Database, translations: Translations
) -> None:
    UserService(pg_db).create_first_admin("boss", "Boss", PASSWORD)
    dialog = make_dialog(qtbot, pg_db, translations)
    assert not dialog.remember.isEnabled()
    dialog.remember.setChecked(True)
    assert not dialog.remember_me()
    assert "shared" in dialog.database_line.text()
    assert "secret" not in dialog.database_line.toolTip()  # never the password


def test_the_demo_hint_lists_the_demo_logins(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    hint = DemoHint((("operator", Role.OPERATOR), ("admin", Role.ADMIN)), "demo")
    dialog = make_dialog(qtbot, sqlite_db, translations, demo_hint=hint)
    assert dialog.hint.isVisible()
    assert "<b>operator</b>," in dialog.hint.text()  # the role is not said twice
    assert "<b>admin</b> (administrator)" in dialog.hint.text()
    assert "<b>demo</b>" in dialog.hint.text()


def test_switching_the_language_retranslates_at_once_and_is_saved(
    qtbot: QtBot, sqlite_db: Database, translations: Translations, admin: Actor
) -> None:
    dialog = make_dialog(qtbot, sqlite_db, translations)
    assert dialog.remember.text() == "Remember me on this computer"
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    qtbot.waitUntil(lambda: dialog.remember.text() == "Запомнить меня на этом компьютере")
    assert dialog.sign_in_button.text() == "Войти"
    assert dialog.database_line.text().startswith("База данных: встроенная — ")
    assert AppSettings.load().language == "ru"
