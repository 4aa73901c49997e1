"""Preferences: interface language (live), database (after a restart), default phone region."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication
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

from operator_app.core.settings import AppSettings
from operator_app.gui.database_probe import ProbeProblem, ProbeResult, probe_database
from operator_app.gui.i18n import Translations
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.language_combo import LanguageComboBox
from operator_app.storage.database import Database, default_database_url, describe_url

# Regions people in this market mostly call; any other ISO code can be typed in.
COMMON_REGIONS = ("RU", "KZ", "BY", "UZ", "KG", "AM", "AZ", "GE", "TJ", "MD")


def is_phone_region(code: str) -> bool:
    import phonenumbers

    return bool(phonenumbers.country_code_for_region(code))


class SettingsDialog(QDialog):
    saved = Signal(bool)  # True when the change takes effect only after a restart

    def __init__(
        self,
        settings: AppSettings,
        translations: Translations,
        database: Database,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._settings = settings
        self._translations = translations
        self._language_on_open = translations.language
        self._current_database = database

        self.language = LanguageComboBox(translations.language)
        self.language.language_chosen.connect(translations.apply)
        self.database_url = QLineEdit(settings.database_url or "")
        self.database_url.setClearButtonEnabled(True)
        self.database_url.setMinimumWidth(420)
        self._database_note = QLabel()
        self._database_note.setWordWrap(True)
        self.region = QComboBox()
        self.region.setEditable(True)
        self.region.addItems(list(COMMON_REGIONS))
        self.region.setCurrentText(settings.default_region)
        self.error = InlineError()

        self._form = QFormLayout()
        add_labelled_row(self._form, self.language)
        add_labelled_row(self._form, self.database_url)
        self._form.addRow("", self._database_note)
        add_labelled_row(self._form, self.region)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        labels = {
            self.language: self.tr("Language:"),
            self.database_url: self.tr("Database:"),
            self.region: self.tr("Default phone region:"),
        }
        set_form_labels(self._form, labels)
        self.database_url.setPlaceholderText(
            self.tr("empty: the embedded database on this computer")
        )
        self._database_note.setText(
            self.tr(
                "For a shared database enter a URL such as "
                "postgresql+psycopg://user:password@server/base. The app checks that it "
                "connects; the new database is used after a restart. Now in use: {url}"
            ).format(url=describe_url(self._current_database.url))
        )
        self.region.setToolTip(
            self.tr("Numbers written without a country code are read as numbers of this country.")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def chosen_database_url(self) -> str | None:
        url = self.database_url.text().strip()
        return None if not url or url == default_database_url() else url

    def accept(self) -> None:
        region = self.region.currentText().strip().upper()
        if not is_phone_region(region):
            self.error.show_error(
                self.tr("“{code}” is not a country code: use two letters such as RU or KZ.").format(
                    code=region
                )
            )
            self.region.setFocus()
            return
        url = self.chosen_database_url()
        database_changed = url != self._settings.database_url
        if database_changed and url is not None:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = probe_database(url)
            finally:
                QGuiApplication.restoreOverrideCursor()
            if not result.ok:
                self.error.show_error(self._probe_text(result))
                self.database_url.setFocus()
                return
        self._settings.language = self._translations.language
        self._settings.database_url = url
        self._settings.default_region = region
        if database_changed:
            self._settings.remembered_login = None  # that user belongs to the old database
        self._settings.save()
        self.saved.emit(database_changed)
        super().accept()

    def reject(self) -> None:
        if self._translations.language != self._language_on_open:
            self._translations.apply(self._language_on_open)
        super().reject()

    def _probe_text(self, result: ProbeResult) -> str:
        if result.problem is ProbeProblem.BAD_URL:
            text = self.tr("This is not a database URL the app understands.")
        elif result.problem is ProbeProblem.UNREACHABLE:
            text = self.tr("Could not connect to this database.")
        elif result.problem is ProbeProblem.TOO_NEW:
            text = self.tr("This database was made by a newer version of the app.")
        else:
            text = self.tr("This database holds other tables: it is not an operator-app database.")
        return f"{text}\n{result.detail}".strip()
