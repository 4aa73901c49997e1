"""Adding and editing users, and setting a new password for one; errors stay in the dialog."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import OperatorAppError, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserInfo, UserService
from operator_app.gui.error_text import error_text
from operator_app.gui.labels import role_label
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class UserDialog(QDialog):
    """Add a user (login, name, role, password) or edit one (name, role)."""

    def __init__(
        self,
        users: UserService,
        actor: Actor,
        existing: UserInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("userDialog")
        self._users = users
        self._actor = actor
        self._existing = existing
        self.saved_user: UserInfo | None = None

        self.login = QLineEdit()
        self.login.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(200)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_label(role), role.value)
        self.password = _password_field()
        self.password_again = _password_field()
        self.error = InlineError()

        self._form = QFormLayout()
        add_labelled_row(self._form, self.login)
        add_labelled_row(self._form, self.display_name)
        add_labelled_row(self._form, self.role)
        add_labelled_row(self._form, self.password)
        add_labelled_row(self._form, self.password_again)
        if existing is not None:
            self.login.setText(existing.login)
            self.login.setReadOnly(True)
            self.display_name.setText(existing.display_name)
            self.role.setCurrentIndex(self.role.findData(existing.role.value))
            self._form.setRowVisible(self.password, False)
            self._form.setRowVisible(self.password_again, False)
        else:
            self.role.setCurrentIndex(self.role.findData(Role.OPERATOR.value))

        self._buttons = QDialogButtonBox()
        self.ok_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(440)
        self.retranslate()
        (self.display_name if existing is not None else self.login).setFocus()

    def retranslate(self) -> None:
        editing = self._existing is not None
        self.setWindowTitle(self.tr("Edit user") if editing else self.tr("Add user"))
        labels = {
            self.login: self.tr("Login:"),
            self.display_name: self.tr("Name:"),
            self.role: self.tr("Role:"),
            self.password: self.tr("Password:"),
            self.password_again: self.tr("Repeat password:"),
        }
        set_form_labels(self._form, labels)
        for index in range(self.role.count()):
            self.role.setItemText(index, role_label(self.role.itemData(index)))
        self.login.setPlaceholderText(self.tr("Latin letters and digits, e.g. ivanova"))
        self.display_name.setPlaceholderText(self.tr("e.g. Anna Ivanova"))
        self.ok_button.setText(self.tr("Save") if editing else self.tr("Add user"))
        self.cancel_button.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def accept(self) -> None:
        if self._existing is None and self.password.text() != self.password_again.text():
            self._fail(self.tr("The passwords do not match."), self.password_again)
            return
        try:
            if self._existing is None:
                self.saved_user = self._users.create_user(
                    self._actor,
                    self.login.text(),
                    self.display_name.text(),
                    self.chosen_role(),
                    self.password.text(),
                )
            else:
                self.saved_user = self._users.update_user(
                    self._actor,
                    self._existing.id,
                    display_name=self.display_name.text(),
                    role=self.chosen_role(),
                )
        except OperatorAppError as error:
            self._fail(error_text(error), self._field_of(error))
            return
        super().accept()

    def _field_of(self, error: OperatorAppError) -> QWidget | None:
        if not isinstance(error, ValidationFailed):
            return None
        return {
            "login": self.login,
            "display_name": self.display_name,
            "role": self.role,
            "password": self.password,
        }.get(error.field)

    def _fail(self, text: str, field: QWidget | None) -> None:
        self.error.show_error(text)
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()


class ResetPasswordDialog(QDialog):
    def __init__(
        self, users: UserService, actor: Actor, user: UserInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self._users = users
        self._actor = actor
        self._user = user
        self._explanation = QLabel()
        self._explanation.setWordWrap(True)
        self.password = _password_field()
        self.password_again = _password_field()
        self.error = InlineError()
        self._form = QFormLayout()
        add_labelled_row(self._form, self.password)
        add_labelled_row(self._form, self.password_again)
        self._buttons = QDialogButtonBox()
        self.ok_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._explanation)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(420)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Reset password"))
        self._explanation.setText(
            self.tr("A new password for {name} ({login}). Tell it to them in person.").format(
                name=self._user.display_name, login=self._user.login
            )
        )
        set_form_labels(
            self._form,
            {
                self.password: self.tr("New password:"),
                self.password_again: self.tr("Repeat password:"),
            },
        )
        self.ok_button.setText(self.tr("Set password"))
        self.cancel_button.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def accept(self) -> None:
        if self.password.text() != self.password_again.text():
            self.error.show_error(self.tr("The passwords do not match."))
            self.password_again.setFocus()
            return
        try:
            self._users.reset_password(self._actor, self._user.id, self.password.text())
        except OperatorAppError as error:
            self.error.show_error(error_text(error))
            self.password.setFocus()
            self.password.selectAll()
            return
        super().accept()
