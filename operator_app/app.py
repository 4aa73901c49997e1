"""Desktop start-up: Qt application, translations, crash reporting, database, first window.

`run_gui` is the whole thing; `launch` is everything before the event loop, so tests can
drive start-up (including its failures) without blocking.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from operator_app.core.settings import AppSettings
from operator_app.gui.crash import CrashReporter, configure_logging
from operator_app.gui.database_probe import database_engine_options
from operator_app.gui.flow import SessionFlow
from operator_app.gui.garbage import UiThreadGarbageCollector
from operator_app.gui.i18n import Translations
from operator_app.gui.icons import app_icon
from operator_app.storage.database import Database, describe_url, resolve_database_url
from operator_app.storage.migrate import ForeignDatabaseError, SchemaTooNewError, upgrade

translate = QCoreApplication.translate

log = logging.getLogger(__name__)

APP_NAME = "operator-app"
ORGANIZATION_NAME = "operator-app"
EXIT_OK = 0
EXIT_FAILED = 1


class StartupError(Exception):
    """Start-up cannot go on; `text` says why in the interface language."""

    def __init__(self, text: str, details: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.details = details


def create_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setWindowIcon(app_icon("app"))
    # The flow closes one window before the next opens; it decides when the app quits.
    app.setQuitOnLastWindowClosed(False)
    if app.findChild(UiThreadGarbageCollector) is None:
        UiThreadGarbageCollector(app)
    return app


def safe_url(url: str) -> str:
    try:
        return describe_url(url)
    except ArgumentError:
        return url.split("@")[-1]  # unparsable: at least never show a password


def open_database(url: str) -> Database:
    """Connect and bring the schema up to date, or raise StartupError saying why not."""
    shown = safe_url(url)
    try:
        database = Database(url, **database_engine_options(url))
    except (ArgumentError, ImportError, ValueError) as error:
        raise StartupError(
            translate("Startup", "“{url}” is not a database address the app understands.").format(
                url=shown
            ),
            str(error),
        ) from error
    try:
        upgrade(database.engine)
    except SchemaTooNewError as error:
        database.dispose()
        raise StartupError(
            translate(
                "Startup",
                "The database {url} was updated by a newer version of the app (schema "
                "{database_revision}; this version knows {app_revision}). Update the app "
                "on this computer to work with it.",
            ).format(
                url=shown,
                database_revision=error.status.database_revision,
                app_revision=error.status.app_revision,
            ),
            str(error),
        ) from error
    except ForeignDatabaseError as error:
        database.dispose()
        raise StartupError(
            translate(
                "Startup",
                "The database {url} holds tables of another program: it is not an "
                "operator-app database. Choose an empty database or one made by this app.",
            ).format(url=shown),
            str(error),
        ) from error
    except (SQLAlchemyError, OSError) as error:
        database.dispose()
        log.exception("opening the database %s failed", shown)
        raise StartupError(
            translate(
                "Startup",
                "Could not open the database {url}. Check that the server is running, the "
                "address is right and this computer may connect to it.",
            ).format(url=shown),
            str(getattr(error, "orig", None) or error),
        ) from error
    return database


def startup_error_box(error: StartupError) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Critical, translate("Startup", "The app cannot start"), error.text
    )
    box.setObjectName("startupErrorBox")
    box.setInformativeText(
        translate(
            "Startup",
            "Use --db to choose another database, or change it in the settings file {path}.",
        ).format(path=AppSettings.path())
    )
    if error.details:
        box.setDetailedText(error.details)
    return box


@dataclass
class Launch:
    """The result of start-up: either a running flow or an exit code and the box saying why."""

    exit_code: int | None = None
    error_box: QMessageBox | None = None
    flow: SessionFlow | None = None
    database: Database | None = None


def launch(app: QApplication, db_url: str | None, language: str | None) -> Launch:
    settings = AppSettings.load()
    translations = Translations(app)
    translations.apply(language or settings.language)
    url = resolve_database_url(db_url, settings.database_url)
    try:
        database = open_database(url)
    except StartupError as error:
        log.error("start-up failed: %s (%s)", error.text, error.details)
        return Launch(exit_code=EXIT_FAILED, error_box=startup_error_box(error))
    flow = SessionFlow(database, settings, translations, app)
    flow.start()
    return Launch(flow=flow, database=database)


def run_gui(db_url: str | None, language: str | None) -> int:
    started = time.perf_counter()
    log_path = configure_logging()
    app = create_application()
    reporter = CrashReporter(app)
    reporter.install()
    log.info("operator-app starting; log at %s", log_path)
    try:
        result = launch(app, db_url, language)
        if result.error_box is not None:
            result.error_box.exec()
            return result.exit_code if result.exit_code is not None else EXIT_FAILED
        assert result.flow is not None and result.database is not None
        result.flow.finished.connect(app.exit)
        # Logged once the first window has been painted: the start-up time people feel.
        QTimer.singleShot(
            0,
            lambda: log.info(
                "first window shown after %.0f ms", (time.perf_counter() - started) * 1000
            ),
        )
        exit_code = app.exec()
        result.database.dispose()
        return exit_code
    finally:
        reporter.uninstall()
