"""A database without users: start with the demo workspace, or create the administrator."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.errors import OperatorAppError, ValidationFailed
from operator_app.core.settings import AppSettings
from operator_app.core.users import UserService
from operator_app.gui.error_text import error_text
from operator_app.gui.i18n import Translations
from operator_app.gui.icons import app_icon
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.database_line import DatabaseLine
from operator_app.gui.widgets.dialog_header import DialogHeader
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.language_combo import LanguageComboBox
from operator_app.storage.database import Database

log = logging.getLogger(__name__)


class FirstRunDialog(QDialog):
    demo_created = Signal(object)  # the demo summary
    admin_created = Signal(object)  # the new administrator's Actor

    def __init__(
        self,
        database: Database,
        settings: AppSettings,
        translations: Translations,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowIcon(app_icon("app"))
        self._database = database
        self._users = UserService(database)
        self._settings = settings
        self._translations = translations

        self._header = DialogHeader()
        self._pages = QStackedWidget()
        self._pages.addWidget(self._build_choice_page())
        self._pages.addWidget(self._build_admin_page())

        self.language = LanguageComboBox(translations.language)
        self.language.language_chosen.connect(self._choose_language)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language)
        self._quit_button = QPushButton()
        self._quit_button.setAutoDefault(False)
        self._quit_button.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self._language_label)
        footer.addWidget(self.language)
        footer.addStretch(1)
        footer.addWidget(self._quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self._header)
        layout.addWidget(self._pages, 1)
        layout.addWidget(DatabaseLine(database))
        layout.addLayout(footer)
        self.setMinimumWidth(580)
        self.retranslate()
        self.demo_button.setFocus()

    def _build_choice_page(self) -> QWidget:
        page = QWidget()
        self._choice_text = QLabel()
        self._choice_text.setWordWrap(True)
        self._demo_task: BackgroundTask | None = None
        self.demo_button = QCommandLinkButton()
        self.demo_button.clicked.connect(self.create_demo)
        self.empty_button = QCommandLinkButton()
        self.empty_button.clicked.connect(self.show_admin_form)
        self.choice_error = InlineError()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._choice_text)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.empty_button)
        layout.addWidget(self.choice_error)
        layout.addStretch(1)
        return page

    def _build_admin_page(self) -> QWidget:
        page = QWidget()
        self._admin_text = QLabel()
        self._admin_text.setWordWrap(True)
        self.login = QLineEdit()
        self.login.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(200)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_error = InlineError()
        self._admin_form = QFormLayout()
        for field in (self.login, self.display_name, self.password, self.password_again):
            add_labelled_row(self._admin_form, field)
        self._admin_buttons = QDialogButtonBox()
        self.back_button = self._admin_buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.create_admin_button = self._admin_buttons.addButton(
            "", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_admin_button.setDefault(True)
        self.back_button.clicked.connect(self.show_choice)
        self.create_admin_button.clicked.connect(self.create_admin)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._admin_text)
        layout.addLayout(self._admin_form)
        layout.addWidget(self.admin_error)
        layout.addStretch(1)
        layout.addWidget(self._admin_buttons)
        return page

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome — Call centre workstation"))
        self._header.title.setText(self.tr("Welcome"))
        self._header.subtitle.setText(
            self.tr("This database is new: nobody can sign in to it yet.")
        )
        self._choice_text.setText(self.tr("How would you like to start?"))
        self.demo_button.setText(self.tr("Create the demo workspace"))
        self.demo_button.setDescription(
            self.tr(
                "Five demo campaigns with their call scripts (a credit broker, a property "
                "developer, a car dealer, a dental clinic, a B2B fuel-card offer), about 270 "
                "leads in six lists, two weeks of calls, visits and sales to review, and a "
                "user for every role (operator, seller, supervisor, admin, and two more "
                "operators, petrova and ivanov; password “demo”). "
                "The quickest way to see the app at work."
            )
        )
        self.empty_button.setText(self.tr("Start empty: create the administrator"))
        self.empty_button.setDescription(
            self.tr(
                "An empty workspace for real work. You create the administrator account "
                "now; the administrator then adds everyone else."
            )
        )
        self._admin_text.setText(
            self.tr(
                "The administrator manages users, campaigns and the database. Choose a "
                "login and a password you will remember."
            )
        )
        set_form_labels(
            self._admin_form,
            {
                self.login: self.tr("Login:"),
                self.display_name: self.tr("Your name:"),
                self.password: self.tr("Password:"),
                self.password_again: self.tr("Repeat password:"),
            },
        )
        self.login.setPlaceholderText(self.tr("Latin letters and digits, e.g. admin"))
        self.back_button.setText(self.tr("Back"))
        self.create_admin_button.setText(self.tr("Create administrator"))
        self._language_label.setText(self.tr("Language:"))
        self._quit_button.setText(self.tr("Quit"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _choose_language(self, language: str) -> None:
        self._translations.apply(language)
        self._settings.language = language
        self._settings.save()

    def show_admin_form(self) -> None:
        self.choice_error.clear_error()
        self._pages.setCurrentIndex(1)
        self.login.setFocus()

    def show_choice(self) -> None:
        self._pages.setCurrentIndex(0)
        self.demo_button.setFocus()

    def showing_admin_form(self) -> bool:
        return self._pages.currentIndex() == 1

    def create_demo(self) -> None:
        """Create the demo off the UI thread (a second or two): the window keeps painting."""
        from operator_app.core.demo import create_demo_workspace

        if self._demo_task is not None:
            return
        database = self._database
        task = BackgroundTask(lambda _context: create_demo_workspace(database), parent=self)
        task.succeeded.connect(self._demo_created)
        task.failed.connect(self._demo_failed)
        task.finished.connect(self._demo_finished)
        self._demo_task = task
        self.choice_error.clear_error()
        self.demo_button.setEnabled(False)
        self.empty_button.setEnabled(False)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        task.start()

    def _demo_created(self, summary: object) -> None:
        self.accept()
        self.demo_created.emit(summary)

    def _demo_failed(self, error: object) -> None:
        if isinstance(error, BaseException):
            log.error("creating the demo workspace failed", exc_info=error)
        text = error_text(error) if isinstance(error, OperatorAppError) else str(error)
        self.choice_error.show_error(
            self.tr("The demo workspace could not be created: {error}").format(error=text)
        )

    def _demo_finished(self) -> None:
        QGuiApplication.restoreOverrideCursor()
        self._demo_task = None
        self.demo_button.setEnabled(True)
        self.empty_button.setEnabled(True)

    def create_admin(self) -> None:
        if self.password.text() != self.password_again.text():
            self.admin_error.show_error(self.tr("The passwords do not match."))
            self.password_again.setFocus()
            self.password_again.selectAll()
            return
        try:
            actor = self._users.create_first_admin(
                self.login.text(), self.display_name.text(), self.password.text()
            )
        except OperatorAppError as error:
            self.admin_error.show_error(error_text(error))
            field = self._field_of(error)
            field.setFocus()
            field.selectAll()
            return
        self.accept()
        self.admin_created.emit(actor)

    def _field_of(self, error: OperatorAppError) -> QLineEdit:
        if isinstance(error, ValidationFailed):
            if error.field == "display_name":
                return self.display_name
            if error.field == "password":
                return self.password
        return self.login
