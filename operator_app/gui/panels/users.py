"""The administrator's user management: who may sign in, and in which role."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.errors import OperatorAppError
from operator_app.core.users import UserInfo, UserService
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.dialogs.users import ResetPasswordDialog, UserDialog
from operator_app.gui.error_text import error_text
from operator_app.gui.models.users import UserTableModel
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

log = logging.getLogger(__name__)


class UsersPanel(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersPanel")
        self._context = context
        self._users = UserService(context.database)
        self.dialog: UserDialog | ResetPasswordDialog | None = None  # the one open, for tests

        self._title = page_title()
        self._hint = QLabel()
        self.add_button = QPushButton()
        self.add_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_button.clicked.connect(self.add_user)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button = QPushButton()
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.password_button = QPushButton()
        self.password_button.clicked.connect(self.reset_selected_password)
        self.error = InlineError()

        self.model = UserTableModel(self)
        self.table: DataTable[UserInfo] = DataTable(self.model, "users")
        install_table_export(self.table, lambda: self.tr("Users"))
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        bar = QHBoxLayout()
        bar.addWidget(self._title)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.toggle_button, self.password_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self._hint)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Users"))
        self._hint.setText(
            self.tr(
                "Everyone who works in the app signs in with their own login. A disabled "
                "user keeps their history but can no longer sign in."
            )
        )
        self.add_button.setText(self.tr("Add user…"))
        self.add_button.setToolTip(self.tr("Add a user (Ctrl+N)"))
        self.edit_button.setText(self.tr("Edit…"))
        self.password_button.setText(self.tr("Reset password…"))
        self._update_buttons()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self, select_user_id: int | None = None) -> None:
        try:
            rows = self._users.list_users(self._context.actor)
        except OperatorAppError as error:
            self.error.show_error(error_text(error))
            return
        except SQLAlchemyError:
            log.exception("loading users failed")
            self.error.show_error(self.tr("The users could not be loaded from the database."))
            return
        self.model.set_rows(rows)
        self.table.fit_columns()
        if select_user_id is not None:
            self.table.select_where(lambda user: user.id == select_user_id)

    def selected_user(self) -> UserInfo | None:
        return self.table.selected_row()

    def add_user(self) -> None:
        self._open(UserDialog(self._users, self._context.actor, None, self))

    def edit_selected(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._open(UserDialog(self._users, self._context.actor, user, self))

    def reset_selected_password(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._open(ResetPasswordDialog(self._users, self._context.actor, user, self))

    def toggle_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        try:
            updated = self._users.update_user(self._context.actor, user.id, active=not user.active)
        except OperatorAppError as error:
            self.error.show_error(error_text(error))
            return
        self.error.clear_error()
        self.refresh(select_user_id=updated.id)

    def _open(self, dialog: UserDialog | ResetPasswordDialog) -> None:
        self.error.clear_error()
        self.dialog = dialog
        dialog.finished.connect(lambda result: self._dialog_finished(dialog, result))
        dialog.open()

    def _dialog_finished(self, dialog: UserDialog | ResetPasswordDialog, result: int) -> None:
        if isinstance(dialog, UserDialog) and result and dialog.saved_user is not None:
            self.refresh(select_user_id=dialog.saved_user.id)
        self.dialog = None
        dialog.deleteLater()

    def _update_buttons(self, *_args: object) -> None:
        user = self.selected_user()
        for button in (self.edit_button, self.toggle_button, self.password_button):
            button.setEnabled(user is not None)
        if user is not None and not user.active:
            self.toggle_button.setText(self.tr("Enable"))
        else:
            self.toggle_button.setText(self.tr("Disable"))
