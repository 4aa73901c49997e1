"""Holidays, days off and special working days of the office and of the selected resource:
the list, a line to add one (date, whole office or this resource, kind, hours, note) and
removal (Delete)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.setup import (
    EXCEPTION_KINDS,
    ExceptionDraft,
    ExceptionInfo,
    HoursInvalid,
    parse_day_hours,
)
from operator_app.core.errors import ValidationFailed
from operator_app.gui.calendar_setup.models import ExceptionTableModel
from operator_app.gui.calendar_setup.texts import exception_kind_label, setup_error_text
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.field_error import field_error_label, show_field_error

__all__ = ["ExceptionsPanel"]

OFFICE = "office"
RESOURCE = "resource"


class ExceptionsPanel(QWidget):
    add_requested = Signal(object)  # list[ExceptionDraft]: one per interval of a special day
    remove_requested = Signal(int)  # exception id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exceptionsPanel")
        self._office_id: int | None = None
        self._resource_id: int | None = None
        self.model = ExceptionTableModel(self)
        self.table: DataTable[ExceptionInfo] = DataTable(self.model, "calendarExceptions")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)
        remove_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self.remove_selected)

        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd.MM.yyyy")
        self.scope = QComboBox()
        self.scope.addItem("", OFFICE)
        self.scope.addItem("", RESOURCE)
        self.kind = QComboBox()
        for kind in EXCEPTION_KINDS:
            self.kind.addItem(exception_kind_label(kind), kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.hours = QLineEdit()
        self.hours.setObjectName("exceptionHours")
        self.note = QLineEdit()
        self.note.setMaxLength(300)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.request_add)
        for field in (self.hours, self.note):
            field.returnPressed.connect(self.request_add)
        self.day_error = field_error_label()
        self.hours_error = field_error_label()
        self.note_error = field_error_label()

        self._labels = [QLabel() for _ in range(5)]
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        buddies: tuple[QWidget, ...] = (self.day, self.scope, self.kind, self.hours, self.note)
        for label, buddy in zip(self._labels, buddies, strict=True):
            label.setBuddy(buddy)
        form.addWidget(self._labels[0], 0, 0)
        form.addWidget(self.day, 0, 1)
        form.addWidget(self._labels[1], 0, 2)
        form.addWidget(self.scope, 0, 3)
        form.addWidget(self.day_error, 1, 1, 1, 3)
        form.addWidget(self._labels[2], 2, 0)
        form.addWidget(self.kind, 2, 1)
        form.addWidget(self._labels[3], 2, 2)
        form.addWidget(self.hours, 2, 3)
        form.addWidget(self.hours_error, 3, 1, 1, 3)
        form.addWidget(self._labels[4], 4, 0)
        form.addWidget(self.note, 4, 1, 1, 3)
        form.addWidget(self.note_error, 5, 1, 1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._editable = True
        self.retranslate()
        self._kind_changed()
        self._update_buttons()

    def retranslate(self) -> None:
        for label, text in zip(
            self._labels,
            (
                self.tr("&Date:"),
                self.tr("&For:"),
                self.tr("&What:"),
                self.tr("&Hours:"),
                self.tr("N&ote:"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.scope.setItemText(0, self.tr("Whole office"))
        self.scope.setItemText(1, self.tr("Selected resource only"))
        for index in range(self.kind.count()):
            self.kind.setItemText(index, exception_kind_label(self.kind.itemData(index)))
        self.hours.setPlaceholderText(self.tr("e.g. 10:00–14:00"))
        self.note.setPlaceholderText(self.tr("e.g. New Year"))
        self.add_button.setText(self.tr("Add to calendar"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected day (Delete)"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- what is shown ------------------------------------------------------------------------

    def show_exceptions(
        self,
        office_id: int | None,
        resource_id: int | None,
        rows: list[ExceptionInfo],
        resource_names: dict[int, str],
    ) -> None:
        self._office_id, self._resource_id = office_id, resource_id
        selected = self.table.selected_row()
        self.model.resource_names = dict(resource_names)
        self.model.set_rows(rows)
        self.table.fit_columns()
        if selected is not None:
            self.table.select_where(lambda row: row.exception_id == selected.exception_id)
        scopes = self.scope.model()
        if isinstance(scopes, QStandardItemModel):
            item = scopes.item(1)
            if item is not None:
                item.setEnabled(resource_id is not None)
        if resource_id is None:
            self.scope.setCurrentIndex(0)
        self._update_buttons()

    def set_day(self, day: dt.date) -> None:
        self.day.setDate(QDate(day.year, day.month, day.day))

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self._update_buttons()

    def field_error(self, field: str) -> str:
        label = {"day": self.day_error, "hours": self.hours_error, "note": self.note_error}[field]
        return label.text() if label.isVisible() else ""

    # --- adding and removing ------------------------------------------------------------------

    def chosen_day(self) -> dt.date:
        date = self.day.date()
        return dt.date(date.year(), date.month(), date.day())

    def drafts(self) -> list[ExceptionDraft] | None:
        """What the add line says, one draft per interval of a special day; None after
        marking a field that cannot be read."""
        self._clear_errors()
        if self._office_id is None:
            return None
        for_resource = self.scope.currentData() == RESOURCE and self._resource_id is not None
        office_id = None if for_resource else self._office_id
        resource_id = self._resource_id if for_resource else None
        kind = str(self.kind.currentData())
        day = self.chosen_day()
        note = self.note.text()
        if kind != "working":
            return [ExceptionDraft(day, kind, office_id, resource_id, note=note)]
        try:
            intervals = parse_day_hours(day.weekday(), self.hours.text())
        except HoursInvalid as error:
            self.show_refusal(error)
            return None
        if not intervals:
            self.show_refusal(
                ValidationFailed("hours", "missing", "a special working day needs its hours")
            )
            return None
        return [
            ExceptionDraft(day, kind, office_id, resource_id, i.starts, i.ends, note)
            for i in intervals
        ]

    def request_add(self) -> None:
        if not self._editable:
            return
        drafts = self.drafts()
        if drafts is not None:
            self.status.setText(self.tr("Saving…"))
            self.add_requested.emit(drafts)

    def added(self) -> None:
        self.status.setText(self.tr("Added to the calendar."))
        self.hours.clear()
        self.note.clear()

    def show_refusal(self, error: BaseException) -> None:
        self.status.clear()
        text = setup_error_text(error)
        field = error.field if isinstance(error, ValidationFailed) else None
        targets = {
            "day": (self.day_error, self.day),
            "hours": (self.hours_error, self.hours),
            "note": (self.note_error, self.note),
        }
        if field in targets:
            label, widget = targets[field]
            show_field_error(label, text)
            widget.setFocus()
        else:
            self.status.setText(text)

    def remove_selected(self) -> None:
        row = self.table.selected_row()
        if row is not None and self._editable:
            self.remove_requested.emit(row.exception_id)

    def _clear_errors(self) -> None:
        for label in (self.day_error, self.hours_error, self.note_error):
            show_field_error(label, None)

    def _kind_changed(self) -> None:
        working = self.kind.currentData() == "working"
        self.hours.setEnabled(working)
        if not working:
            show_field_error(self.hours_error, None)

    def _update_buttons(self) -> None:
        has_office = self._office_id is not None
        self.add_button.setEnabled(self._editable and has_office)
        self.remove_button.setEnabled(self._editable and self.table.selected_row() is not None)
