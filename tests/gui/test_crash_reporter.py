"""Unhandled errors, on the UI thread or a worker thread, reach a log file and a report dialog."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from operator_app.gui.crash import (
    CrashReporter,
    ErrorReportDialog,
    configure_logging,
    log_file_path,
)
from operator_app.gui.i18n import Translations


@pytest.fixture
def log_to_file() -> Iterator[None]:
    configure_logging()
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture
def reporter(qapp: QApplication) -> Iterator[CrashReporter]:
    # Never the real quit: QApplication.exit() outside exec() would stop later event loops.
    reporter = CrashReporter(quit_app=lambda: None)
    yield reporter
    if reporter.dialog is not None:
        reporter.dialog.close()
        reporter.dialog.deleteLater()


def fail(message: str) -> None:
    raise ValueError(message)


def test_an_error_on_the_ui_thread_is_logged_and_reported(
    qtbot: QtBot, reporter: CrashReporter, translations: Translations, log_to_file: None
) -> None:
    try:
        fail("the sky fell")
    except ValueError:
        reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert "ValueError: the sky fell" in dialog.details_text()
    assert "in fail" in dialog.details_text()  # the traceback, for the administrator
    assert not dialog._details.isVisible()  # details stay folded until asked for
    dialog._toggle.click()
    assert dialog._details.isVisible()
    assert "the sky fell" in log_file_path().read_text(encoding="utf-8")
    dialog.copy_to_clipboard()
    assert "ValueError: the sky fell" in QApplication.clipboard().text()


def test_an_error_in_a_worker_thread_is_shown_on_the_ui_thread(
    qtbot: QtBot, reporter: CrashReporter, translations: Translations
) -> None:
    previous = threading.excepthook
    reporter.install()
    try:
        worker = threading.Thread(target=fail, args=("worker broke",), name="importer")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None)
    finally:
        reporter.uninstall()
    assert threading.excepthook is previous
    assert reporter.dialog is not None
    assert "worker broke" in reporter.dialog.details_text()


def test_a_burst_of_errors_shares_one_dialog(
    qtbot: QtBot, reporter: CrashReporter, translations: Translations
) -> None:
    for message in ("first", "second"):
        try:
            fail(message)
        except ValueError:
            reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    dialog = reporter.dialog
    assert dialog is not None
    text = dialog.details_text()
    assert "first" in text and "second" in text
    shown = [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, ErrorReportDialog) and widget.isVisible()
    ]
    assert shown == [dialog]


def test_the_app_quits_when_the_error_left_no_window_open(
    qtbot: QtBot, translations: Translations
) -> None:
    quits: list[str] = []
    reporter = CrashReporter(quit_app=lambda: quits.append("quit"))
    for widget in QApplication.topLevelWidgets():
        widget.hide()
    try:
        fail("between two windows")
    except ValueError:
        reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    assert reporter.dialog is not None
    reporter.dialog.reject()
    assert quits == ["quit"]
    reporter.dialog.deleteLater()


def test_the_app_goes_on_when_a_window_is_still_open(
    qtbot: QtBot, translations: Translations
) -> None:
    quits: list[str] = []
    reporter = CrashReporter(quit_app=lambda: quits.append("quit"))
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    try:
        fail("inside a window")
    except ValueError:
        reporter.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    assert reporter.dialog is not None
    reporter.dialog.reject()
    assert quits == []
    reporter.dialog.deleteLater()
