"""Translated names of contact roles and consent channels, shared by the call panels."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from operator_app.core.consent import ConsentChannel
from operator_app.core.contacts import ContactRole

__all__ = ["channel_name", "role_name"]


def role_name(role: ContactRole) -> str:
    translate = QCoreApplication.translate
    return {
        ContactRole.DECISION_MAKER: translate("ContactLabels", "Decision maker"),
        ContactRole.INFLUENCER: translate("ContactLabels", "Influencer"),
        ContactRole.SECRETARY: translate("ContactLabels", "Secretary"),
        ContactRole.OTHER: translate("ContactLabels", "Other"),
    }[role]


def channel_name(channel: ConsentChannel) -> str:
    translate = QCoreApplication.translate
    return {
        ConsentChannel.PHONE_CALL: translate("ContactLabels", "Phone call"),
        ConsentChannel.SMS: translate("ContactLabels", "SMS"),
        ConsentChannel.EMAIL: translate("ContactLabels", "E-mail"),
        ConsentChannel.MESSENGER: translate("ContactLabels", "Messenger"),
        ConsentChannel.WRITTEN: translate("ContactLabels", "Written"),
    }[channel]
