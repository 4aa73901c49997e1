"""The administrator's calendar setup: offices on the left; the selected office's resources;
the selected resource's weekly hours and the holidays, days off and special days of the
office and the resource. Everything is read and saved off the UI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.setup import (
    CalendarSetupService,
    ExceptionDraft,
    ExceptionInfo,
    HoursInterval,
    OfficeInfo,
    ResourceInfo,
    SellerChoice,
)
from operator_app.core.roles import Permission
from operator_app.gui.calendar_setup.dialogs import OfficeDialog, ResourceDialog
from operator_app.gui.calendar_setup.exceptions_panel import ExceptionsPanel
from operator_app.gui.calendar_setup.hours_editor import WeeklyHoursEditor
from operator_app.gui.calendar_setup.models import OfficeTableModel, ResourceTableModel
from operator_app.gui.calendar_setup.texts import setup_error_text
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import RunningWork
from operator_app.gui.models.formatting import number
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.gui.widgets.table_export import install_table_export

__all__ = ["CalendarSetupPage"]


@dataclass(frozen=True, slots=True)
class _OfficeData:
    office_id: int
    resources: list[ResourceInfo]
    exceptions: list[ExceptionInfo]


@dataclass(frozen=True, slots=True)
class _ResourceData:
    resource_id: int
    hours: tuple[HoursInterval, ...]
    exceptions: list[ExceptionInfo]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CalendarSetupPage(QWidget):
    def __init__(
        self,
        context: WorkspaceContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarSetupPage")
        self._context = context
        self._clock = clock
        self._service = CalendarSetupService(context.database)
        self._may_edit = context.actor.can(Permission.MANAGE_CAMPAIGNS)
        self._running = RunningWork(self)
        self._sellers: list[SellerChoice] = []
        self.dialog: OfficeDialog | ResourceDialog | None = None  # the one open, for tests
        self._office_id: int | None = None  # the office whose resources are shown
        self._hours_resource: ResourceInfo | None = None  # whose hours the editor shows
        self._after_hours_saved: Callable[[], None] | None = None
        self._restoring = False
        # Replaced by tests: the question asked before leaving unsaved weekly hours.
        self.ask_unsaved: Callable[[], QMessageBox.StandardButton] = self._ask_unsaved

        self._title = page_title()
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setObjectName("calendarSetupNotice")
        self.notice.setWordWrap(True)
        self.error = InlineError()

        self.office_model = OfficeTableModel(self)
        self.offices: DataTable[OfficeInfo] = DataTable(self.office_model, "setupOffices")
        install_table_export(self.offices, lambda: self.tr("Offices"))
        self.offices.selectionModel().selectionChanged.connect(lambda *_: self._office_clicked())
        self.offices.doubleClicked.connect(lambda _index: self.edit_office())
        self.add_office_button = QPushButton()
        self.add_office_button.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_office_button.clicked.connect(self.add_office)
        self.edit_office_button = QPushButton()
        self.edit_office_button.clicked.connect(self.edit_office)

        self.resource_model = ResourceTableModel(self)
        self.resources: DataTable[ResourceInfo] = DataTable(self.resource_model, "setupResources")
        install_table_export(self.resources, lambda: self.tr("Resources"))
        self.resources.selectionModel().selectionChanged.connect(
            lambda *_: self._resource_clicked()
        )
        self.resources.doubleClicked.connect(lambda _index: self.edit_resource())
        self.add_resource_button = QPushButton()
        self.add_resource_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_resource_button.clicked.connect(self.add_resource)
        self.edit_resource_button = QPushButton()
        self.edit_resource_button.clicked.connect(self.edit_resource)

        self.hours = WeeklyHoursEditor()
        self.hours.save_requested.connect(self._save_hours)
        self.exceptions = ExceptionsPanel()
        install_table_export(
            self.exceptions.table,
            lambda: self.tr("Holidays, days off and special working days"),
        )
        self.exceptions.add_requested.connect(self._add_exceptions)
        self.exceptions.remove_requested.connect(self._remove_exception)
        self.exceptions.set_day(self._clock().date())

        self._offices_box = QGroupBox()
        office_layout = QVBoxLayout(self._offices_box)
        office_layout.addWidget(self.offices, 1)
        office_buttons = QHBoxLayout()
        office_buttons.addWidget(self.add_office_button)
        office_buttons.addWidget(self.edit_office_button)
        office_buttons.addStretch(1)
        office_layout.addLayout(office_buttons)

        self._resources_box = QGroupBox()
        resource_layout = QVBoxLayout(self._resources_box)
        resource_layout.addWidget(self.resources, 1)
        resource_buttons = QHBoxLayout()
        resource_buttons.addWidget(self.add_resource_button)
        resource_buttons.addWidget(self.edit_resource_button)
        resource_buttons.addStretch(1)
        resource_layout.addLayout(resource_buttons)

        self._hours_box = QGroupBox()
        QVBoxLayout(self._hours_box).addWidget(self.hours)
        self._exceptions_box = QGroupBox()
        QVBoxLayout(self._exceptions_box).addWidget(self.exceptions)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self._hours_box)
        lower.addWidget(self._exceptions_box)
        lower.setSizes([480, 620])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._resources_box)
        right.addWidget(lower)
        right.setSizes([260, 560])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._offices_box)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 1060])

        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        self.retranslate()
        self._update_buttons()
        self.refresh()

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._title.setText(self.tr("Offices and resources"))
        self._hint.setText(
            self.tr(
                "Where visits happen and when: each office in its own time zone, the sellers, "
                "rooms, doctors and group presentations clients are booked with, their weekly "
                "hours, and the holidays and special days."
            )
        )
        self.add_office_button.setText(self.tr("Add office…"))
        self.add_office_button.setToolTip(self.tr("Add an office (Ctrl+N)"))
        self.edit_office_button.setText(self.tr("Edit office…"))
        self.add_resource_button.setText(self.tr("Add resource…"))
        self.add_resource_button.setToolTip(self.tr("Add a resource (Ctrl+Shift+N)"))
        self.edit_resource_button.setText(self.tr("Edit resource…"))
        self._offices_box.setTitle(self.tr("Offices"))
        self._update_titles()
        self.office_model.retranslate()
        self.resource_model.retranslate()

    def _update_titles(self) -> None:
        office, resource = self.selected_office(), self.selected_resource()
        self._resources_box.setTitle(
            self.tr("Resources of {office}").format(office=office.name)
            if office is not None
            else self.tr("Resources")
        )
        self._hours_box.setTitle(
            self.tr("Weekly hours of {resource}").format(resource=resource.name)
            if resource is not None
            else self.tr("Weekly hours (choose a resource)")
        )
        self._exceptions_box.setTitle(self.tr("Holidays, days off and special working days"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- background work ----------------------------------------------------------------------

    def is_busy(self) -> bool:
        return bool(self._running) or (self.dialog is not None and self.dialog.is_busy())

    def _run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        def succeeded(result: Any) -> None:
            on_success(result)
            self._update_buttons()

        def failed(error: BaseException) -> None:
            (on_failure or self._show_failure)(error)
            self._update_buttons()

        self._running.start(work, succeeded, failed)

    def _show_failure(self, error: BaseException) -> None:
        self.error.show_error(setup_error_text(error))

    # --- loading ------------------------------------------------------------------------------

    def refresh(self, select_office_id: int | None = None) -> None:
        """Read the offices (and the sellers for the resource dialog) again."""
        service, actor = self._service, self._context.actor
        wanted = select_office_id
        if wanted is None:
            current = self.selected_office()
            wanted = current.office_id if current is not None else None

        def load() -> tuple[list[OfficeInfo], list[SellerChoice]]:
            return service.offices(actor), service.sellers(actor)

        def loaded(result: Any) -> None:
            offices, sellers = result
            self._sellers = sellers
            self.error.clear_error()
            self.office_model.set_rows(offices)
            self.offices.fit_columns()
            if not offices:
                self._office_chosen()
                return
            found = wanted is not None and self.offices.select_where(
                lambda office: office.office_id == wanted
            )
            if not found:
                self.offices.selectRow(0)

        self._run(load, loaded)

    def selected_office(self) -> OfficeInfo | None:
        return self.offices.selected_row()

    def selected_resource(self) -> ResourceInfo | None:
        return self.resources.selected_row()

    # --- leaving unsaved weekly hours ---------------------------------------------------------

    def _office_clicked(self) -> None:
        if self._restoring:
            return
        office = self.selected_office()
        target = office.office_id if office is not None else None
        old = self._office_id
        if target != old and not self._may_leave_hours(
            restore=lambda: self._select_office(old),
            move=lambda: self._select_office(target),
        ):
            return
        self._office_chosen()

    def _resource_clicked(self) -> None:
        if self._restoring:
            return
        resource, shown = self.selected_resource(), self._hours_resource
        target = resource.resource_id if resource is not None else None
        if (
            shown is not None
            and target != shown.resource_id
            and not self._may_leave_hours(
                restore=lambda: self._select_resource(shown.resource_id),
                move=lambda: self._select_resource(target),
            )
        ):
            return
        self._resource_chosen()

    def _may_leave_hours(self, restore: Callable[[], None], move: Callable[[], None]) -> bool:
        """Whether the selection may change now; otherwise the old one is selected again and,
        when the person chose Save, the move happens once the hours are saved."""
        if not self.hours.is_dirty() or self._hours_resource is None:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Discard:
            self.hours.discard_edits()
            return True
        self._restoring = True
        try:
            restore()
        finally:
            self._restoring = False
        if answer == QMessageBox.StandardButton.Save:
            self._after_hours_saved = move
            if not self.hours.request_save():
                self._after_hours_saved = None  # a day cannot be read: stay to fix it
        return False

    def _select_office(self, office_id: int | None) -> None:
        if office_id is None:
            self.offices.clearSelection()
        else:
            self.offices.select_where(lambda office: office.office_id == office_id)

    def _select_resource(self, resource_id: int | None) -> None:
        if resource_id is None:
            self.resources.clearSelection()
        else:
            self.resources.select_where(lambda resource: resource.resource_id == resource_id)

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        resource = self._hours_resource
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved weekly hours"),
            self.tr("The weekly hours of “{resource}” have unsaved changes. Save them?").format(
                resource=resource.name if resource is not None else ""
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    # --- the selected office and resource -----------------------------------------------------

    def _office_chosen(self, select_resource_id: int | None = None) -> None:
        office = self.selected_office()
        self._office_id = office.office_id if office is not None else None
        self._update_titles()
        self._update_buttons()
        if office is None:
            self.resource_model.set_rows([])
            self.exceptions.show_exceptions(None, None, [], {})
            return
        service, actor, office_id = self._service, self._context.actor, office.office_id
        since = self._clock().date()
        if select_resource_id is None:
            current = self.selected_resource()
            if current is not None and current.office_id == office_id:
                select_resource_id = current.resource_id

        def load() -> _OfficeData:
            return _OfficeData(
                office_id,
                service.resources(actor, office_id),
                service.exceptions(actor, office_id=office_id, since=since),
            )

        def loaded(result: Any) -> None:
            assert isinstance(result, _OfficeData)
            chosen = self.selected_office()
            if chosen is None or chosen.office_id != result.office_id:
                return  # another office was chosen meanwhile
            self.resource_model.set_rows(result.resources)
            self.resources.fit_columns()
            self.resources.resizeColumnToContents(1)  # the kinds differ from office to office
            found = select_resource_id is not None and self.resources.select_where(
                lambda r: r.resource_id == select_resource_id
            )
            if not found and result.resources:
                self.resources.selectRow(0)
            elif not result.resources:
                self._show_resource_less(result.exceptions)

        self._run(load, loaded)

    def _show_resource_less(self, exceptions: list[ExceptionInfo]) -> None:
        office = self.selected_office()
        self.hours.show_hours((), office.time_zone if office else "")
        self._hours_resource = None
        self.hours.set_editable(False)
        self.exceptions.show_exceptions(
            office.office_id if office else None, None, exceptions, self._resource_names()
        )
        self._update_titles()

    def _resource_names(self) -> dict[int, str]:
        return {r.resource_id: r.name for r in self.resource_model.rows()}

    def _resource_chosen(self) -> None:
        office, resource = self.selected_office(), self.selected_resource()
        self._update_titles()
        self._update_buttons()
        if office is None or resource is None:
            return
        service, actor = self._service, self._context.actor
        office_id, resource_id = office.office_id, resource.resource_id
        since = self._clock().date()

        def load() -> _ResourceData:
            return _ResourceData(
                resource_id,
                service.hours(actor, resource_id),
                service.exceptions(
                    actor, office_id=office_id, resource_id=resource_id, since=since
                ),
            )

        def loaded(result: Any) -> None:
            assert isinstance(result, _ResourceData)
            chosen = self.selected_resource()
            if chosen is None or chosen.resource_id != result.resource_id:
                return
            current = self.selected_office()
            shown = self._hours_resource
            typing_here = shown is not None and shown.resource_id == result.resource_id
            if not (typing_here and self.hours.is_dirty()):  # a reload keeps what is typed
                self.hours.show_hours(result.hours, current.time_zone if current else "")
            self._hours_resource = chosen
            self.hours.set_editable(self._may_edit)
            self.exceptions.show_exceptions(
                office_id, resource_id, result.exceptions, self._resource_names()
            )

        self._run(load, loaded)

    def _reload_calendar(self) -> None:
        """The hours and exceptions of the current selection, after a change."""
        if self.selected_resource() is not None:
            self._resource_chosen()
        else:
            self._office_chosen()

    # --- offices and resources ----------------------------------------------------------------

    def add_office(self) -> None:
        if self._may_edit:
            self._open(OfficeDialog(self._service, self._context.actor, None, self))

    def edit_office(self) -> None:
        office = self.selected_office()
        if office is not None and self._may_edit:
            self._open(OfficeDialog(self._service, self._context.actor, office, self))

    def add_resource(self) -> None:
        office = self.selected_office()
        if office is not None and self._may_edit:
            self._open(
                ResourceDialog(
                    self._service, self._context.actor, office.office_id, self._sellers, None, self
                )
            )

    def edit_resource(self) -> None:
        office, resource = self.selected_office(), self.selected_resource()
        if office is not None and resource is not None and self._may_edit:
            self._open(
                ResourceDialog(
                    self._service,
                    self._context.actor,
                    office.office_id,
                    self._sellers,
                    resource,
                    self,
                )
            )

    def _open(self, dialog: OfficeDialog | ResourceDialog) -> None:
        self.error.clear_error()
        self.dialog = dialog
        dialog.finished.connect(lambda result: self._dialog_finished(dialog, result))
        dialog.open()

    def _dialog_finished(self, dialog: OfficeDialog | ResourceDialog, result: int) -> None:
        self.dialog = None
        dialog.deleteLater()
        if not result or dialog.saved is None:
            return
        if isinstance(dialog, OfficeDialog):
            assert isinstance(dialog.saved, OfficeInfo)
            self._say_saved(dialog.saved.name, dialog.future_visits, dialog.saved.active)
            self.refresh(select_office_id=dialog.saved.office_id)
            return
        assert isinstance(dialog.saved, ResourceInfo)
        self._say_saved(dialog.saved.name, dialog.future_visits, dialog.saved.active)
        if dialog.slots_updated:
            self.notice.setText(
                self.notice.text()
                + " "
                + self.tr("{count} booked time slots ahead took the new number of seats.").format(
                    count=number(dialog.slots_updated)
                )
            )
        self._after_resource_saved(dialog.saved.resource_id)

    def _after_resource_saved(self, resource_id: int) -> None:
        office = self.selected_office()
        self.refresh(select_office_id=office.office_id if office is not None else None)
        self._office_chosen(select_resource_id=resource_id)

    def _say_saved(self, name: str, future_visits: int, active: bool) -> None:
        if not active and future_visits:
            self.notice.setText(
                self.tr(
                    "“{name}” is saved and takes no new bookings; its {count} visits ahead "
                    "stay booked."
                ).format(name=name, count=number(future_visits))
            )
        else:
            self.notice.setText(self.tr("“{name}” is saved.").format(name=name))

    # --- hours and exceptions -----------------------------------------------------------------

    def _save_hours(self, hours: object) -> None:
        resource = self.selected_resource()
        if resource is None or not self._may_edit:
            return
        assert isinstance(hours, tuple)
        service, actor, resource_id = self._service, self._context.actor, resource.resource_id

        def saved(result: Any) -> None:
            self.hours.saved(result)
            self.notice.setText(
                self.tr("The weekly hours of “{name}” are saved.").format(name=resource.name)
            )
            move, self._after_hours_saved = self._after_hours_saved, None
            if move is not None:
                move()

        def refused(error: BaseException) -> None:
            self._after_hours_saved = None  # stay with the hours that need fixing
            self.hours.refused(error)

        self._run(lambda: service.replace_hours(actor, resource_id, hours), saved, refused)

    def _add_exceptions(self, drafts: object) -> None:
        assert isinstance(drafts, list)
        service, actor = self._service, self._context.actor
        chosen: list[ExceptionDraft] = list(drafts)

        def work() -> list[ExceptionInfo]:
            return [service.add_exception(actor, draft) for draft in chosen]

        def added(_result: Any) -> None:
            self.exceptions.added()
            self._reload_calendar()

        def refused(error: BaseException) -> None:
            self.exceptions.show_refusal(error)
            self._reload_calendar()  # a special day's earlier intervals may have been added

        self._run(work, added, refused)

    def _remove_exception(self, exception_id: int) -> None:
        service, actor = self._service, self._context.actor
        self._run(
            lambda: service.remove_exception(actor, exception_id),
            lambda _result: self._reload_calendar(),
        )

    def _update_buttons(self) -> None:
        office, resource = self.selected_office(), self.selected_resource()
        self.add_office_button.setEnabled(self._may_edit)
        self.edit_office_button.setEnabled(self._may_edit and office is not None)
        self.add_resource_button.setEnabled(self._may_edit and office is not None)
        self.edit_resource_button.setEnabled(self._may_edit and resource is not None)
        self.exceptions.set_editable(self._may_edit)
        if resource is None:
            self.hours.set_editable(False)
