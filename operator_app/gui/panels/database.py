"""Which database this workstation uses, and whether its schema matches the app."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.roles import Permission
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.labels import database_backend_label
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.storage.database import describe_url
from operator_app.storage.migrate import SchemaState, SchemaStatus, schema_status, upgrade

log = logging.getLogger(__name__)

_UPGRADABLE = (SchemaState.EMPTY, SchemaState.OUTDATED)


class DatabasePanel(QWidget):
    def __init__(self, context: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databasePanel")
        self._context = context
        self.status: SchemaStatus | None = None
        self._title = page_title()
        self._box = QGroupBox()
        self._url = _value_label()
        self._backend = _value_label()
        self._revision = _value_label()
        self._app_revision = _value_label()
        self.state_label = _value_label()
        self._form = QFormLayout(self._box)
        for field in (
            self._url,
            self._backend,
            self._revision,
            self._app_revision,
            self.state_label,
        ):
            add_labelled_row(self._form, field)
        self.upgrade_button = QPushButton()
        self.upgrade_button.clicked.connect(self.confirm_upgrade)
        self.upgrade_button.setVisible(context.actor.can(Permission.MANAGE_DATABASE))
        self._note = QLabel()
        self._note.setWordWrap(True)
        self.error = InlineError()
        buttons = QHBoxLayout()
        buttons.addWidget(self.upgrade_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._box)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self._note)
        layout.addStretch(1)
        self.refresh()
        self.retranslate()

    def retranslate(self) -> None:
        self._title.setText(self.tr("Database"))
        self._box.setTitle(self.tr("Connection and schema"))
        set_form_labels(
            self._form,
            {
                self._url: self.tr("Database:"),
                self._backend: self.tr("Kind:"),
                self._revision: self.tr("Schema revision:"),
                self._app_revision: self.tr("This app's revision:"),
                self.state_label: self.tr("State:"),
            },
        )
        self._url.setText(describe_url(self._context.database.url))
        self._backend.setText(database_backend_label(self._context.database.backend))
        self.upgrade_button.setText(self.tr("Upgrade schema"))
        self._note.setText(
            self.tr(
                "The app upgrades the schema itself when it starts. To use another database "
                "(for example a shared PostgreSQL server), change it in File → Settings; the "
                "change takes effect after a restart."
            )
        )
        self._show_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        try:
            self.status = schema_status(self._context.database.engine)
        except SQLAlchemyError:
            log.exception("reading the schema status failed")
            self.status = None
            self.error.show_error(self.tr("The database did not answer."))
        else:
            self.error.clear_error()
        self._show_status()

    def _show_status(self) -> None:
        status = self.status
        self._revision.setText((status.database_revision or "—") if status else "—")
        self._app_revision.setText(status.app_revision if status else "—")
        self.state_label.setText(self._state_text(status.state) if status else "—")
        self.upgrade_button.setEnabled(status is not None and status.state in _UPGRADABLE)

    def _state_text(self, state: SchemaState) -> str:
        return {
            SchemaState.EMPTY: self.tr("empty: the schema will be created"),
            SchemaState.OUTDATED: self.tr("older than this app: upgrade it"),
            SchemaState.CURRENT: self.tr("up to date"),
            SchemaState.TOO_NEW: self.tr("newer than this app: update the app"),
            SchemaState.FOREIGN: self.tr("not an operator-app database"),
        }[state]

    def confirm_upgrade(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Upgrade schema"),
            self.tr(
                "Upgrade the schema of this database now? Workstations with an older version "
                "of the app will not be able to use it until they are updated."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.upgrade_now()

    def upgrade_now(self) -> None:
        try:
            self.status = upgrade(self._context.database.engine)
        except Exception as error:  # shown to the admin and logged; nothing half-applied stays
            log.exception("schema upgrade failed")
            self.error.show_error(self.tr("The upgrade failed: {error}").format(error=error))
        self._show_status()


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label
