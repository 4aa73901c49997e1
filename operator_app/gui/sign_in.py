"""Signing in: login and password, or a remembered local user, in the chosen language."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import AuthenticationFailed
from operator_app.core.roles import Actor, Role
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.error_text import error_text
from operator_app.gui.i18n import Translations
from operator_app.gui.icons import app_icon
from operator_app.gui.labels import role_label
from operator_app.gui.widgets.database_line import DatabaseLine
from operator_app.gui.widgets.dialog_header import DialogHeader
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.language_combo import LanguageComboBox
from operator_app.storage.database import Database


@dataclass(frozen=True, slots=True)
class DemoHint:
    """Who can sign in to a just-created demo workspace."""

    users: tuple[tuple[str, Role], ...]  # (login, role)
    password: str


def can_remember_user(database: Database) -> bool:
    """Only the embedded database, a file on this computer, may skip the password."""
    return database.backend == "sqlite"


class SignInDialog(QDialog):
    signed_in = Signal(object)  # Actor

    def __init__(
        self,
        database: Database,
        settings: AppSettings,
        translations: Translations,
        *,
        login: str | None = None,
        demo_hint: DemoHint | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowIcon(app_icon("app"))
        self._users = UserService(database)
        self._settings = settings
        self._translations = translations
        self._demo_hint = demo_hint
        self.actor: Actor | None = None
        self._last_error: AuthenticationFailed | None = None

        self._header = DialogHeader()
        self.login = QLineEdit(login or "")
        self.login.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox()
        self.remember.setEnabled(can_remember_user(database))
        self.error = InlineError()
        self.hint = QLabel()
        self.hint.setObjectName("signInHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(
            "#signInHint { background: #e6eef8; color: #1f3f6b; border-radius: 4px;"
            " padding: 6px 8px; }"
        )
        self.hint.setVisible(demo_hint is not None)
        self.language = LanguageComboBox(translations.language)
        self.language.language_chosen.connect(self._choose_language)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language)
        self.database_line = DatabaseLine(database)

        self._form = QFormLayout()
        add_labelled_row(self._form, self.login)
        add_labelled_row(self._form, self.password)
        self._form.addRow("", self.remember)
        # Buttons of our own: a box re-labels its standard buttons on a language change.
        self._buttons = QDialogButtonBox()
        self.sign_in_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self.sign_in_button.setDefault(True)

        footer = QHBoxLayout()
        footer.addWidget(self._language_label)
        footer.addWidget(self.language)
        footer.addStretch(1)
        footer.addWidget(self._buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self._header)
        layout.addWidget(self.hint)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addSpacing(6)
        layout.addWidget(self.database_line)
        layout.addLayout(footer)
        self.setMinimumWidth(480)
        self.retranslate()
        (self.password if self.login.text() else self.login).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in — Call centre workstation"))
        self._header.title.setText(self.tr("Sign in", "heading"))
        self._header.subtitle.setText(self.tr("Call centre workstation"))
        set_form_labels(
            self._form, {self.login: self.tr("Login:"), self.password: self.tr("Password:")}
        )
        self.remember.setText(self.tr("Remember me on this computer"))
        self.remember.setToolTip(
            self.tr("Next time the app opens without asking for the password.")
            if self.remember.isEnabled()
            else self.tr("A shared database always asks for the password.")
        )
        if self._demo_hint is not None:
            users = ", ".join(
                _login_with_role(login, role) for login, role in self._demo_hint.users
            )
            self.hint.setText(
                self.tr(
                    "The demo workspace is ready. Sign in as {users}. "
                    "The password is <b>{password}</b>."
                ).format(users=users, password=self._demo_hint.password)
            )
        self._language_label.setText(self.tr("Language:"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self.quit_button.setText(self.tr("Quit"))
        if not self.error.isHidden() and self._last_error is not None:
            self.error.show_error(error_text(self._last_error))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _choose_language(self, language: str) -> None:
        self._translations.apply(language)
        self._settings.language = language
        self._settings.save()

    def accept(self) -> None:
        if not self.login.text().strip():
            self.error.show_error(self.tr("Enter your login."))
            self.login.setFocus()
            return
        try:
            actor = self._users.authenticate(self.login.text(), self.password.text())
        except AuthenticationFailed as error:
            self._last_error = error
            self.error.show_error(error_text(error))
            self.password.clear()
            self.password.setFocus()
            return
        self._last_error = None
        self.actor = actor
        super().accept()
        self.signed_in.emit(actor)

    def remember_me(self) -> bool:
        return self.remember.isEnabled() and self.remember.isChecked()


def _login_with_role(login: str, role: Role) -> str:
    role_name = role_label(role).lower()
    if role_name == login:  # "operator (operator)" says nothing twice
        return f"<b>{login}</b>"
    return f"<b>{login}</b> ({role_name})"
