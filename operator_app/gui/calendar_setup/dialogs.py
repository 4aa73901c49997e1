"""Adding and editing an office or a resource. The save runs off the UI thread; a refused
value is explained under its field and everything typed stays. Deactivating something
with visits ahead asks for a second press after saying how many there are."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.setup import (
    BUFFER_RANGE,
    CAPACITY_RANGE,
    RESOURCE_KINDS,
    SLOT_RANGE,
    CalendarSetupService,
    OfficeDraft,
    OfficeInfo,
    OfficeSaved,
    ResourceDraft,
    ResourceInfo,
    ResourceSaved,
    SellerChoice,
)
from operator_app.core.errors import ValidationFailed
from operator_app.core.roles import Actor
from operator_app.gui.calendar_setup.texts import resource_kind_label, setup_error_text
from operator_app.gui.handoffs.background import run_in_background
from operator_app.gui.models.formatting import number
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.field_error import field_error_label, show_field_error
from operator_app.gui.widgets.forms import add_labelled_row, set_form_labels
from operator_app.gui.widgets.inline_error import InlineError

__all__ = ["OfficeDialog", "ResourceDialog"]

DEFAULT_ZONE = "Europe/Moscow"


class _SetupDialog(QDialog):
    """The shared frame: a form whose rows each have an error line, a warning, the buttons,
    and the background save."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.field_errors: dict[str, tuple[QWidget, QLabel]] = {}
        self.error = InlineError()
        self.warning = QLabel()
        self.warning.setObjectName("deactivationWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("#deactivationWarning { color: #8a5300; }")
        self.warning.setVisible(False)
        self._buttons = QDialogButtonBox()
        self.ok_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self._buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._task: BackgroundTask | None = None
        self._confirmed_deactivation = False

    def finish_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(480)

    def add_field(self, name: str, field: QWidget) -> None:
        add_labelled_row(self.form, field)
        label = field_error_label()
        label.setObjectName(f"{name}Error")
        self.form.addRow("", label)
        self.field_errors[name] = (field, label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))

    def is_busy(self) -> bool:
        return self._task is not None

    def field_error(self, name: str) -> str:
        label = self.field_errors[name][1]
        return label.text() if label.isVisible() else ""

    def clear_errors(self) -> None:
        self.error.clear_error()
        for _field, label in self.field_errors.values():
            show_field_error(label, None)

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        if self._task is not None:
            return
        self.clear_errors()
        self.ok_button.setEnabled(False)

        def succeeded(result: Any) -> None:
            self._task = None
            self.ok_button.setEnabled(True)
            on_success(result)

        self._task = run_in_background(self, work, succeeded, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.ok_button.setEnabled(True)
        text = setup_error_text(error)
        target = self.field_errors.get(error.field) if isinstance(error, ValidationFailed) else None
        if target is None:
            self.error.show_error(text)
            return
        field, label = target
        show_field_error(label, text)
        field.setFocus()
        if isinstance(field, QLineEdit):
            field.selectAll()

    def confirm_deactivation(
        self,
        was_active: bool,
        now_active: bool,
        count: Callable[[], int],
        save: Callable[[], None],
        warning: Callable[[int], str],
    ) -> None:
        """Save at once, unless this deactivates something with visits ahead: then say how
        many (`warning`) and wait for a second press."""
        if not was_active or now_active or self._confirmed_deactivation:
            save()
            return

        def counted(result: Any) -> None:
            visits = int(result)
            if visits == 0:
                save()
                return
            self._confirmed_deactivation = True
            self.warning.setText(warning(visits))
            self.warning.setVisible(True)
            self.ok_button.setText(self.tr("Deactivate anyway"))

        self.run(count, counted)


class OfficeDialog(_SetupDialog):
    """Add an office or edit one: name, address, directions, phone, time zone, active."""

    def __init__(
        self,
        service: CalendarSetupService,
        actor: Actor,
        existing: OfficeInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("officeDialog")
        self._service = service
        self._actor = actor
        self._existing = existing
        self.saved: OfficeInfo | None = None
        self.future_visits = 0

        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.address = QLineEdit()
        self.address.setMaxLength(500)
        self.directions = QPlainTextEdit()
        self.directions.setTabChangesFocus(True)
        self.directions.setFixedHeight(72)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.time_zone.addItems(sorted(zoneinfo.available_timezones()))
        completer = self.time_zone.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.active = QCheckBox()
        self.active.setChecked(True)
        for name, field in (
            ("name", self.name),
            ("address", self.address),
            ("directions", self.directions),
            ("phone", self.phone),
            ("time_zone", self.time_zone),
            ("active", self.active),
        ):
            self.add_field(name, field)
        self.time_zone.setCurrentText(DEFAULT_ZONE)
        if existing is not None:
            self.name.setText(existing.name)
            self.address.setText(existing.address)
            self.directions.setPlainText(existing.directions or "")
            self.phone.setText(existing.phone or "")
            self.time_zone.setCurrentText(existing.time_zone)
            self.active.setChecked(existing.active)
        self.finish_layout()
        self.retranslate()
        self.name.setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        editing = self._existing is not None
        self.setWindowTitle(self.tr("Edit office") if editing else self.tr("Add office"))
        set_form_labels(
            self.form,
            {
                self.name: self.tr("&Name:"),
                self.address: self.tr("&Address:"),
                self.directions: self.tr("How to &get there:"),
                self.phone: self.tr("&Phone:"),
                self.time_zone: self.tr("&Time zone:"),
                self.active: self.tr("Taking visits:"),
            },
        )
        self.name.setPlaceholderText(self.tr("e.g. Office on Tverskaya"))
        self.address.setPlaceholderText(self.tr("Street, building, floor"))
        self.directions.setPlaceholderText(
            self.tr("Sent to clients with the confirmation: exit of the metro, entrance, floor")
        )
        self.phone.setPlaceholderText(self.tr("e.g. +7 495 123-45-67"))
        self.active.setText(self.tr("Active"))
        self.ok_button.setText(self.tr("Save") if editing else self.tr("Add office"))

    def draft(self) -> OfficeDraft:
        return OfficeDraft(
            name=self.name.text(),
            address=self.address.text(),
            directions=self.directions.toPlainText(),
            phone=self.phone.text(),
            time_zone=self.time_zone.currentText(),
            active=self.active.isChecked(),
        )

    def deactivation_text(self, visits: int) -> str:
        return self.tr(
            "This office has {count} booked visits ahead. They stay booked: move or cancel "
            "them in the calendar. Press “Deactivate anyway” to stop new bookings."
        ).format(count=number(visits))

    def accept(self) -> None:
        draft, service, actor, existing = self.draft(), self._service, self._actor, self._existing
        if existing is None:
            self.run(lambda: service.create_office(actor, draft), self._created)
            return
        office_id = existing.office_id
        self.confirm_deactivation(
            existing.active,
            draft.active,
            lambda: service.future_visits(actor, office_id=office_id),
            lambda: self.run(lambda: service.update_office(actor, office_id, draft), self._updated),
            self.deactivation_text,
        )

    def _created(self, result: Any) -> None:
        assert isinstance(result, OfficeInfo)
        self.saved = result
        super().accept()

    def _updated(self, result: Any) -> None:
        assert isinstance(result, OfficeSaved)
        self.saved = result.office
        self.future_visits = result.future_visits
        super().accept()


class ResourceDialog(_SetupDialog):
    """Add a resource to an office or edit one: name, kind, linked seller, seats, visit
    length, buffer, active."""

    def __init__(
        self,
        service: CalendarSetupService,
        actor: Actor,
        office_id: int,
        sellers: list[SellerChoice],
        existing: ResourceInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resourceDialog")
        self._service = service
        self._actor = actor
        self._office_id = office_id
        self._existing = existing
        self.saved: ResourceInfo | None = None
        self.future_visits = 0
        self.slots_updated = 0

        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.kind = QComboBox()
        for kind in RESOURCE_KINDS:
            self.kind.addItem(resource_kind_label(kind), kind)
        self.user = QComboBox()
        self.user.addItem("", None)
        for seller in sellers:
            self.user.addItem(seller.display_name, seller.user_id)
        self.capacity = _spin(CAPACITY_RANGE)
        self.slot_minutes = _spin(SLOT_RANGE)
        self.slot_minutes.setSingleStep(5)
        self.slot_minutes.setValue(60)
        self.buffer_minutes = _spin(BUFFER_RANGE)
        self.buffer_minutes.setSingleStep(5)
        self.active = QCheckBox()
        self.active.setChecked(True)
        for name, field in (
            ("name", self.name),
            ("kind", self.kind),
            ("user_id", self.user),
            ("capacity", self.capacity),
            ("slot_minutes", self.slot_minutes),
            ("buffer_minutes", self.buffer_minutes),
            ("active", self.active),
        ):
            self.add_field(name, field)
        if existing is not None:
            self.name.setText(existing.name)
            self.kind.setCurrentIndex(max(0, self.kind.findData(existing.kind)))
            if existing.user_id is not None and self.user.findData(existing.user_id) < 0:
                self.user.addItem(existing.user_name or str(existing.user_id), existing.user_id)
            self.user.setCurrentIndex(max(0, self.user.findData(existing.user_id)))
            self.capacity.setValue(existing.capacity)
            self.slot_minutes.setValue(existing.slot_minutes)
            self.buffer_minutes.setValue(existing.buffer_minutes)
            self.active.setChecked(existing.active)
        self.finish_layout()
        self.retranslate()
        self.name.setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        editing = self._existing is not None
        self.setWindowTitle(self.tr("Edit resource") if editing else self.tr("Add resource"))
        set_form_labels(
            self.form,
            {
                self.name: self.tr("&Name:"),
                self.kind: self.tr("&Kind:"),
                self.user: self.tr("&Linked seller:"),
                self.capacity: self.tr("&Seats per visit:"),
                self.slot_minutes: self.tr("&Visit length:"),
                self.buffer_minutes: self.tr("&Buffer after a visit:"),
                self.active: self.tr("Taking visits:"),
            },
        )
        for index in range(self.kind.count()):
            self.kind.setItemText(index, resource_kind_label(self.kind.itemData(index)))
        self.user.setItemText(0, self.tr("— nobody —"))
        self.name.setPlaceholderText(self.tr("e.g. Anna Ivanova, Room 2, Group presentation"))
        self.capacity.setToolTip(
            self.tr("How many clients one visit takes, e.g. 10 for a group presentation")
        )
        self.slot_minutes.setSuffix(self.tr(" min"))
        self.buffer_minutes.setSuffix(self.tr(" min"))
        self.active.setText(self.tr("Active"))
        self.ok_button.setText(self.tr("Save") if editing else self.tr("Add resource"))

    def draft(self) -> ResourceDraft:
        user = self.user.currentData()
        return ResourceDraft(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            user_id=int(user) if user is not None else None,
            capacity=self.capacity.value(),
            slot_minutes=self.slot_minutes.value(),
            buffer_minutes=self.buffer_minutes.value(),
            active=self.active.isChecked(),
        )

    def deactivation_text(self, visits: int) -> str:
        return self.tr(
            "This resource has {count} booked visits ahead. They stay booked: move or cancel "
            "them in the calendar. Press “Deactivate anyway” to stop new bookings."
        ).format(count=number(visits))

    def accept(self) -> None:
        draft, service, actor, existing = self.draft(), self._service, self._actor, self._existing
        if existing is None:
            office_id = self._office_id
            self.run(lambda: service.create_resource(actor, office_id, draft), self._created)
            return
        resource_id = existing.resource_id
        self.confirm_deactivation(
            existing.active,
            draft.active,
            lambda: service.future_visits(actor, resource_id=resource_id),
            lambda: self.run(
                lambda: service.update_resource(actor, resource_id, draft), self._updated
            ),
            self.deactivation_text,
        )

    def _created(self, result: Any) -> None:
        assert isinstance(result, ResourceInfo)
        self.saved = result
        super().accept()

    def _updated(self, result: Any) -> None:
        assert isinstance(result, ResourceSaved)
        self.saved = result.resource
        self.future_visits = result.future_visits
        self.slots_updated = result.slots_updated
        super().accept()


def _spin(bounds: tuple[int, int]) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(*bounds)
    spin.setAccelerated(True)
    return spin
