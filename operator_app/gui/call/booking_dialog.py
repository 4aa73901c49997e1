"""Book a visit from the call (or move one): the client's preferred hours, free slots inside
them in the client's and the office's time, how confirmation works, and Book (Enter).

The office/resource filter starts at the office the campaign books its visits into, when it
names one ("All offices" stays a choice): a clinic's chairs are no use to a flat buyer.
Everything that touches the database runs in the background. Editing the preferred hours
saves them (the client says them once) and asks for new suggestions; a slot taken meanwhile
is reported and the next-best one the service found is selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.calendar.booking import (
    BookedVisit,
    BookingRefusal,
    BookingRefused,
    BookingService,
    SlotTaken,
)
from operator_app.core.calendar.calendar_calls import (
    BookableResource,
    bookable_resources,
    campaign_office,
)
from operator_app.core.calendar.preferences import ClientPreferences
from operator_app.core.calendar.slots import SlotOption
from operator_app.core.roles import Actor
from operator_app.gui.call.preferences_editor import PreferencesEditor
from operator_app.gui.call.slot_table import PLACE_COLUMN, SlotTableModel, when_text
from operator_app.gui.call.visit_labels import channel_label
from operator_app.gui.handoffs.background import failure_text, run_in_background
from operator_app.gui.tasks import BackgroundTask
from operator_app.storage.database import Database

__all__ = [
    "BookingChoice",
    "BookingDialog",
    "BookingTarget",
    "refusal_text",
]

translate = QCoreApplication.translate
SUGGESTIONS = 12
RESUGGEST_MILLISECONDS = 400
CHANNELS = ("email", "sms", "messenger", "phone", "manual")
# Room for the hours on the left and every slot column, office and resource names included;
# never more than the screen has.
PREFERRED_SIZE = QSize(1300, 640)
SCREEN_SHARE = 0.95


@dataclass(frozen=True, slots=True)
class BookingTarget:
    """Whom the visit is for; `visit_id` set: move that visit instead of booking a new one."""

    lead_id: int
    contact_id: int
    client_name: str
    client_zone: str
    zone_guessed: bool
    visit_id: int | None = None


@dataclass(frozen=True, slots=True)
class BookingChoice:
    resource_id: int
    starts_at: dt.datetime
    channel: str | None
    note: str | None
    wants_earlier: bool


@dataclass(frozen=True, slots=True)
class _Loaded:
    places: list[BookableResource]
    office_id: int | None  # the campaign's office, when it has bookable resources
    preferences: ClientPreferences | None
    suggestions: list[SlotOption]


Submit = Callable[[BookingChoice], object]
"""Runs in a worker thread; what it returns is what `booked` carries."""


def refusal_text(error: BookingRefused) -> str:
    return {
        BookingRefusal.RESOURCE_INACTIVE: translate(
            "BookingDialog", "This resource is not taking bookings now: choose another."
        ),
        BookingRefusal.OUTSIDE_HOURS: translate(
            "BookingDialog", "The office does not work at that time: choose another slot."
        ),
        BookingRefusal.IN_PAST: translate(
            "BookingDialog", "That time has already passed: choose a later slot."
        ),
        BookingRefusal.OUTSIDE_PREFERENCES: translate(
            "BookingDialog", "That time is outside the hours the client named."
        ),
        BookingRefusal.VISIT_NOT_ACTIVE: translate(
            "BookingDialog", "The visit is no longer booked: it was cancelled, held or moved."
        ),
        BookingRefusal.SAME_SLOT: translate("BookingDialog", "The visit is already at that time."),
    }.get(error.reason, str(error))


class BookingDialog(QDialog):
    booked = Signal(object)  # a BookedVisit, or what a custom submit returned

    def __init__(
        self,
        database: Database,
        actor: Actor,
        booking: BookingService,
        target: BookingTarget,
        submit: Submit | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bookingDialog")
        self.database = database
        self.actor = actor
        self.booking = booking
        self.target = target
        self._submit = submit or self._book
        self.preferences: ClientPreferences | None = None
        self.load_task: BackgroundTask | None = None
        self.suggest_task: BackgroundTask | None = None
        self.book_task: BackgroundTask | None = None
        self.outcome: object = None
        self._generation = 0
        self._places: list[BookableResource] = []

        self.editor = PreferencesEditor()
        self.editor.changed.connect(self._preferences_edited)
        self.preferences_box = QGroupBox()
        QVBoxLayout(self.preferences_box).addWidget(self.editor)

        self.place_filter = QComboBox()
        self.place_filter.currentIndexChanged.connect(lambda _i: self._resuggest(save=False))
        self.model = SlotTableModel()
        self.table = QTableView()
        self.table.setObjectName("slotTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PLACE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.doubleClicked.connect(lambda _index: self.book())
        self._filter_caption = QLabel()
        filter_row = QHBoxLayout()
        filter_row.addWidget(self._filter_caption)
        filter_row.addWidget(self.place_filter, 1)
        self.slots_box = QGroupBox()
        slots_layout = QVBoxLayout(self.slots_box)
        slots_layout.addLayout(filter_row)
        slots_layout.addWidget(self.table, 1)

        self.how_it_works = QLabel()
        self.how_it_works.setWordWrap(True)
        self.how_it_works.setObjectName("howConfirmationWorks")
        self.channel = QComboBox()
        for code in CHANNELS:
            self.channel.addItem("", code)
        self.contact_time = QLineEdit()
        self.wants_earlier = QCheckBox()
        self.confirmation_box = QGroupBox()
        self._channel_caption = QLabel()
        self._time_caption = QLabel()
        form = QFormLayout()
        form.addRow(self._channel_caption, self.channel)
        form.addRow(self._time_caption, self.contact_time)
        confirmation_layout = QVBoxLayout(self.confirmation_box)
        confirmation_layout.addWidget(self.how_it_works)
        confirmation_layout.addLayout(form)
        confirmation_layout.addWidget(self.wants_earlier)
        self.confirmation_box.setVisible(target.visit_id is None)

        self.message = QLabel()
        self.message.setObjectName("bookingMessage")
        self.message.setWordWrap(True)
        self.book_button = QPushButton()
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(self.book)
        self.cancel_button = QPushButton()
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.book_button)
        buttons.addWidget(self.cancel_button)

        left = QVBoxLayout()
        left.addWidget(self.preferences_box)
        left.addWidget(self.confirmation_box)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left)
        columns.addWidget(self.slots_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

        self._resuggest_timer = QTimer(self)
        self._resuggest_timer.setSingleShot(True)
        self._resuggest_timer.setInterval(RESUGGEST_MILLISECONDS)
        self._resuggest_timer.timeout.connect(lambda: self._resuggest(save=True))
        self.resize(self._fitting_size())
        self.retranslate()
        self._load()

    # --- loading and suggestions ------------------------------------------------------------

    def _fitting_size(self) -> QSize:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return PREFERRED_SIZE
        room = screen.availableGeometry().size()
        return QSize(
            min(PREFERRED_SIZE.width(), int(room.width() * SCREEN_SHARE)),
            min(PREFERRED_SIZE.height(), int(room.height() * SCREEN_SHARE)),
        )

    def busy(self) -> bool:
        return any(
            task is not None for task in (self.load_task, self.suggest_task, self.book_task)
        ) or (self._resuggest_timer.isActive())

    def _load(self) -> None:
        booking, target, database = self.booking, self.target, self.database

        def work() -> _Loaded:
            places = bookable_resources(database)
            office_id = campaign_office(database, target.lead_id)
            if office_id not in {place.office_id for place in places}:
                office_id = None
            preferences = booking.preferences(target.contact_id)
            suggestions = booking.suggest(target.lead_id, limit=SUGGESTIONS, office_id=office_id)
            return _Loaded(places, office_id, preferences, suggestions)

        self.message.setText(self.tr("Looking for free slots…"))
        self.book_button.setEnabled(False)
        self.load_task = run_in_background(self, work, self._loaded, self._load_failed)

    def _loaded(self, loaded: _Loaded) -> None:
        self.load_task = None
        self._places = loaded.places
        self.model.set_places({place.resource_id: place for place in loaded.places})
        self._fill_filter(loaded.places, loaded.office_id)
        prefs = self.preferences = loaded.preferences
        zone = (prefs.time_zone if prefs else None) or self.target.client_zone
        guessed = self.target.zone_guessed and (prefs is None or prefs.time_zone is None)
        self.editor.set_preferences(prefs.windows if prefs else (), zone, zone_guessed=guessed)
        if prefs is not None:
            index = self.channel.findData(prefs.channel) if prefs.channel else -1
            if index >= 0:
                self.channel.setCurrentIndex(index)
            self.contact_time.setText(prefs.contact_time or "")
            self.wants_earlier.setChecked(prefs.wants_earlier)
        self._show_suggestions(loaded.suggestions)
        self.table.setFocus()

    def _load_failed(self, error: BaseException) -> None:
        self.load_task = None
        self.message.setText(failure_text(error))

    def _fill_filter(self, places: list[BookableResource], chosen_office: int | None) -> None:
        """Offices with their resources under them; `chosen_office` selected when given."""
        self.place_filter.blockSignals(True)
        self.place_filter.clear()
        self.place_filter.addItem(self.tr("All offices"), "")
        offices: dict[int, str] = {}
        for place in places:
            offices.setdefault(place.office_id, place.office_name)
        for office_id, name in offices.items():
            self.place_filter.addItem(name, f"office:{office_id}")
            for place in places:
                if place.office_id == office_id:
                    self.place_filter.addItem(
                        f"    {place.resource_name}", f"resource:{place.resource_id}"
                    )
        if chosen_office is not None:
            self.place_filter.setCurrentIndex(
                max(0, self.place_filter.findData(f"office:{chosen_office}"))
            )
        self.place_filter.blockSignals(False)

    def _scope(self) -> dict[str, Any]:
        data = str(self.place_filter.currentData() or "")
        kind, _, number = data.partition(":")
        if kind == "office":
            return {"office_id": int(number)}
        if kind == "resource":
            return {"resource_ids": [int(number)]}
        return {}

    def _preferences_edited(self) -> None:
        self._resuggest_timer.start()

    def _resuggest(self, *, save: bool) -> None:
        if self.load_task is not None:
            return
        problem = self.editor.problem()
        if save and problem is not None:
            self.message.setText(problem)
            return
        self._generation += 1
        generation = self._generation
        booking, actor, target = self.booking, self.actor, self.target
        scope = self._scope()
        saving = self._preference_values() if save else None

        def work() -> tuple[int, ClientPreferences | None, list[SlotOption]]:
            saved = None
            if saving is not None:
                saved = booking.save_preferences(actor, target.contact_id, **saving)
            return generation, saved, booking.suggest(target.lead_id, limit=SUGGESTIONS, **scope)

        self.message.setText(self.tr("Looking for free slots…"))
        self.suggest_task = run_in_background(self, work, self._suggested, self._suggest_failed)

    def _suggested(self, result: tuple[int, ClientPreferences | None, list[SlotOption]]) -> None:
        generation, saved, options = result
        if generation != self._generation:
            return  # a newer search is on its way
        self.suggest_task = None
        if saved is not None:
            self.preferences = saved
        self._show_suggestions(options)

    def _suggest_failed(self, error: BaseException) -> None:
        self.suggest_task = None
        self.message.setText(failure_text(error))

    def _show_suggestions(self, options: list[SlotOption]) -> None:
        self.model.set_rows(options)
        if options:
            self.table.selectRow(0)
            self.message.setText(
                self.tr("%n free slot(s) inside the client's hours.", "", len(options))
            )
        else:
            self.message.setText(
                self.tr("No free slot inside the client's hours: widen them or ask another office.")
            )
        self.book_button.setEnabled(bool(options))

    # --- booking ----------------------------------------------------------------------------

    def selected_option(self) -> SlotOption | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.option(rows[0].row()) if rows else None

    def _preference_values(self) -> dict[str, Any]:
        prefs = self.preferences
        zone = self.editor.time_zone() if self.editor.zone.isEnabled() else None
        return {
            "windows": self.editor.windows(),
            "time_zone": zone or (prefs.time_zone if prefs else None),
            "channel": self.channel.currentData(),
            "contact_time": self.contact_time.text(),
            "wants_earlier": self.wants_earlier.isChecked(),
        }

    def choice(self, option: SlotOption) -> BookingChoice:
        return BookingChoice(
            resource_id=option.resource_id,
            starts_at=option.starts_at,
            channel=self.channel.currentData(),
            note=self.contact_time.text().strip() or None,
            wants_earlier=self.wants_earlier.isChecked(),
        )

    def _book(self, choice: BookingChoice) -> BookedVisit:
        return self.booking.book(
            self.actor,
            self.target.lead_id,
            choice.resource_id,
            choice.starts_at,
            confirmation_channel=choice.channel,
            confirmation_note=choice.note,
            wants_earlier=choice.wants_earlier,
        )

    def book(self) -> None:
        if self.book_task is not None or self.load_task is not None:
            return
        option = self.selected_option()
        if option is None:
            self.message.setText(self.tr("Choose a slot first."))
            return
        problem = self.editor.problem()
        if problem is not None:
            self.message.setText(problem)
            return
        self._resuggest_timer.stop()
        booking, actor, target, submit = self.booking, self.actor, self.target, self._submit
        values = self._preference_values()
        choice = self.choice(option)

        def work() -> object:
            booking.save_preferences(actor, target.contact_id, **values)
            return submit(choice)

        self.book_button.setEnabled(False)
        self.message.setText(self.tr("Booking…"))
        self.book_task = run_in_background(self, work, self._booked, self._book_failed)

    def _booked(self, outcome: object) -> None:
        self.book_task = None
        self.outcome = outcome
        self.booked.emit(outcome)
        self.accept()

    def _book_failed(self, error: BaseException) -> None:
        self.book_task = None
        self.book_button.setEnabled(True)
        if isinstance(error, SlotTaken):
            self._slot_taken(error)
            return
        if isinstance(error, BookingRefused):
            self.message.setText(refusal_text(error))
            return
        self.message.setText(failure_text(error))

    def _slot_taken(self, error: SlotTaken) -> None:
        taken = self.selected_option()
        rows = [
            option
            for option in self.model.rows()
            if (option.resource_id, option.starts_at) != (error.resource_id, error.starts_at)
        ]
        if taken is not None:
            self.model.set_rows(rows)
        suggestion = error.suggestion
        if suggestion is None:
            self.message.setText(
                self.tr("This slot was just taken, and nothing else is free in the client's hours.")
            )
            self.book_button.setEnabled(bool(rows))
            return
        row = self.model.insert_or_find(suggestion)
        self.table.selectRow(row)
        self.table.setFocus()
        self.message.setText(
            self.tr("This slot was just taken. The nearest free one is selected: {when}.").format(
                when=when_text(suggestion.client_local)
            )
        )

    # --- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        moving = self.target.visit_id is not None
        title = self.tr("Move the visit") if moving else self.tr("Book a visit")
        self.setWindowTitle(
            self.tr("{title} — {client}").format(title=title, client=self.target.client_name)
        )
        self.preferences_box.setTitle(self.tr("When the client can come (their time)"))
        self.slots_box.setTitle(self.tr("Free slots"))
        self._filter_caption.setText(self.tr("Office / resource:"))
        self.confirmation_box.setTitle(self.tr("Confirmation"))
        self.how_it_works.setText(
            self.tr(
                "Read to the client: «We will send you a confirmation with the address right "
                "now. If the visit is a few days away, we will remind you the day before, and "
                "a few hours before it we will call you to confirm. Where and when is it "
                "convenient to reach you?»"
            )
        )
        self._channel_caption.setText(self.tr("Confirm by:"))
        self._time_caption.setText(self.tr("Best time to reach them:"))
        self.contact_time.setPlaceholderText(self.tr("e.g. after 18:00, not at work"))
        self.wants_earlier.setText(self.tr("Wants an earlier time if one frees up"))
        for index in range(self.channel.count()):
            self.channel.setItemText(index, channel_label(str(self.channel.itemData(index))))
        if self.place_filter.count():
            self.place_filter.setItemText(0, self.tr("All offices"))
        self.book_button.setText(self.tr("Move (Enter)") if moving else self.tr("Book (Enter)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        # Enter books from anywhere in the dialog, the slot table included.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.book()
            return
        super().keyPressEvent(event)
