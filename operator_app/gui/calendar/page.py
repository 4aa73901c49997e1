"""The visit calendar: an office's resources by day or week, counters of unconfirmed and late
visits, details on double-click and drag to reschedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QEvent, QLocale, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.attendance import CalendarServices, calendar_services
from operator_app.core.calendar.booking import SlotTaken
from operator_app.core.calendar.views import (
    CalendarView,
    CalendarViewService,
    OfficeChoice,
    VisitDetails,
    week_start_of,
)
from operator_app.core.errors import OperatorAppError
from operator_app.core.messaging.outbox import Outbox
from operator_app.gui.calendar.details import VisitDetailsDialog
from operator_app.gui.calendar.geometry import GridGeometry, ViewMode, layout_grid
from operator_app.gui.calendar.grid import CalendarGrid, GridScrollArea, Highlight, text_sizes
from operator_app.gui.calendar.ics_export import IcsSaver
from operator_app.gui.calendar.texts import (
    LATE_OUTLINE,
    UNCONFIRMED_OUTLINE,
    attendance_failure_text,
    ordered_statuses,
    status_color,
    status_label,
)
from operator_app.gui.context import WorkspaceContext
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.tasks import BackgroundTask
from operator_app.gui.widgets.inline_error import InlineError
from operator_app.gui.widgets.page_title import page_title
from operator_app.storage.base import utcnow

__all__ = ["AUTO_REFRESH_MS", "CalendarPage"]

# Colleagues book, confirm and mark visits meanwhile; the sheet reads itself again this often.
AUTO_REFRESH_MS = 30_000
ALL_RESOURCES = -1


@dataclass(frozen=True, slots=True)
class _Loaded:
    offices: list[OfficeChoice]
    view: CalendarView | None
    geometry: GridGeometry | None  # the view laid out in the worker, for the sheet's size then


@dataclass(frozen=True, slots=True)
class _Move:
    visit_id: int
    client_name: str
    old_resource_id: int
    old_starts_at: dt.datetime
    resource_id: int
    starts_at: dt.datetime


class CalendarPage(QWidget):
    visitRescheduled = Signal(int, int)  # old visit id, new visit id

    def __init__(
        self,
        context: WorkspaceContext,
        *,
        services: CalendarServices | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self._context = context
        self._service = CalendarViewService(context.database)
        # Wired together so that a move or a cancellation queues the client's message and
        # a freed seat is offered to clients waiting for an earlier time.
        services = services or calendar_services(context.database, Outbox(context.database))
        self._booking = services.booking
        self._attendance = services.attendance
        self._clock = clock
        self._offices: list[OfficeChoice] = []
        self._office_id: int | None = None
        self._resource_id: int | None = None
        self._anchor: dt.date | None = None  # None: today in the office's zone
        self._mode = ViewMode.WEEK
        self._load_task: BackgroundTask | None = None
        self._action_task: BackgroundTask | None = None
        self._reload_wanted = False
        self._refresh_pending = False
        self.move_dialog: QMessageBox | None = None
        self.details_dialog: VisitDetailsDialog | None = None

        self._title = page_title()
        self.office = QComboBox()
        self.office.setObjectName("calendarOffice")
        self.office.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.office.activated.connect(self._office_chosen)
        self.resource = QComboBox()
        self.resource.setObjectName("calendarResource")
        self.resource.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.resource.activated.connect(self._resource_chosen)
        self.day_button = QToolButton()
        self.week_button = QToolButton()
        modes = QButtonGroup(self)
        for button, mode in ((self.day_button, ViewMode.DAY), (self.week_button, ViewMode.WEEK)):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            modes.addButton(button)
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
        self.week_button.setChecked(True)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.clicked.connect(self.go_previous)
        self.today_button = QPushButton()
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.clicked.connect(self.go_next)
        self.ics = IcsSaver(context.database, context.actor, self)
        self.ics.saved.connect(self._ics_saved)
        self.ics_button = QPushButton()
        self.ics_button.setObjectName("calendarIcsButton")
        self.ics_button.clicked.connect(self.save_shown_days)
        self.range_label = QLabel()
        self.range_label.setObjectName("calendarRange")
        font = self.range_label.font()
        font.setBold(True)
        self.range_label.setFont(font)
        self.unconfirmed_chip = self._chip("unconfirmedChip", UNCONFIRMED_OUTLINE.name())
        self.late_chip = self._chip("lateChip", LATE_OUTLINE.name())

        self.grid = CalendarGrid()
        self.grid.moveRequested.connect(self.ask_to_move)
        self.grid.visitActivated.connect(self.open_visit)
        self.sheet_area = GridScrollArea(self.grid)
        self.error = InlineError()  # what went wrong with an action the person took
        self.ics.failed.connect(self.error.show_error)
        self.load_error = InlineError()
        self.load_error.setObjectName("calendarLoadError")
        self.notice = InlineError()
        self.notice.setObjectName("calendarNotice")
        self.notice.setStyleSheet(
            "#calendarNotice { color: #1d4f91; background: #e8f0fe; border: 1px solid #c3d5f7;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self.empty_label = QLabel()
        self.empty_label.setObjectName("calendarEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)

        top = QHBoxLayout()
        top.addWidget(self._title)
        top.addSpacing(12)
        top.addWidget(self.office)
        top.addWidget(self.resource)
        top.addStretch(1)
        top.addWidget(self.unconfirmed_chip)
        top.addWidget(self.late_chip)
        navigation = QHBoxLayout()
        navigation.addWidget(self.day_button)
        navigation.addWidget(self.week_button)
        navigation.addSpacing(12)
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.today_button)
        navigation.addWidget(self.next_button)
        navigation.addSpacing(12)
        navigation.addWidget(self.range_label)
        navigation.addSpacing(12)
        navigation.addWidget(self.ics_button)
        navigation.addStretch(1)
        self._legend_labels: dict[str, QLabel] = {}
        for status in ordered_statuses():
            swatch = QLabel()
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(f"background: {status_color(status).name()}; border-radius: 2px;")
            text = QLabel()
            self._legend_labels[status] = text
            navigation.addWidget(swatch)
            navigation.addWidget(text)
            navigation.addSpacing(6)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(navigation)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.load_error)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.sheet_area, 1)

        self._shortcuts = [
            self._shortcut(Qt.Key.Key_PageUp, self.go_previous),
            self._shortcut(Qt.Key.Key_PageDown, self.go_next),
            self._shortcut(Qt.Key.Key_T, self.go_today),
            self._shortcut(Qt.Key.Key_D, lambda: self.set_mode(ViewMode.DAY)),
            self._shortcut(Qt.Key.Key_W, lambda: self.set_mode(ViewMode.WEEK)),
        ]
        self.retranslate()
        self.auto_refresh = QTimer(self)
        self.auto_refresh.setInterval(AUTO_REFRESH_MS)
        self.auto_refresh.timeout.connect(self._refresh_quietly)
        self.auto_refresh.start()
        self.refresh()

    def _chip(self, name: str, color: str) -> QPushButton:
        chip = QPushButton()
        chip.setObjectName(name)
        chip.setCheckable(True)
        chip.setStyleSheet(
            f"#{name} {{ border: 2px solid {color}; border-radius: 10px; padding: 2px 10px; }}"
            f" #{name}:checked {{ background: {color}; color: white; }}"
        )
        chip.toggled.connect(lambda _checked: self._highlight_changed())
        return chip

    def _shortcut(self, key: Qt.Key, slot: Callable[[], None]) -> QShortcut:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._title.setText(self.tr("Visit calendar"))
        self.day_button.setText(self.tr("Day"))
        self.day_button.setToolTip(self.tr("One day, a column per resource (D)"))
        self.week_button.setText(self.tr("Week"))
        self.week_button.setToolTip(self.tr("Seven days, a row per resource (W)"))
        self.previous_button.setToolTip(self.tr("Earlier (Page Up)"))
        self.next_button.setToolTip(self.tr("Later (Page Down)"))
        self.ics_button.setText(self.tr("Export .ics…"))
        self.ics_button.setToolTip(
            self.tr("Save the visits of the days shown (every office) as an iCalendar file")
        )
        self.today_button.setText(self.tr("Today"))
        self.today_button.setToolTip(self.tr("Back to today (T)"))
        self.unconfirmed_chip.setToolTip(
            self.tr("Booked visits starting within 24 hours that nobody has confirmed yet")
        )
        self.late_chip.setToolTip(
            self.tr("Visits that have started but are not marked as arrived or no-show")
        )
        for status, label in self._legend_labels.items():
            label.setText(status_label(status))
        self.empty_label.setText(
            self.tr("No offices with bookable resources yet. An administrator adds them.")
        )
        self._fill_resource_combo()
        self._show_view_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_view_texts(self) -> None:
        view = self.grid.view
        unconfirmed = view.unconfirmed if view else 0
        late = view.late if view else 0
        self.unconfirmed_chip.setText(self.tr("Unconfirmed: {count}").format(count=unconfirmed))
        self.late_chip.setText(self.tr("Late: {count}").format(count=late))
        self.range_label.setText(self._range_text(view))

    def _range_text(self, view: CalendarView | None) -> str:
        if view is None:
            return ""
        locale = QLocale()

        def date_text(day: dt.date, pattern: str) -> str:
            return locale.toString(QDate(day.year, day.month, day.day), pattern)

        if len(view.days) == 1:
            return date_text(view.days[0], "dddd, d MMMM yyyy")
        return self.tr("{first} – {last}").format(
            first=date_text(view.days[0], "d MMM"), last=date_text(view.days[-1], "d MMM yyyy")
        )

    # --- state and navigation -----------------------------------------------------------------

    @property
    def mode(self) -> ViewMode:
        return self._mode

    @property
    def view(self) -> CalendarView | None:
        return self.grid.view

    def office_id(self) -> int | None:
        return self._office_id

    def set_mode(self, mode: ViewMode) -> None:
        """Day shows a day of the week that was shown (today, else its Monday); week shows the
        week of the day that was shown."""
        if mode is self._mode:
            return
        if mode is ViewMode.DAY:
            self._anchor = self._day_of_shown_week()
        self._mode = mode
        (self.day_button if mode is ViewMode.DAY else self.week_button).setChecked(True)
        self.refresh()

    def choose_office(self, office_id: int) -> None:
        self._office_id, self._resource_id = office_id, None
        self.refresh()

    def choose_resource(self, resource_id: int | None) -> None:
        self._resource_id = resource_id
        self.refresh()

    def show_day(self, day: dt.date) -> None:
        self._anchor = day
        self.refresh()

    def go_previous(self) -> None:
        self._shift(-1)

    def go_next(self) -> None:
        self._shift(1)

    def go_today(self) -> None:
        self._anchor = None
        self.refresh()

    def _shift(self, direction: int) -> None:
        step = 1 if self._mode is ViewMode.DAY else 7
        self._anchor = self._current_day() + dt.timedelta(days=direction * step)
        self.refresh()

    def _day_of_shown_week(self) -> dt.date | None:
        """None (today) when today is in the week shown, else that week's Monday."""
        monday = week_start_of(self._current_day())
        today = _today(self._offices, self._office_id, self._clock())
        return None if monday <= today < monday + dt.timedelta(days=7) else monday

    def _current_day(self) -> dt.date:
        if self._anchor is not None:
            return self._anchor
        return _today(self._offices, self._office_id, self._clock())

    def _office_chosen(self, index: int) -> None:
        office_id = self.office.itemData(index)
        if isinstance(office_id, int) and office_id != self._office_id:
            self.choose_office(office_id)

    def _resource_chosen(self, index: int) -> None:
        resource_id = self.resource.itemData(index)
        chosen = None if resource_id in (None, ALL_RESOURCES) else int(resource_id)
        if chosen != self._resource_id:
            self.choose_resource(chosen)

    def _highlight_changed(self) -> None:
        flags = set()
        if self.unconfirmed_chip.isChecked():
            flags.add(Highlight.UNCONFIRMED)
        if self.late_chip.isChecked():
            flags.add(Highlight.LATE)
        self.grid.set_highlight(frozenset(flags))

    # --- loading ------------------------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._load_task is not None

    def is_busy(self) -> bool:
        return (
            self._load_task is not None
            or self._action_task is not None
            or self._refresh_pending
            or self.ics.is_busy()
        )

    def _refresh_soon(self) -> None:
        """Read the sheet again once the current task's signals are over, not inside them."""
        self._refresh_pending = True
        QTimer.singleShot(0, self, self.refresh)

    def refresh(self) -> None:
        self._refresh_pending = False
        if self._load_task is not None:
            self._reload_wanted = True
            return
        service, clock, mode = self._service, self._clock, self._mode
        office_id, resource_id, anchor = self._office_id, self._resource_id, self._anchor
        user_id = self._context.actor.user_id
        # Laid out in the worker too, so the UI thread only paints the week.
        available = QSizeF(self.sheet_area.viewport().size())
        font = QFont(self.grid.font())  # the worker measures the texts with its own copy

        def work() -> _Loaded:
            now = clock()
            offices = service.offices()
            office = _pick_office(offices, office_id, user_id)
            if office is None:
                return _Loaded(offices, None, None)
            day = anchor or now.astimezone(ZoneInfo(office.time_zone)).date()
            ids = None if resource_id is None else [resource_id]
            if mode is ViewMode.DAY:
                view = service.day(office.office_id, day, resource_ids=ids, now=now)
            else:
                view = service.week(office.office_id, week_start_of(day), resource_ids=ids, now=now)
            sizes = text_sizes(font, (r.name for r in view.resources))
            return _Loaded(offices, view, layout_grid(view, mode, available, sizes))

        self._load_task = run_in_background(self, work, self._loaded, self._load_failed)

    def _refresh_quietly(self) -> None:
        if (
            self.isVisible()
            and not self.is_busy()
            and self.move_dialog is None
            and not self.grid.is_dragging()
        ):
            self.refresh()

    def _loaded(self, result: Any) -> None:
        self._load_task = None
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()
            return
        assert isinstance(result, _Loaded)
        self.load_error.clear_error()
        self._offices = result.offices
        view = result.view
        self._office_id = view.office_id if view else None
        if view is not None and self._resource_id not in {r.resource_id for r in view.resources}:
            self._resource_id = None
        self._fill_office_combo()
        self._fill_resource_combo()
        self.empty_label.setVisible(view is None)
        self.sheet_area.setVisible(view is not None)
        self.grid.set_view(
            view, self._mode, self.sheet_area.viewport().size(), geometry=result.geometry
        )
        self._show_view_texts()

    def _load_failed(self, error: BaseException) -> None:
        self._load_task = None
        self._reload_wanted = False
        self.load_error.show_error(
            self.tr("The calendar could not be loaded. {reason}").format(reason=failure_text(error))
        )

    def _fill_office_combo(self) -> None:
        self.office.blockSignals(True)
        self.office.clear()
        for office in self._offices:
            self.office.addItem(office.name, office.office_id)
        if self._office_id is not None:
            self.office.setCurrentIndex(self.office.findData(self._office_id))
        self.office.blockSignals(False)

    def _fill_resource_combo(self) -> None:
        self.resource.blockSignals(True)
        self.resource.clear()
        self.resource.addItem(self.tr("All resources"), ALL_RESOURCES)
        office = next((o for o in self._offices if o.office_id == self._office_id), None)
        for resource in office.resources if office else ():
            self.resource.addItem(resource.name, resource.resource_id)
        wanted = ALL_RESOURCES if self._resource_id is None else self._resource_id
        self.resource.setCurrentIndex(max(0, self.resource.findData(wanted)))
        self.resource.blockSignals(False)

    # --- details ------------------------------------------------------------------------------

    def open_visit(self, visit_id: int) -> None:
        service, clock = self._service, self._clock
        run_in_background(
            self,
            lambda: service.visit(visit_id, now=clock()),
            self._show_details,
            lambda error: self.error.show_error(failure_text(error)),
        )

    def _show_details(self, details: Any) -> None:
        assert isinstance(details, VisitDetails)
        if self.details_dialog is not None:
            self.details_dialog.close()
        dialog = VisitDetailsDialog(details, can_cancel=True, parent=self)
        dialog.cancelRequested.connect(self._cancel_visit)
        dialog.arrivedRequested.connect(self._mark_arrived)
        dialog.noShowRequested.connect(self._mark_no_show)
        dialog.resultRequested.connect(self._record_result)
        dialog.icsRequested.connect(self.ics.save_visit)
        dialog.finished.connect(lambda _result: self._forget_details(dialog))
        self.details_dialog = dialog
        dialog.open()

    def save_shown_days(self) -> None:
        view = self.grid.view
        if view is None or not view.days:
            return
        self.ics.save_days(view.days[0], view.days[-1])

    def _ics_saved(self, path: str, visits: int) -> None:
        self.error.clear_error()
        self.notice.show_error(
            self.tr("%n visit(s) saved to {path}.", "", visits).format(path=path)
        )

    def _forget_details(self, dialog: VisitDetailsDialog) -> None:
        if self.details_dialog is dialog:
            self.details_dialog = None
        dialog.deleteLater()

    def _cancel_visit(self, visit_id: int, by: str, reason: str) -> None:
        booking, actor, clock = self._booking, self._context.actor, self._clock
        self._visit_action(
            lambda: booking.cancel(actor, visit_id, by=by, reason=reason, now=clock()),
            self.tr("The visit was cancelled."),
        )

    def _mark_arrived(self, visit_id: int) -> None:
        attendance, actor, clock = self._attendance, self._context.actor, self._clock
        self._visit_action(
            lambda: attendance.mark_arrived(actor, visit_id, now=clock()),
            self.tr("Marked: the client arrived."),
        )

    def _mark_no_show(self, visit_id: int) -> None:
        attendance, actor, clock = self._attendance, self._context.actor, self._clock
        self._visit_action(
            lambda: attendance.mark_no_show(actor, visit_id, now=clock()),
            self.tr("Marked as a no-show: a feedback call is planned."),
        )

    def _record_result(self, visit_id: int, sale: bool, amount: object, comment: str) -> None:
        attendance, actor, clock = self._attendance, self._context.actor, self._clock
        value = amount if isinstance(amount, Decimal) else None
        self._visit_action(
            lambda: attendance.record_result(actor, visit_id, sale, value, comment, now=clock()),
            self.tr("The visit's result was saved."),
        )

    def _visit_action(self, work: Callable[[], object], done_text: str) -> None:
        """Run an action of the details dialog; on success close it and reload the sheet."""
        dialog = self.details_dialog
        if self._action_task is not None:
            return

        def succeeded(_result: Any) -> None:
            self._action_task = None
            if dialog is not None:
                dialog.accept()
            self.notice.show_error(done_text)
            self._refresh_soon()

        def failed(error: BaseException) -> None:
            self._action_task = None
            text = self._failure_text(error)
            if dialog is not None and dialog.isVisible():
                dialog.show_failure(text)
            else:
                self.error.show_error(text)
            self._refresh_soon()

        self.notice.clear_error()
        self._action_task = run_in_background(self, work, succeeded, failed)

    def _failure_text(self, error: BaseException) -> str:
        if isinstance(error, OperatorAppError):
            zone = ZoneInfo(self.grid.view.office_time_zone) if self.grid.view else dt.UTC
            known = attendance_failure_text(error, zone)
            if known is not None:
                return known
        return failure_text(error)

    # --- drag to reschedule -------------------------------------------------------------------

    def ask_to_move(self, visit_id: int, resource_id: int, starts_at: dt.datetime) -> None:
        view = self.grid.view
        block = next((b for b in view.blocks if b.visit_id == visit_id), None) if view else None
        if view is None or block is None or self._action_task is not None:
            return
        move = _Move(
            visit_id, block.client_name, block.resource_id, block.starts_at, resource_id, starts_at
        )
        box = QMessageBox(self)
        box.setObjectName("moveVisitDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Move the visit"))
        box.setText(
            self.tr(
                "Move the visit of {client} from {old} to {new}? The client will get a message."
            ).format(
                client=block.client_name,
                old=self._when(block.resource_id, block.starts_at),
                new=self._when(resource_id, starts_at),
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Move"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Keep"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._move_answered(box, move, result))
        self.move_dialog = box
        box.open()

    def _when(self, resource_id: int, starts_at: dt.datetime) -> str:
        zone = ZoneInfo(self.grid.view.office_time_zone) if self.grid.view else dt.UTC
        local = starts_at.astimezone(zone)
        name = _resource_name(self._offices, resource_id)
        locale = QLocale()
        date = locale.toString(QDate(local.year, local.month, local.day), "ddd d MMM")
        return self.tr("{date} {time} ({resource})").format(
            date=date, time=local.strftime("%H:%M"), resource=name
        )

    def _move_answered(self, box: QMessageBox, move: _Move, result: int) -> None:
        if self.move_dialog is box:
            self.move_dialog = None
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            self.reschedule_visit(move)

    def reschedule_visit(self, move: _Move) -> None:
        booking, actor, clock = self._booking, self._context.actor, self._clock
        self.notice.clear_error()
        self.error.clear_error()

        def moved(booked: Any) -> None:
            self._action_task = None
            self.notice.show_error(
                self.tr("The visit of {client} was moved to {when}.").format(
                    client=move.client_name, when=self._when(move.resource_id, move.starts_at)
                )
            )
            self.visitRescheduled.emit(move.visit_id, booked.visit_id)
            self._refresh_soon()

        self._action_task = run_in_background(
            self,
            lambda: booking.reschedule(
                actor, move.visit_id, move.resource_id, move.starts_at, now=clock()
            ),
            moved,
            self._move_failed,
        )

    def _move_failed(self, error: BaseException) -> None:
        self._action_task = None
        if isinstance(error, SlotTaken):
            text = self.tr("This slot was just taken.")
            if error.suggestion is not None:
                text = self.tr("{text} The nearest free one: {when}.").format(
                    text=text,
                    when=self._when(error.suggestion.resource_id, error.suggestion.starts_at),
                )
            self.error.show_error(text)
        else:
            self.error.show_error(self._failure_text(error))
        # The sheet may be stale (someone took the slot): read it again once this task's
        # signals are over, not from inside them.
        self._refresh_soon()


def _pick_office(
    offices: Sequence[OfficeChoice], office_id: int | None, user_id: int
) -> OfficeChoice | None:
    """The chosen office; at first the one where the signed-in person is a resource."""
    if office_id is not None:
        chosen = next((o for o in offices if o.office_id == office_id), None)
        if chosen is not None:
            return chosen
    own = next((o for o in offices if any(r.user_id == user_id for r in o.resources)), None)
    return (
        own or next((o for o in offices if o.resources), None) or (offices[0] if offices else None)
    )


def _today(offices: Sequence[OfficeChoice], office_id: int | None, now: dt.datetime) -> dt.date:
    office = next((o for o in offices if o.office_id == office_id), None)
    zone = ZoneInfo(office.time_zone) if office else dt.UTC
    return now.astimezone(zone).date()


def _resource_name(offices: Sequence[OfficeChoice], resource_id: int) -> str:
    for office in offices:
        for resource in office.resources:
            if resource.resource_id == resource_id:
                return resource.name
    return f"#{resource_id}"
