"""Words for calendar-setup codes, and its errors in the user's language."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from operator_app.core.calendar.setup import (
    BUFFER_RANGE,
    CAPACITY_RANGE,
    SLOT_RANGE,
    CapacityBelowBooked,
    HoursInvalid,
)
from operator_app.core.errors import ValidationFailed
from operator_app.gui.handoffs.background import failure_text
from operator_app.gui.models.formatting import number, zoned_datetime

translate = QCoreApplication.translate

__all__ = [
    "exception_kind_label",
    "hhmm",
    "resource_kind_label",
    "setup_error_text",
    "weekday_name",
]


def resource_kind_label(kind: str) -> str:
    labels = {
        "seller": translate("CalendarSetupTexts", "Seller"),
        "room": translate("CalendarSetupTexts", "Room"),
        "doctor": translate("CalendarSetupTexts", "Doctor"),
        "group": translate("CalendarSetupTexts", "Group presentation"),
    }
    return labels.get(kind, kind)


def exception_kind_label(kind: str) -> str:
    labels = {
        "holiday": translate("CalendarSetupTexts", "Holiday"),
        "day_off": translate("CalendarSetupTexts", "Day off"),
        "working": translate("CalendarSetupTexts", "Special working day"),
    }
    return labels.get(kind, kind)


def weekday_name(weekday: int) -> str:
    names = (
        translate("CalendarSetupTexts", "Monday"),
        translate("CalendarSetupTexts", "Tuesday"),
        translate("CalendarSetupTexts", "Wednesday"),
        translate("CalendarSetupTexts", "Thursday"),
        translate("CalendarSetupTexts", "Friday"),
        translate("CalendarSetupTexts", "Saturday"),
        translate("CalendarSetupTexts", "Sunday"),
    )
    return names[weekday] if 0 <= weekday < len(names) else str(weekday)


def hhmm(moment: dt.time | None, *, end: bool = False) -> str:
    if moment is None:
        return ""
    if end and moment == dt.time(0):
        return "24:00"
    return f"{moment:%H:%M}"


def _hours_text(error: HoursInvalid) -> str:
    interval = f"{hhmm(error.starts)}–{hhmm(error.ends, end=True)}"
    if error.problem == "format":
        return translate(
            "CalendarSetupTexts",
            "Type the hours like 09:00–13:00, 14:00–18:00 (leave empty for a day off).",
        )
    if error.problem == "order":
        return translate(
            "CalendarSetupTexts", "{day}: {interval} must end after it starts."
        ).format(day=weekday_name(error.weekday), interval=interval)
    if error.problem == "overlap":
        return translate(
            "CalendarSetupTexts", "{day}: {interval} overlaps another interval of the day."
        ).format(day=weekday_name(error.weekday), interval=interval)
    return str(error)


def _capacity_text(error: CapacityBelowBooked) -> str:
    return translate(
        "CalendarSetupTexts",
        "The visit at {when} already has {booked} seats taken: the capacity cannot be "
        "lower than {booked}. Move or cancel visits first.",
    ).format(
        when=zoned_datetime(error.slot_starts_at, error.time_zone), booked=number(error.booked)
    )


def _range_text(field: str) -> str | None:
    ranges = {
        "capacity": (translate("CalendarSetupTexts", "Seats"), CAPACITY_RANGE),
        "slot_minutes": (translate("CalendarSetupTexts", "The visit length"), SLOT_RANGE),
        "buffer_minutes": (translate("CalendarSetupTexts", "The buffer"), BUFFER_RANGE),
    }
    if field not in ranges:
        return None
    what, (low, high) = ranges[field]
    return translate("CalendarSetupTexts", "{what} must be from {low} to {high}.").format(
        what=what, low=number(low), high=number(high)
    )


def _validation_text(error: ValidationFailed) -> str:
    if isinstance(error, HoursInvalid):
        return _hours_text(error)
    if isinstance(error, CapacityBelowBooked):
        return _capacity_text(error)
    known = {
        ("name", "empty"): translate("CalendarSetupTexts", "Enter a name."),
        ("name", "too_long"): translate("CalendarSetupTexts", "The name is too long."),
        ("name", "exists"): translate(
            "CalendarSetupTexts", "This name is already used: choose another one."
        ),
        ("address", "too_long"): translate("CalendarSetupTexts", "The address is too long."),
        ("phone", "format"): translate(
            "CalendarSetupTexts", "A phone holds digits, spaces, +, - and brackets only."
        ),
        ("phone", "too_long"): translate("CalendarSetupTexts", "The phone is too long."),
        ("time_zone", "unknown"): translate(
            "CalendarSetupTexts", "Choose a time zone from the list, e.g. Europe/Moscow."
        ),
        ("user_id", "not_seller"): translate(
            "CalendarSetupTexts", "Only a user with the seller role can be linked."
        ),
        ("user_id", "unknown"): translate(
            "CalendarSetupTexts", "This user no longer exists: choose another one."
        ),
        ("hours", "missing"): translate(
            "CalendarSetupTexts", "A special working day needs its hours, e.g. 10:00–14:00."
        ),
        ("hours", "order"): translate(
            "CalendarSetupTexts", "The working hours must end after they start."
        ),
        ("hours", "overlap"): translate(
            "CalendarSetupTexts", "These hours overlap hours already set for that day."
        ),
        ("day", "exists"): translate(
            "CalendarSetupTexts",
            "That day already has a holiday, day off or special hours: remove them first.",
        ),
        ("note", "too_long"): translate("CalendarSetupTexts", "The note is too long."),
    }
    text = known.get((error.field, error.problem))
    if text is not None:
        return text
    if error.problem == "range":
        ranged = _range_text(error.field)
        if ranged is not None:
            return ranged
    return str(error)


def setup_error_text(error: BaseException) -> str:
    """A sentence for a failed calendar-setup change or load."""
    if isinstance(error, ValidationFailed):
        return _validation_text(error)
    return failure_text(error)
