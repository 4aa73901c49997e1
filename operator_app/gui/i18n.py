"""Interface language: the app's own translation plus Qt's, switchable while the app runs.

Installing or removing a translator makes Qt send a LanguageChange event to every widget;
widgets answer it by setting their texts again (see `retranslate` in each of them).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from operator_app.core.settings import LANGUAGES

log = logging.getLogger(__name__)

# Each language is named in itself, so anyone can find theirs whatever is shown now.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}
SOURCE_LANGUAGE = "en"  # the strings in the code


def app_translation_file(language: str) -> Path:
    from operator_app.resources import resource_path

    return resource_path("i18n", f"operator_app_{language}.qm")


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


class Translations:
    """The translators installed in the application for the current language."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE

    def apply(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = [t for t in self._load(language) if self._app.installTranslator(t)]
        self.language = language
        QLocale.setDefault(QLocale(language))
        if not self._installed:
            # Nothing was installed, so Qt sent no LanguageChange: send it ourselves.
            QCoreApplication.postEvent(self._app, QEvent(QEvent.Type.LanguageChange))

    def _load(self, language: str) -> list[QTranslator]:
        translators = []
        app_file = app_translation_file(language)
        own = QTranslator(self._app)
        if own.load(str(app_file)):
            translators.append(own)
        elif language != SOURCE_LANGUAGE:
            log.warning("no translation file for %s at %s", language, app_file)
        if language != SOURCE_LANGUAGE:
            qt = QTranslator(self._app)
            if qt.load(QLocale(language), "qtbase", "_", qt_translations_dir()):
                translators.append(qt)
            else:
                log.warning("Qt's own %s translation was not found", language)
        return translators
