"""Words and colours for visit statuses and confirmation channels, and the tooltip of a block."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from operator_app.core.calendar.attendance import TooEarly
from operator_app.core.calendar.booking import BookingRefusal, BookingRefused
from operator_app.core.calendar.reminders import VisitStatusConflict
from operator_app.core.calendar.views import VISIT_STATUSES, VisitBlock
from operator_app.core.errors import OperatorAppError

translate = QCoreApplication.translate

# Fill colours; active visits are saturated, finished and withdrawn ones quieter.
STATUS_COLORS: dict[str, QColor] = {
    "booked": QColor("#3b7dd8"),
    "confirmed": QColor("#2e9e5b"),
    "held": QColor("#6f5bb5"),
    "no_show": QColor("#d2453d"),
    "rescheduled": QColor("#b8a780"),
    "cancelled": QColor("#b4b4b4"),
}
UNKNOWN_STATUS_COLOR = QColor("#808080")
LATE_OUTLINE = QColor("#b3261e")
UNCONFIRMED_OUTLINE = QColor("#f29d0a")


def status_color(status: str) -> QColor:
    return STATUS_COLORS.get(status, UNKNOWN_STATUS_COLOR)


def status_label(status: str) -> str:
    labels = {
        "booked": translate("CalendarTexts", "Booked"),
        "confirmed": translate("CalendarTexts", "Confirmed"),
        "held": translate("CalendarTexts", "Arrived"),
        "no_show": translate("CalendarTexts", "No-show"),
        "rescheduled": translate("CalendarTexts", "Rescheduled"),
        "cancelled": translate("CalendarTexts", "Cancelled"),
    }
    return labels.get(status, status)


def channel_label(channel: str | None) -> str:
    if not channel:
        return translate("CalendarTexts", "not chosen")
    labels = {
        "email": translate("CalendarTexts", "e-mail"),
        "sms": translate("CalendarTexts", "SMS"),
        "messenger": translate("CalendarTexts", "messenger"),
        "phone": translate("CalendarTexts", "phone call"),
        "manual": translate("CalendarTexts", "manual"),
    }
    return labels.get(channel, channel)


def ordered_statuses() -> tuple[str, ...]:
    return VISIT_STATUSES


def short_client_name(full_name: str) -> str:
    """What fits on a small visit block: the surname of a full "Surname Name Patronymic" (the
    usual order in Russian lists), else the name as written (its order is unknown)."""
    words = full_name.split()
    return words[0] if len(words) >= 3 else " ".join(words)


def block_tooltip(block: VisitBlock) -> str:
    start, end = block.local_start(), block.local_end()
    lines = [
        "<b>{}</b>".format(html.escape(block.client_name or "—")),
        html.escape(block.phone or translate("CalendarTexts", "no phone")),
        translate("CalendarTexts", "{start}–{end}, {date}").format(
            start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), date=start.strftime("%d.%m")
        ),
        translate("CalendarTexts", "Status: {status}").format(
            status=html.escape(status_label(block.status))
        ),
        translate("CalendarTexts", "Confirmation: {channel}").format(
            channel=html.escape(channel_label(block.confirmation_channel))
        ),
    ]
    if block.campaign_name:
        lines.append(
            translate("CalendarTexts", "Campaign: {name}").format(
                name=html.escape(block.campaign_name)
            )
        )
    if block.late:
        lines.append(translate("CalendarTexts", "Late: not marked as arrived or no-show"))
    elif block.unconfirmed:
        lines.append(translate("CalendarTexts", "Not confirmed yet, starts within 24 hours"))
    return "<br>".join(lines)


def refusal_text(error: BookingRefused) -> str:
    texts = {
        BookingRefusal.RESOURCE_INACTIVE: translate(
            "CalendarTexts", "This resource is not taking bookings."
        ),
        BookingRefusal.OUTSIDE_HOURS: translate(
            "CalendarTexts", "There is no slot at that time: the resource does not work then."
        ),
        BookingRefusal.IN_PAST: translate("CalendarTexts", "A visit cannot be moved to the past."),
        BookingRefusal.OUTSIDE_PREFERENCES: translate(
            "CalendarTexts", "That time is outside the hours the client said suit them."
        ),
        BookingRefusal.VISIT_NOT_ACTIVE: translate(
            "CalendarTexts", "The visit is no longer booked or confirmed: it cannot be moved."
        ),
        BookingRefusal.SAME_SLOT: translate("CalendarTexts", "The visit is already at that time."),
    }
    return texts.get(error.reason, str(error))


def attendance_failure_text(error: OperatorAppError, zone: dt.tzinfo) -> str | None:
    """Texts for the attendance and booking services' refusals; None for other errors."""
    if isinstance(error, TooEarly):
        return translate("CalendarTexts", "Too early: the visit starts at {time}.").format(
            time=error.starts_at.astimezone(zone).strftime("%H:%M, %d.%m")
        )
    if isinstance(error, VisitStatusConflict):
        return translate(
            "CalendarTexts", "The visit is already {status}: this cannot be done now."
        ).format(status=status_label(error.status).lower())
    if isinstance(error, BookingRefused):
        return refusal_text(error)
    return None
