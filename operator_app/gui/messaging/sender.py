"""Sends due messages from the desktop: `Outbox.send_due` in the background every minute.

Several desktops may each run one: the outbox claims messages, so no message goes out twice.
A run never overlaps the previous one, and a failure is logged and retried at the next tick,
never shown as a crash.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from operator_app.core.messaging import Outbox, SendReport
from operator_app.gui.tasks import BackgroundTask, TaskContext
from operator_app.storage.database import Database

log = logging.getLogger(__name__)

SEND_INTERVAL_MS = 60_000


class OutboxSender(QObject):
    """`start()` sends at once and then every `interval_ms`; `stop()` (or destroying it) ends
    the ticks; a run under way finishes on its own."""

    run_finished = Signal(object)  # the SendReport
    run_failed = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        interval_ms: int = SEND_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._outbox = Outbox(database)
        self._task: BackgroundTask | None = None
        self.last_report: SendReport | None = None
        self.runs = 0  # finished runs, successful or not
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.send_now)

    def start(self, *, at_once: bool = True) -> None:
        """`at_once` False: the first run waits one interval (the window's start-up first)."""
        if not self._timer.isActive():
            self._timer.start()
            if at_once:
                self.send_now()

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    def is_sending(self) -> bool:
        return self._task is not None

    def send_now(self) -> None:
        """One run now, unless one is still under way."""
        if self._task is not None:
            return
        outbox = self._outbox

        def work(_context: TaskContext) -> SendReport:
            return outbox.send_due()

        # Not parented to this object: a run outlives a sender destroyed mid-send, and its
        # signals then go nowhere.
        task = BackgroundTask(work)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(task.deleteLater)
        self._task = task
        task.start()

    def _succeeded(self, report: object) -> None:
        assert isinstance(report, SendReport)
        self._task = None
        self.runs += 1
        self.last_report = report
        if report.sent or report.failed or report.retried:
            log.info("outbox run: %s", report.to_json())
        self.run_finished.emit(report)

    def _failed(self, error: object) -> None:
        self._task = None
        self.runs += 1
        if isinstance(error, BaseException):
            log.error("sending due messages failed", exc_info=error)
        else:
            log.error("sending due messages failed: %s", error)
        self.run_failed.emit(str(error))
