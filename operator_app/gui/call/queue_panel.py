"""The queue side of the workspace: status, "Next client", what waits in each bucket."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.call_card import QueueFilters
from operator_app.core.queue.buckets import Bucket
from operator_app.core.queue.service import BucketCount, QueueItem, QueueService
from operator_app.core.queue.status import OperatorStatus
from operator_app.core.roles import Actor
from operator_app.gui.call.queue_models import BucketModel, WaitingModel
from operator_app.gui.call.queue_signals import QueueChangeListener
from operator_app.gui.tasks import BackgroundTask, TaskContext

log = logging.getLogger(__name__)

POLL_MILLISECONDS = 3000  # SQLite, or PostgreSQL while its listener is away
SAFETY_POLL_MILLISECONDS = 30_000  # PostgreSQL while LISTEN tells us about changes
NOTIFY_DEBOUNCE_MILLISECONDS = 300  # a burst of colleagues' claims costs one refresh
_SHOWN = (
    OperatorStatus.OFFLINE,
    OperatorStatus.READY,
    OperatorStatus.BREAK,
    OperatorStatus.IN_CALL,  # shown, never chosen: opening a card sets it
    OperatorStatus.AFTER_CALL,
)


@dataclass(frozen=True)
class QueueSnapshot:
    """One background read of the queue: the counts and the bucket to show."""

    version: tuple[Any, ...]
    counts: list[BucketCount]
    row: int


class QueuePanel(QWidget):
    status_chosen = Signal(object, object)  # OperatorStatus, reason or None
    next_requested = Signal()
    counts_shown = Signal()  # a refresh put fresh counts on screen

    def __init__(self, queue: QueueService, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self._queue = queue
        self._actor = actor
        self._version: tuple[Any, ...] | None = None
        self._refresh_task: BackgroundTask | None = None
        self._refresh_again = False
        self._refresh_forced = False
        self._waiting_task: BackgroundTask | None = None
        self._applying = False
        self._status = OperatorStatus.OFFLINE
        self._call_open = False
        self._claiming = False
        self.status = QComboBox()
        for status in _SHOWN:
            self.status.addItem("", status.value)
        in_call = self.status.model().index(_SHOWN.index(OperatorStatus.IN_CALL), 0)
        self.status.model().setData(in_call, 0, Qt.ItemDataRole.UserRole - 1)  # disabled
        self.break_reason = QLineEdit()
        self.break_reason.setVisible(False)
        self.break_button = QPushButton()
        self.break_button.setVisible(False)
        self.break_button.clicked.connect(self._start_break)
        self.break_reason.returnPressed.connect(self._start_break)
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextClientButton")
        self.next_button.setStyleSheet("#nextClientButton { font-size: 13pt; padding: 8px; }")
        self.next_button.clicked.connect(self.next_requested)
        self.why_disabled = QLabel()
        self.why_disabled.setWordWrap(True)
        self.why_disabled.setStyleSheet("color: #5f6368;")
        self.campaign_filter = QComboBox()
        self.list_filter = QComboBox()
        self.buckets = BucketModel(self)
        self.bucket_view = QTableView()
        self.bucket_view.setModel(self.buckets)
        self.waiting = WaitingModel(lambda: dt.datetime.now(dt.UTC), self)
        self.waiting_view = QTableView()
        self.waiting_view.setModel(self.waiting)
        for view in (self.bucket_view, self.waiting_view):
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.verticalHeader().setVisible(False)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bucket_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.waiting_view.horizontalHeader().setStretchLastSection(True)
        self.waiting_view.setWordWrap(False)
        # Wide rows scroll inside the table instead of widening the whole panel.
        for view in (self.bucket_view, self.waiting_view):
            view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.setMinimumWidth(280)
        self.waiting_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self._status_caption = QLabel()
        self._waiting_caption = QLabel()
        status_row = QHBoxLayout()
        status_row.addWidget(self._status_caption)
        status_row.addWidget(self.status, 1)
        break_row = QHBoxLayout()
        break_row.addWidget(self.break_reason, 1)
        break_row.addWidget(self.break_button)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.campaign_filter, 1)
        filter_row.addWidget(self.list_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(status_row)
        layout.addLayout(break_row)
        layout.addWidget(self.next_button)
        layout.addWidget(self.why_disabled)
        layout.addLayout(filter_row)
        layout.addWidget(self.bucket_view)
        layout.addWidget(self._waiting_caption)
        layout.addWidget(self.waiting_view, 1)
        self.bucket_view.setMaximumHeight(190)
        self.status.activated.connect(self._status_picked)
        self.campaign_filter.currentIndexChanged.connect(self._filters_changed)
        self.list_filter.currentIndexChanged.connect(lambda _i: self.refresh(force=True))
        self.bucket_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_waiting()
        )
        self._filters = QueueFilters((), ())
        self.fast_poll_milliseconds = POLL_MILLISECONDS
        self.safety_poll_milliseconds = SAFETY_POLL_MILLISECONDS
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MILLISECONDS)
        self.poll.timeout.connect(self.refresh)
        self.announced = QTimer(self)
        self.announced.setSingleShot(True)
        self.announced.setInterval(NOTIFY_DEBOUNCE_MILLISECONDS)
        self.announced.timeout.connect(lambda: self.refresh(force=True))
        self.live = False  # a listener tells us about changes; polling is only a safety net
        self.retranslate()

    # --- state from the workspace ---------------------------------------------------------

    def set_filters(self, filters: QueueFilters) -> None:
        self._filters = filters
        self.campaign_filter.blockSignals(True)
        self.campaign_filter.clear()
        self.campaign_filter.addItem(self.tr("All campaigns"), None)
        for choice in filters.campaigns:
            self.campaign_filter.addItem(choice.name, choice.id)
        self.campaign_filter.blockSignals(False)
        self._fill_lists()

    def campaign_id(self) -> int | None:
        value = self.campaign_filter.currentData()
        return int(value) if value is not None else None

    def list_id(self) -> int | None:
        value = self.list_filter.currentData()
        return int(value) if value is not None else None

    def show_status(
        self, status: OperatorStatus, call_open: bool, *, claiming: bool = False
    ) -> None:
        """`claiming`: "Next client" is at work; the button says so and takes no more presses."""
        self._status = status
        self._call_open = call_open
        self._claiming = claiming
        self.status.setCurrentIndex(max(0, self.status.findData(status.value)))
        on_break = status is OperatorStatus.BREAK
        self.break_reason.setVisible(False)
        self.break_button.setVisible(False)
        self.status.setEnabled(not call_open and not claiming)
        can_take = status is OperatorStatus.READY and not call_open
        self.next_button.setEnabled(can_take and not claiming)
        self._label_next_button()
        if call_open:
            why = self.tr("Finish the open call first.")
        elif on_break:
            why = self.tr("You are on a break: nothing is offered. Choose Ready to continue.")
        elif status is not OperatorStatus.READY:
            why = self.tr("Choose Ready to take clients.")
        else:
            why = ""
        self.why_disabled.setText(why)
        self.why_disabled.setVisible(bool(why))

    def _label_next_button(self) -> None:
        if self._claiming:
            self.next_button.setText(self.tr("Taking the next client…"))
        else:
            self.next_button.setText(self.tr("Next client (F2)"))

    def start_polling(self) -> None:
        self.refresh(force=True)
        self.poll.start()

    def follow(self, listener: QueueChangeListener) -> None:
        """Refresh when the listener announces a change; poll fast only while it is away."""
        listener.changed.connect(self.change_announced)
        listener.connected.connect(self.set_live)

    def change_announced(self) -> None:
        if not self.announced.isActive():
            self.announced.start()

    def set_live(self, live: bool) -> None:
        self.live = live
        interval = self.safety_poll_milliseconds if live else self.fast_poll_milliseconds
        self.poll.setInterval(interval)

    def refresh(self, force: bool = False) -> None:
        """Re-read the queue off the UI thread when it changed (or when asked).

        One read at a time: a request made meanwhile runs once the current one is over.
        Quiet if the database is away (the workspace's connection banner tells the operator).
        """
        if self._refresh_task is not None:
            self._refresh_again = True
            self._refresh_forced = self._refresh_forced or force
            return
        queue, actor, known = self._queue, self._actor, self._version
        campaign_id, list_id = self.campaign_id(), self.list_id()
        wanted = self.selected_bucket()

        def work(_context: TaskContext) -> QueueSnapshot | None:
            version = queue.queue_version()
            if not force and version == known:
                return None
            counts = queue.bucket_counts(actor, campaign_id=campaign_id, list_id=list_id)
            row = next((n for n, c in enumerate(counts) if c.bucket is wanted), None)
            if row is None or not counts[row].count:
                # Show where the work is rather than an empty bucket.
                row = next((n for n, c in enumerate(counts) if c.count), row or 0)
            return QueueSnapshot(version, counts, row)

        task = self._background(work)
        task.succeeded.connect(self._refreshed)
        task.failed.connect(self._refresh_failed)
        self._refresh_task = task
        task.start()

    def is_refreshing(self) -> bool:
        """The counts are being read."""
        return self._refresh_task is not None

    def is_busy(self) -> bool:
        """The counts or the waiting list are being read."""
        return self._refresh_task is not None or self._waiting_task is not None

    def _refreshed(self, snapshot: QueueSnapshot | None) -> None:
        if snapshot is not None:
            self._version = snapshot.version
            self._applying = True  # one read of the waiting list below, not one per signal
            try:
                self.buckets.set_rows(snapshot.counts)
                if snapshot.counts:
                    self.bucket_view.selectRow(snapshot.row)
            finally:
                self._applying = False
            self.counts_shown.emit()
            self._show_waiting()  # the longer read comes second: the counts are up already
        self._refresh_done()

    def _refresh_failed(self, error: BaseException) -> None:
        log.info("the queue could not be refreshed: %s", error)
        self._refresh_done()

    def _refresh_done(self) -> None:
        self._refresh_task = None
        if self._refresh_again:
            force = self._refresh_forced
            self._refresh_again = self._refresh_forced = False
            self.refresh(force=force)

    def selected_bucket(self) -> Bucket | None:
        index = self.bucket_view.currentIndex()
        if not index.isValid() or index.row() >= self.buckets.rowCount():
            return None
        return self.buckets.row_at(index.row()).bucket

    # --- inside ---------------------------------------------------------------------------

    def _show_waiting(self) -> None:
        if self._applying:
            return
        bucket = self.selected_bucket()
        if bucket is None:
            self.waiting.set_rows([])
            return
        queue, actor = self._queue, self._actor
        campaign_id, list_id = self.campaign_id(), self.list_id()

        def work(_context: TaskContext) -> tuple[Bucket, list[QueueItem]]:
            return bucket, queue.waiting(actor, bucket, campaign_id=campaign_id, list_id=list_id)

        task = self._background(work)
        task.succeeded.connect(self._waiting_read)
        task.failed.connect(self._waiting_failed)
        self._waiting_task = task
        task.start()

    def _waiting_read(self, result: tuple[Bucket, list[QueueItem]]) -> None:
        if self.sender() is not self._waiting_task:
            return  # an answer for a bucket chosen before
        self._waiting_task = None
        bucket, items = result
        if self.selected_bucket() is bucket:
            self.waiting.set_rows(items)

    def _waiting_failed(self, error: BaseException) -> None:
        if self.sender() is self._waiting_task:
            self._waiting_task = None
        log.info("the waiting list could not be read: %s", error)

    @staticmethod
    def _background(work: Callable[[TaskContext], object]) -> BackgroundTask:
        # No parent: a task must not die with the panel while its thread still runs; the
        # panel's slots are disconnected when the panel goes.
        return BackgroundTask(work)

    def _filters_changed(self) -> None:
        self._fill_lists()
        self.refresh(force=True)

    def _fill_lists(self) -> None:
        campaign = self.campaign_id()
        self.list_filter.blockSignals(True)
        self.list_filter.clear()
        self.list_filter.addItem(self.tr("All lists"), None)
        for choice in self._filters.lists:
            if campaign is None or choice.campaign_id == campaign:
                self.list_filter.addItem(choice.name, choice.id)
        self.list_filter.blockSignals(False)

    def _status_picked(self, index: int) -> None:
        status = OperatorStatus(self.status.itemData(index))
        if status is OperatorStatus.BREAK:
            self.break_reason.setVisible(True)
            self.break_button.setVisible(True)
            self.break_reason.setFocus()
            return
        self.status_chosen.emit(status, None)

    def _start_break(self) -> None:
        reason = self.break_reason.text().strip()
        if not reason:
            self.break_reason.setFocus()
            self.why_disabled.setText(self.tr("Say why you take a break."))
            self.why_disabled.setVisible(True)
            return
        self.status_chosen.emit(OperatorStatus.BREAK, reason)

    def retranslate(self) -> None:
        names = {
            OperatorStatus.OFFLINE: self.tr("Not working"),
            OperatorStatus.READY: self.tr("Ready"),
            OperatorStatus.BREAK: self.tr("Break"),
            OperatorStatus.IN_CALL: self.tr("In a call"),
            OperatorStatus.AFTER_CALL: self.tr("After-call work"),
        }
        for index in range(self.status.count()):
            self.status.setItemText(index, names[OperatorStatus(self.status.itemData(index))])
        self._status_caption.setText(self.tr("My status:"))
        self.break_reason.setPlaceholderText(self.tr("Reason for the break (lunch, training…)"))
        self.break_button.setText(self.tr("Start the break"))
        self._label_next_button()
        self._waiting_caption.setText(self.tr("Waiting in the chosen queue:"))
        if self.campaign_filter.count():
            self.campaign_filter.setItemText(0, self.tr("All campaigns"))
        if self.list_filter.count():
            self.list_filter.setItemText(0, self.tr("All lists"))
        self.buckets.retranslate()
        self.waiting.retranslate()
        self.show_status(self._status, self._call_open, claiming=self._claiming)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
