"""When the client can come: one time range per weekday, in the client's own time, with
quick presets, and the client's time zone (changeable when the card only guessed it).

Several ranges on one day (a stored preference from elsewhere) are kept as they were until
the operator edits that day: the editor shows the day's first start to its last end.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import QEvent, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.preferences import TimeWindow

__all__ = ["RUSSIAN_ZONES", "PreferencesEditor"]

RUSSIAN_ZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
WEEKDAYS = 7
EVENING = (dt.time(18), dt.time(22))
WEEKEND_HOURS = (dt.time(9), dt.time(21))
DEFAULT_HOURS = (dt.time(9), dt.time(21))


def _qtime(value: dt.time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


class _Day:
    def __init__(self, weekday: int) -> None:
        self.weekday = weekday
        self.enabled = QCheckBox()
        self.starts = QTimeEdit()
        self.ends = QTimeEdit()
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat("HH:mm")
        self.kept: tuple[TimeWindow, ...] = ()  # several stored ranges, until edited

    def set(self, windows: tuple[TimeWindow, ...]) -> None:
        self.enabled.setChecked(bool(windows))
        starts, ends = (windows[0].starts, windows[-1].ends) if windows else DEFAULT_HOURS
        self.starts.setTime(_qtime(starts))
        self.ends.setTime(_qtime(ends))
        self.kept = windows if len(windows) > 1 else ()
        self.show_enabled()

    def show_enabled(self) -> None:
        on = self.enabled.isChecked()
        self.starts.setEnabled(on)
        self.ends.setEnabled(on)

    def windows(self) -> list[TimeWindow]:
        if not self.enabled.isChecked():
            return []
        if self.kept:
            return list(self.kept)
        return [TimeWindow(self.weekday, _time(self.starts.time()), _time(self.ends.time()))]


class PreferencesEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.days = [_Day(weekday) for weekday in range(WEEKDAYS)]
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self._from_caption = QLabel()
        self._to_caption = QLabel()
        grid.addWidget(self._from_caption, 0, 1)
        grid.addWidget(self._to_caption, 0, 2)
        for row, day in enumerate(self.days, start=1):
            grid.addWidget(day.enabled, row, 0)
            grid.addWidget(day.starts, row, 1)
            grid.addWidget(day.ends, row, 2)
            day.enabled.toggled.connect(lambda _on, d=day: self._day_edited(d))
            day.starts.timeChanged.connect(lambda _t, d=day: self._day_edited(d))
            day.ends.timeChanged.connect(lambda _t, d=day: self._day_edited(d))
        self.evenings_button = QPushButton()
        self.evenings_button.clicked.connect(self.preset_weekday_evenings)
        self.weekends_button = QPushButton()
        self.weekends_button.clicked.connect(self.preset_weekends)
        self.any_time_button = QPushButton()
        self.any_time_button.clicked.connect(self.preset_any_time)
        for button in (self.evenings_button, self.weekends_button, self.any_time_button):
            button.setAutoDefault(False)
        presets = QHBoxLayout()
        presets.addWidget(self.evenings_button)
        presets.addWidget(self.weekends_button)
        presets.addWidget(self.any_time_button)
        presets.addStretch(1)
        self._zone_caption = QLabel()
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(RUSSIAN_ZONES)
        self.zone.currentTextChanged.connect(lambda _text: self._edited())
        self.zone_note = QLabel()
        self.zone_note.setWordWrap(True)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self._zone_caption)
        zone_row.addWidget(self.zone, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(presets)
        layout.addLayout(grid)
        layout.addLayout(zone_row)
        layout.addWidget(self.zone_note)
        layout.addWidget(self.summary)
        self.retranslate()

    # --- values -----------------------------------------------------------------------------

    def set_preferences(
        self, windows: tuple[TimeWindow, ...], zone: str, *, zone_guessed: bool
    ) -> None:
        self._loading = True
        try:
            for day in self.days:
                day.set(tuple(w for w in windows if w.weekday == day.weekday))
            if self.zone.findText(zone) < 0:
                self.zone.addItem(zone)
            self.zone.setCurrentText(zone)
            self.zone.setEnabled(zone_guessed)
            self.zone_note.setVisible(zone_guessed)
        finally:
            self._loading = False
        self._show_summary()

    def windows(self) -> list[TimeWindow]:
        return [window for day in self.days for window in day.windows()]

    def time_zone(self) -> str | None:
        """The zone as typed, None when it is not a known zone."""
        name = self.zone.currentText().strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
        return name

    def problem(self) -> str | None:
        """A sentence about what is wrong with the ranges, None when they can be saved."""
        for day in self.days:
            if day.enabled.isChecked() and not day.kept and day.ends.time() <= day.starts.time():
                return self.tr("{day}: the range must end after it starts.").format(
                    day=self._day_name(day.weekday)
                )
        if self.time_zone() is None:
            return self.tr("Unknown time zone: choose one from the list.")
        return None

    # --- presets ----------------------------------------------------------------------------

    def preset_weekday_evenings(self) -> None:
        self._apply({weekday: EVENING for weekday in range(5)})

    def preset_weekends(self) -> None:
        self._apply({5: WEEKEND_HOURS, 6: WEEKEND_HOURS})

    def preset_any_time(self) -> None:
        self._apply({})

    def _apply(self, hours: dict[int, tuple[dt.time, dt.time]]) -> None:
        self._loading = True
        try:
            for day in self.days:
                span = hours.get(day.weekday)
                day.set(() if span is None else (TimeWindow(day.weekday, *span),))
        finally:
            self._loading = False
        self._edited()

    # --- inside -----------------------------------------------------------------------------

    def _day_edited(self, day: _Day) -> None:
        if self._loading:
            return
        day.kept = ()
        day.show_enabled()
        self._edited()

    def _edited(self) -> None:
        if self._loading:
            return
        self._show_summary()
        self.changed.emit()

    def _show_summary(self) -> None:
        if not any(day.enabled.isChecked() for day in self.days):
            self.summary.setText(self.tr("Any time suits the client."))
        else:
            self.summary.clear()

    def _day_name(self, weekday: int) -> str:
        return (
            self.tr("Mon"),
            self.tr("Tue"),
            self.tr("Wed"),
            self.tr("Thu"),
            self.tr("Fri"),
            self.tr("Sat"),
            self.tr("Sun"),
        )[weekday]

    def retranslate(self) -> None:
        for day in self.days:
            day.enabled.setText(self._day_name(day.weekday))
        self._from_caption.setText(self.tr("from"))
        self._to_caption.setText(self.tr("to"))
        self.evenings_button.setText(self.tr("Weekdays after 18:00"))
        self.weekends_button.setText(self.tr("Weekends"))
        self.any_time_button.setText(self.tr("Any time"))
        self._zone_caption.setText(self.tr("Client's time zone:"))
        self.zone_note.setText(
            self.tr("The card only guessed the zone: ask the client and correct it if needed.")
        )
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
