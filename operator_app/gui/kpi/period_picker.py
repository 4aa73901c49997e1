"""Two days, both included: the period a scorecard covers (this month unless changed)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from operator_app.core.reports.period import DEFAULT_REPORT_ZONE, ReportPeriod

__all__ = ["PeriodPicker", "qdate", "to_date"]


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(
        self, today: dt.date, zone: str = DEFAULT_REPORT_ZONE, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._zone = zone
        self.first_day = QDateEdit()
        self.first_day.setObjectName("kpiFirstDay")
        self.last_day = QDateEdit()
        self.last_day.setObjectName("kpiLastDay")
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
        self._to = QLabel()
        self.this_month = QPushButton()
        self.this_month.setObjectName("kpiThisMonth")
        self.this_month.clicked.connect(lambda: self.set_period(*month_of(self._today)))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.first_day)
        layout.addWidget(self._to)
        layout.addWidget(self.last_day)
        layout.addWidget(self.this_month)
        self.set_period(*month_of(today))
        self.first_day.dateChanged.connect(self._first_day_changed)
        self.last_day.dateChanged.connect(lambda _day: self.changed.emit())
        self.retranslate()

    def retranslate(self) -> None:
        self._to.setText(self.tr("to"))
        self.first_day.setToolTip(self.tr("First day of the period"))
        self.last_day.setToolTip(self.tr("Last day of the period (included)"))
        self.this_month.setText(self.tr("This month"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_period(self, first_day: dt.date, last_day: dt.date) -> None:
        """Both days at once, announced once."""
        blocked = self.blockSignals(True)
        try:
            self.last_day.setMinimumDate(QDate(1900, 1, 1))
            self.first_day.setDate(qdate(first_day))
            self.last_day.setDate(qdate(last_day))
            self.last_day.setMinimumDate(qdate(first_day))
        finally:
            self.blockSignals(blocked)
        self.changed.emit()

    def _first_day_changed(self, value: QDate) -> None:
        self.last_day.setMinimumDate(value)  # a period never ends before it starts
        self.changed.emit()

    def period(self) -> ReportPeriod:
        return ReportPeriod(
            to_date(self.first_day.date()), to_date(self.last_day.date()), self._zone
        )
