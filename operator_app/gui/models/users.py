"""The table of people who use the workstation."""

from __future__ import annotations

from PySide6.QtCore import QObject

from operator_app.core.users import UserInfo
from operator_app.gui.labels import role_label
from operator_app.gui.models.table import Column, RowTableModel


class UserTableModel(RowTableModel[UserInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Login"),
                    text=lambda user: user.login,
                    sort_key=lambda user: user.login.casefold(),
                ),
                Column(
                    title=lambda: self.tr("Name"),
                    text=lambda user: user.display_name,
                    sort_key=lambda user: user.display_name.casefold(),
                ),
                Column(title=lambda: self.tr("Role"), text=lambda user: role_label(user.role)),
                Column(
                    title=lambda: self.tr("Status"),
                    text=lambda user: self.tr("Active") if user.active else self.tr("Disabled"),
                ),
            ],
            dimmed=lambda user: not user.active,
            parent=parent,
        )

    def row_of_user(self, user_id: int) -> int | None:
        for row, user in enumerate(self.rows()):
            if user.id == user_id:
                return row
        return None
