"""The one way the app runs long work off the UI thread.

A `BackgroundTask` runs a plain Python callable on a thread pool. The callable gets a
`TaskContext`: it reports progress with `report_progress(processed, total)` and polls
`is_cancelled()` (or calls `raise_if_cancelled()`) to stop early. Everything the task tells the
UI (progress, the result, the error, cancellation) arrives as a Qt signal on the main thread,
so slots may touch widgets; the worker thread never does.

`TaskProgressDialog` (started by `run_with_progress_dialog`) is a `QProgressDialog` whose
Cancel cancels a task.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

__all__ = [
    "BackgroundTask",
    "TaskCancelled",
    "TaskContext",
    "TaskProgressDialog",
    "TaskState",
    "run_with_progress_dialog",
]


class TaskCancelled(Exception):
    """Raised by work that noticed the cancellation flag and stopped."""


class TaskState:
    READY = "ready"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TaskContext:
    """What the work sees of its task: the cancellation flag and a progress reporter.

    Both methods are safe to call from the worker thread as often as the work likes: progress
    reports are coalesced, so a report per row does not flood the UI's event queue.
    """

    def __init__(self, cancel_flag: threading.Event, notify_progress: Callable[[], None]) -> None:
        self._cancel_flag = cancel_flag
        self._notify_progress = notify_progress
        self._lock = threading.Lock()
        self._latest: tuple[int, int] | None = None
        self._delivery_pending = False

    def is_cancelled(self) -> bool:
        return self._cancel_flag.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancel_flag.is_set():
            raise TaskCancelled

    def report_progress(self, processed: int, total: int) -> None:
        with self._lock:
            self._latest = (processed, total)
            if self._delivery_pending:
                return  # the queued delivery will carry this newer value
            self._delivery_pending = True
        self._notify_progress()

    def take_progress(self) -> tuple[int, int] | None:
        """The latest report, for the main thread; clears the pending mark."""
        with self._lock:
            self._delivery_pending = False
            return self._latest


class _Relay(QObject):
    """Emitted from the worker thread; connected to the task with queued connections."""

    progress_ready = Signal()
    done = Signal()


class _Runnable(QRunnable):
    def __init__(self, body: Callable[[], None]) -> None:
        super().__init__()
        self._body = body
        # The pool deletes it once run() has returned. Python must not: a task dropped while
        # its work still runs (its page closed) would free the runnable under the worker.
        self.setAutoDelete(True)

    def run(self) -> None:
        self._body()


class BackgroundTask(QObject):
    """Run `work(context)` on a thread pool; report back on the main thread by signals.

    Exactly one of `succeeded(result)`, `failed(error)` or `cancelled()` is emitted, followed
    by `finished()`. Work counts as cancelled when it raises `TaskCancelled` or one of the
    `cancel_errors` classes (e.g. a domain's own "cancelled" error). Work that finishes
    normally although cancellation was requested has succeeded: its effects happened, and the
    UI must say so.
    """

    progressed = Signal(int, int)  # processed, total
    succeeded = Signal(object)  # the work's return value
    failed = Signal(object)  # the exception, with its __traceback__
    cancelled = Signal()
    finished = Signal()

    # Running tasks stay referenced here so a caller may drop its reference safely.
    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        work: Callable[[TaskContext], object],
        *,
        cancel_errors: tuple[type[BaseException], ...] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel_errors: tuple[type[BaseException], ...] = (TaskCancelled, *cancel_errors)
        self._cancel_flag = threading.Event()
        self._worker_done = threading.Event()
        self._relay = _Relay()
        self._context = TaskContext(self._cancel_flag, self._relay.progress_ready.emit)
        self._relay.progress_ready.connect(
            self._deliver_progress, Qt.ConnectionType.QueuedConnection
        )
        self._relay.done.connect(self._deliver_outcome, Qt.ConnectionType.QueuedConnection)
        self._runnable: _Runnable | None = None
        self._state = TaskState.READY
        self._outcome: tuple[str, object] | None = None
        self._forget_on_destruction: Callable[[], None] | None = None

    @property
    def state(self) -> str:
        return self._state

    def is_running(self) -> bool:
        return self._state == TaskState.RUNNING

    def is_cancel_requested(self) -> bool:
        return self._cancel_flag.is_set()

    def start(self, pool: QThreadPool | None = None) -> None:
        if self._state != TaskState.READY:
            raise RuntimeError("a background task runs only once")
        self._state = TaskState.RUNNING
        BackgroundTask._running.add(self)
        # A task parented to a widget dies with it; its outcome then has nobody to go to.
        self._forget_on_destruction = functools.partial(BackgroundTask._running.discard, self)
        self.destroyed.connect(self._forget_on_destruction)
        self._runnable = _Runnable(self._run_in_worker)
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def cancel(self) -> None:
        """Ask the work to stop; it decides when (at its next poll of the flag)."""
        self._cancel_flag.set()

    def wait(self, timeout_seconds: float | None = None) -> bool:
        """Block until the worker has returned (its signals may still be queued)."""
        if self._state == TaskState.READY:
            return True
        return self._worker_done.wait(timeout_seconds)

    def _run_in_worker(self) -> None:
        try:
            result = self._work(self._context)
        except self._cancel_errors:
            self._outcome = (TaskState.CANCELLED, None)
        except Exception as error:
            self._outcome = (TaskState.FAILED, error)
        else:
            self._outcome = (TaskState.SUCCEEDED, result)
        finally:
            if self._outcome is None:  # a BaseException such as SystemExit escaped the work
                self._outcome = (TaskState.FAILED, RuntimeError("the background work was aborted"))
            self._worker_done.set()
            self._relay.done.emit()

    @Slot()
    def _deliver_progress(self) -> None:
        if self._state != TaskState.RUNNING:
            return
        latest = self._context.take_progress()
        if latest is not None:
            self.progressed.emit(*latest)

    @Slot()
    def _deliver_outcome(self) -> None:
        assert self._outcome is not None
        # A report made just before the end may still be waiting: deliver it first, in order.
        self._deliver_progress()
        state, value = self._outcome
        self._state = state
        self._runnable = None
        BackgroundTask._running.discard(self)
        self.destroyed.disconnect(self._forget_on_destruction)  # it referenced this task
        if state == TaskState.SUCCEEDED:
            self.succeeded.emit(value)
        elif state == TaskState.CANCELLED:
            self.cancelled.emit()
        else:
            self.failed.emit(value)
        self.finished.emit()


class TaskProgressDialog(QProgressDialog):
    """A window-modal progress dialog bound to one task: Cancel (button, Esc, close) cancels it.

    The dialog stays open after Cancel, saying the work is stopping, until the work has really
    stopped; it closes itself when the task finishes, whatever the outcome.
    """

    def __init__(self, task: BackgroundTask, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancel_button = QPushButton(self.tr("Cancel"))
        self.setCancelButton(self._cancel_button)
        self.setLabelText(label)
        self.setRange(0, 0)  # busy indicator until the first progress report
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)  # quick work finishes without a flashing dialog
        self.setAutoReset(False)
        self.setAutoClose(False)
        # By default Cancel hides the dialog at once; keep it up until the work has stopped.
        self.canceled.disconnect(self.cancel)
        self.canceled.connect(self._request_cancel)
        task.progressed.connect(self._show_progress)
        task.finished.connect(self._close_for_good)

    @Slot()
    def _request_cancel(self) -> None:
        if not self._task.is_running():
            return
        self._task.cancel()
        self.setLabelText(self.tr("Cancelling…"))
        self._cancel_button.setEnabled(False)

    @Slot(int, int)
    def _show_progress(self, processed: int, total: int) -> None:
        if total <= 0:
            return
        if self.maximum() != total:
            self.setMaximum(total)
        self.setValue(min(processed, total))

    @Slot()
    def _close_for_good(self) -> None:
        self.reset()
        self.hide()
        self.deleteLater()

    def reject(self) -> None:  # Esc
        self._request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:  # the title bar's close button
        if self._task.is_running():
            event.ignore()
            self._request_cancel()
        else:
            super().closeEvent(event)


def run_with_progress_dialog(
    task: BackgroundTask, label: str, parent: QWidget | None = None
) -> TaskProgressDialog:
    """Start `task` behind a `TaskProgressDialog`. The caller handles the outcome signals."""
    dialog = TaskProgressDialog(task, label, parent)
    task.start()
    return dialog
