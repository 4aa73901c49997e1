"""Step 4: the import runs in the background with a progress bar; Cancel leaves no trace."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.inline_error import InlineError

TaskFactory = Callable[[], BackgroundTask]
"""Makes the (not yet started) import task from what the earlier steps collected."""


class RunState(Enum):
    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    FAILED = "failed"
    DONE = "done"


class RunPage(QWizardPage):
    """Starts the import when shown. On success it hands the result on and the wizard moves on."""

    succeeded = Signal(object)  # the task's result
    failed = Signal(object)  # the exception
    retry_requested = Signal()

    def __init__(self, make_task: TaskFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_task = make_task
        self._task: BackgroundTask | None = None
        self._state = RunState.IDLE
        self._error_text = ""
        self.setCommitPage(True)  # once imported, Back must not offer to import again

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setAutoDefault(False)
        self.retry_button = QPushButton()
        self.retry_button.setAutoDefault(True)  # focused after a failure: Enter goes back
        self.error_label = InlineError()
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addStretch(2)

        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button.clicked.connect(self.retry_requested)
        self._retranslate()
        self._show_state()

    # --- public -----------------------------------------------------------------------------

    @property
    def state(self) -> RunState:
        return self._state

    def is_busy(self) -> bool:
        return self._state in (RunState.RUNNING, RunState.CANCELLING)

    @Slot()
    def cancel(self) -> None:
        if self._task is None or self._state is not RunState.RUNNING:
            return
        self._task.cancel()
        self._state = RunState.CANCELLING
        self._show_state()

    def show_failure(self, text: str) -> None:
        self._error_text = text
        self._show_state()

    # --- QWizardPage ------------------------------------------------------------------------

    def initializePage(self) -> None:
        self._start()

    def isComplete(self) -> bool:
        return self._state is RunState.DONE

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._show_state()
        super().changeEvent(event)

    # --- running ----------------------------------------------------------------------------

    def _start(self) -> None:
        task = self._make_task()
        task.progressed.connect(self._show_progress)
        task.succeeded.connect(self._on_succeeded)
        task.failed.connect(self._on_failed)
        task.cancelled.connect(self._on_cancelled)
        self._task = task
        self._state = RunState.RUNNING
        self._error_text = ""
        self.progress_bar.setRange(0, 0)  # busy until the first batch is through
        self._show_state()
        self.completeChanged.emit()
        task.start()
        self.cancel_button.setFocus()

    @Slot(int, int)
    def _show_progress(self, processed: int, total: int) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(processed, total))

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._task = None
        self._state = RunState.DONE
        self.progress_bar.setValue(self.progress_bar.maximum())
        self._show_state()
        self.completeChanged.emit()
        self.succeeded.emit(result)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self._task = None
        self._state = RunState.FAILED
        self._show_state()
        self.completeChanged.emit()
        self.failed.emit(error)  # the wizard turns it into words (show_failure)

    @Slot()
    def _on_cancelled(self) -> None:
        self._task = None
        self._state = RunState.CANCELLED
        self._show_state()
        self.completeChanged.emit()

    # --- texts ------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setTitle(self.tr("Importing"))
        self.setSubTitle(
            self.tr("Rows are checked and saved in one go: if you cancel, nothing is saved at all.")
        )
        self.cancel_button.setText(self.tr("&Cancel import"))
        self.retry_button.setText(self.tr("&Back to the list details"))
        self.progress_bar.setFormat(self.tr("%v of %m rows"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Next >"))

    def _show_state(self) -> None:
        state = self._state
        texts = {
            RunState.IDLE: "",
            RunState.RUNNING: self.tr("Reading, checking and saving the rows…"),
            RunState.CANCELLING: self.tr("Cancelling: undoing what was written so far…"),
            RunState.CANCELLED: self.tr("Import cancelled: nothing was saved."),
            RunState.FAILED: self.tr("The import failed: nothing was saved."),
            RunState.DONE: self.tr("Import finished."),
        }
        self.status_label.setText(texts[state])
        self.cancel_button.setVisible(state in (RunState.RUNNING, RunState.CANCELLING))
        self.cancel_button.setEnabled(state is RunState.RUNNING)
        ended_badly = state in (RunState.CANCELLED, RunState.FAILED)
        self.retry_button.setVisible(ended_badly)
        self.progress_bar.setVisible(not ended_badly)
        if state is RunState.FAILED and self._error_text:
            self.error_label.show_error(self._error_text)
        else:
            self.error_label.clear_error()
        if ended_badly:
            self.retry_button.setFocus()
