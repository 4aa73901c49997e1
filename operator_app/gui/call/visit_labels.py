"""Labels the booking dialog and the calendar call panel share (a light module: the call screen
shows them without loading the booking machinery)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

__all__ = ["channel_label"]

translate = QCoreApplication.translate


def channel_label(channel: str) -> str:
    return {
        "email": translate("BookingDialog", "E-mail"),
        "sms": translate("BookingDialog", "SMS"),
        "messenger": translate("BookingDialog", "Messenger"),
        "phone": translate("BookingDialog", "Phone call"),
        "manual": translate("BookingDialog", "Other (the operator sends it)"),
    }.get(channel, channel)
