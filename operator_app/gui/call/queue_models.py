"""Table models of the queue view: bucket counts, and what waits in the chosen bucket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QColor

from operator_app.core.queue.buckets import Bucket
from operator_app.core.queue.service import BucketCount, QueueItem
from operator_app.gui.models.table import AnyIndex, Column, RowTableModel

translate = QCoreApplication.translate

# Inbound leads older than this are shown in red: someone is waiting for a call back.
INBOUND_URGENT = dt.timedelta(minutes=5)


def bucket_name(bucket: Bucket) -> str:
    return {
        Bucket.INBOUND: translate("QueueView", "New inbound and missed"),
        Bucket.CALLBACK: translate("QueueView", "Callbacks due"),
        Bucket.REMINDER: translate("QueueView", "Confirmations and reminders"),
        Bucket.RETRY: translate("QueueView", "Retries"),
        Bucket.FRESH: translate("QueueView", "Fresh list leads"),
    }[bucket]


def reason_label(item: QueueItem) -> str:
    """The item's reason in the interface language (the service gives English)."""
    known = {
        "new inbound lead": translate("QueueView", "new inbound lead"),
        "missed call": translate("QueueView", "missed call"),
        "your callback is due": translate("QueueView", "your callback is due"),
        "callback is due": translate("QueueView", "callback is due"),
        "a colleague's callback was not taken in time": translate(
            "QueueView", "a colleague's callback was not taken in time"
        ),
        "retry after an unanswered attempt": translate(
            "QueueView", "retry after an unanswered attempt"
        ),
        # The calendar's calls (core/queue/buckets.reason_text: "<task kind> is due").
        "confirm call is due": translate("QueueView", "confirm the visit"),
        "control touch is due": translate("QueueView", "check in the day before the visit"),
        "second call is due": translate("QueueView", "confirm the visit: second try"),
        "feedback call is due": translate("QueueView", "missed visit: ask what went wrong"),
        "next visit reminder is due": translate("QueueView", "time for the next visit"),
        "earlier slot is due": translate("QueueView", "an earlier time has freed up"),
    }
    if item.reason in known:
        return known[item.reason]
    if item.bucket is Bucket.FRESH:
        return translate("QueueView", "fresh lead from list {name}").format(
            name=item.list_name or "—"
        )
    if item.bucket is Bucket.REMINDER:
        return translate("QueueView", "reminder call is due")
    return item.reason


def age_text(since: dt.datetime | None, now: dt.datetime) -> str:
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return translate("QueueView", "{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return translate("QueueView", "{hours} h {minutes} min").format(
            hours=hours, minutes=minutes
        )
    return translate("QueueView", "{days} d").format(days=hours // 24)


class BucketModel(RowTableModel[BucketCount]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    lambda: translate("QueueView", "Queue"), lambda row: bucket_name(row.bucket)
                ),
                Column(
                    lambda: translate("QueueView", "Waiting"),
                    lambda row: f"{row.count}+" if row.capped else str(row.count),
                    sort_key=lambda row: row.count,
                    align="right",
                ),
            ],
            dimmed=lambda row: row.count == 0,
            parent=parent,
        )


class WaitingModel(RowTableModel[QueueItem]):
    def __init__(self, now: Callable[[], dt.datetime], parent: QObject | None = None) -> None:
        self._now = now
        super().__init__(
            [
                Column(lambda: translate("QueueView", "Client"), lambda row: row.client_name),
                Column(lambda: translate("QueueView", "Company"), lambda row: row.company or ""),
                Column(lambda: translate("QueueView", "Why now"), reason_label),
                Column(
                    lambda: translate("QueueView", "Waiting for"),
                    lambda row: age_text(row.due_at, self._now()),
                    align="right",
                ),
                Column(
                    lambda: translate("QueueView", "Client's time"),
                    lambda row: row.local_time.strftime("%H:%M"),
                    tooltip=lambda row: row.zone,
                ),
                Column(lambda: translate("QueueView", "List"), lambda row: row.list_name or ""),
            ],
            parent=parent,
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and 0 <= index.row() < self.rowCount()
            and index.column() == 3
        ):
            row = self.row_at(index.row())
            if self.is_urgent(row):
                return QColor("#c5221f")
        return super().data(index, role)

    def is_urgent(self, row: QueueItem) -> bool:
        return (
            row.bucket is Bucket.INBOUND
            and row.due_at is not None
            and self._now() - row.due_at > INBOUND_URGENT
        )
