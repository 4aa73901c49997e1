"""A resource's weekly hours: one line per weekday, typed as "09:00–13:00, 14:00–18:00"
(the gap is the break; empty is a day off). Tab walks the days, Ctrl+S saves. A day that
cannot be read is marked beside it and nothing is sent; nothing typed is cleared."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.setup import (
    HoursInterval,
    HoursInvalid,
    format_intervals,
    parse_day_hours,
)
from operator_app.gui.calendar_setup.texts import setup_error_text, weekday_name
from operator_app.gui.widgets.field_error import field_error_label, show_field_error

__all__ = ["WeeklyHoursEditor"]

WEEKDAYS = range(7)
WORKDAYS = range(5)


class WeeklyHoursEditor(QWidget):
    save_requested = Signal(object)  # tuple[HoursInterval, ...]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyHoursEditor")
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self.days: list[QLineEdit] = []
        self._labels: list[QLabel] = []
        self._errors: list[QLabel] = []
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for weekday in WEEKDAYS:
            field = QLineEdit()
            field.setObjectName(f"hoursDay{weekday}")
            field.textEdited.connect(lambda _text, day=weekday: self._edited(day))
            label = QLabel()
            label.setBuddy(field)
            error = field_error_label()
            grid.addWidget(label, weekday * 2, 0)
            grid.addWidget(field, weekday * 2, 1)
            grid.addWidget(error, weekday * 2 + 1, 1)
            self.days.append(field)
            self._labels.append(label)
            self._errors.append(error)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_monday_to_workdays)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveHoursButton")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.clicked.connect(self.request_save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._hint)
        layout.addLayout(grid)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._zone = ""
        self._dirty = False
        self.retranslate()

    def retranslate(self) -> None:
        self._hint.setText(
            self.tr(
                "In the office's time ({zone}), e.g. 09:00–13:00, 14:00–18:00: the gap between "
                "intervals is a break; an empty day is a day off."
            ).format(zone=self._zone or "—")
        )
        for weekday, label in enumerate(self._labels):
            label.setText(weekday_name(weekday) + ":")
        for field in self.days:
            field.setPlaceholderText(self.tr("day off"))
        self.copy_button.setText(self.tr("Copy Monday to Tue–Fri"))
        self.save_button.setText(self.tr("Save hours"))
        self.save_button.setToolTip(self.tr("Save the weekly hours (Ctrl+S)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_hours(self, hours: Sequence[HoursInterval], zone: str) -> None:
        """Show a resource's saved hours, replacing what was typed."""
        self._zone = zone
        for weekday, field in enumerate(self.days):
            field.setText(format_intervals(i for i in hours if i.weekday == weekday))
            show_field_error(self._errors[weekday], None)
        self._dirty = False
        self.status.clear()
        self.retranslate()

    def is_dirty(self) -> bool:
        return self._dirty

    def day_error(self, weekday: int) -> str:
        label = self._errors[weekday]
        return label.text() if label.isVisible() else ""

    def set_editable(self, editable: bool) -> None:
        for field in self.days:
            field.setReadOnly(not editable)
        self.copy_button.setEnabled(editable)
        self.save_button.setEnabled(editable)

    def copy_monday_to_workdays(self) -> None:
        for weekday in WORKDAYS:
            if weekday:
                self.days[weekday].setText(self.days[0].text())
                self._edited(weekday)

    def read(self) -> tuple[HoursInterval, ...] | None:
        """The typed hours, or None after marking every day that cannot be read."""
        hours: list[HoursInterval] = []
        readable = True
        for weekday, field in enumerate(self.days):
            try:
                hours.extend(parse_day_hours(weekday, field.text()))
            except HoursInvalid as error:
                show_field_error(self._errors[weekday], setup_error_text(error))
                if readable:
                    field.setFocus()
                readable = False
            else:
                show_field_error(self._errors[weekday], None)
        return tuple(hours) if readable else None

    def request_save(self) -> bool:
        """Ask for the typed hours to be saved; False when a day cannot be read."""
        hours = self.read()
        if hours is None:
            return False
        self.status.setText(self.tr("Saving…"))
        self.save_requested.emit(hours)
        return True

    def discard_edits(self) -> None:
        """The person chose to drop what was typed; the next resource's hours replace it."""
        self._dirty = False

    def saved(self, hours: Sequence[HoursInterval]) -> None:
        self.show_hours(hours, self._zone)
        self.status.setText(self.tr("The hours are saved."))

    def refused(self, error: BaseException) -> None:
        """Show why the service refused the hours beside the day concerned."""
        self.status.clear()
        if isinstance(error, HoursInvalid) and 0 <= error.weekday < len(self.days):
            show_field_error(self._errors[error.weekday], setup_error_text(error))
            self.days[error.weekday].setFocus()
        else:
            self.status.setText(setup_error_text(error))

    def _edited(self, weekday: int) -> None:
        self._dirty = True
        self.status.clear()
        show_field_error(self._errors[weekday], None)
