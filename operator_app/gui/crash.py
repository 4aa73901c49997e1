"""Unhandled errors go to a rotating log file and to a report dialog, never a silent crash."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from operator_app.appdirs import app_data_dir

log = logging.getLogger(__name__)

LOG_FILE_NAME = "operator-app.log"
_LOG_BYTES = 2_000_000
_LOG_BACKUPS = 5


def log_file_path() -> Path:
    return app_data_dir() / "logs" / LOG_FILE_NAME


def configure_logging() -> Path:
    """Send the app's log to a rotating file in the app home; returns the file's path."""
    path = log_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(
        path, maxBytes=_LOG_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class CrashReporter(QObject):
    """Installs sys.excepthook and threading.excepthook; shows errors on the UI thread."""

    # Emitted from whichever thread failed; Qt queues it to this object's (the UI) thread.
    _report = Signal(str, str)

    def __init__(
        self, parent: QObject | None = None, quit_app: Callable[[], None] | None = None
    ) -> None:
        super().__init__(parent)
        self._quit_app = quit_app or (lambda: QApplication.exit(1))
        self._report.connect(self._show)
        self._dialog: ErrorReportDialog | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle_exception
        threading.excepthook = self._handle_thread_exception

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle_exception(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        self._log_and_report((exc_type, exc, tb), threading.current_thread().name)

    def _handle_thread_exception(self, args: Any) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        thread_name = args.thread.name if args.thread is not None else "?"
        self._log_and_report((args.exc_type, args.exc_value, args.exc_traceback), thread_name)

    def _log_and_report(self, exc_info: ExcInfo, thread_name: str) -> None:
        log.critical("unhandled error in thread %s", thread_name, exc_info=exc_info)
        exc_type, exc, tb = exc_info
        summary = "".join(traceback.format_exception_only(exc_type, exc)).strip()
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        self._report.emit(summary, details)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self._dialog is not None and self._dialog.isVisible():
            self._dialog.add_error(summary, details)  # one dialog for a burst of errors
            return
        self._dialog = ErrorReportDialog(summary, details, log_file_path())
        self._dialog.finished.connect(self._quit_if_nothing_else_is_open)
        self._dialog.show()
        self._dialog.raise_()

    def _quit_if_nothing_else_is_open(self) -> None:
        # The app quits explicitly (not on the last window closed); an error that struck
        # between two windows must not leave it running with nothing on the screen.
        others = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.isVisible() and widget is not self._dialog
        ]
        if not others:
            log.error("no window is left after an unhandled error: quitting")
            self._quit_app()

    @property
    def dialog(self) -> ErrorReportDialog | None:
        return self._dialog


class ErrorReportDialog(QDialog):
    def __init__(
        self, summary: str, details: str, log_path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setMinimumWidth(520)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        self._title = QLabel()
        font = self._title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self._title.setFont(font)
        self._message = QLabel()
        self._message.setWordWrap(True)
        self._log_label = QLabel(str(log_path))
        self._log_label.setWordWrap(True)
        self._log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._summary = QLabel(summary)
        self._summary.setWordWrap(True)
        self._summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._details = QPlainTextEdit(details)
        self._details.setReadOnly(True)
        self._details.setVisible(False)
        self._details.setMinimumHeight(220)

        self._toggle = QPushButton()
        self._toggle.setCheckable(True)
        self._toggle.toggled.connect(self._show_details)
        self._copy = QPushButton()
        self._copy.clicked.connect(self.copy_to_clipboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self._toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self._copy, QDialogButtonBox.ButtonRole.ActionRole)

        text = QVBoxLayout()
        text.addWidget(self._title)
        text.addWidget(self._message)
        text.addWidget(self._log_label)
        text.addWidget(self._summary)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._details, 1)
        layout.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Error"))
        self._title.setText(self.tr("Something went wrong"))
        self._message.setText(
            self.tr(
                "The app ran into an unexpected error, so what you were doing may not have "
                "been finished. Please send the details to your administrator; they are "
                "also saved in the log file:"
            )
        )
        self._toggle.setText(
            self.tr("Hide details") if self._toggle.isChecked() else self.tr("Show details")
        )
        self._copy.setText(self.tr("Copy report"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def add_error(self, summary: str, details: str) -> None:
        self._summary.setText(summary)
        self._details.appendPlainText("\n" + details)

    def details_text(self) -> str:
        return self._details.toPlainText()

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(f"{self._summary.text()}\n\n{self.details_text()}")

    def _show_details(self, shown: bool) -> None:
        self._details.setVisible(shown)
        self.retranslate()
        self.adjustSize()
