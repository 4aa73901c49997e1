"""The template list: every message × language × channel and where its text comes from."""

from __future__ import annotations

from PySide6.QtCore import QObject

from operator_app.core.messaging import TEMPLATE_CODES, TemplateView
from operator_app.gui.messaging.texts import channel_label, language_label, template_label
from operator_app.gui.models.table import Column, RowTableModel

_CHANNEL_ORDER = ("email", "sms", "messenger", "manual")


class TemplateTableModel(RowTableModel[TemplateView]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Message"),
                    text=lambda row: template_label(row.code),
                    sort_key=lambda row: (
                        TEMPLATE_CODES.index(row.code)
                        if row.code in TEMPLATE_CODES
                        else len(TEMPLATE_CODES)
                    ),
                ),
                Column(
                    title=lambda: self.tr("Language"),
                    text=lambda row: language_label(row.language),
                ),
                Column(
                    title=lambda: self.tr("Channel"),
                    text=lambda row: channel_label(row.channel),
                    sort_key=lambda row: (
                        _CHANNEL_ORDER.index(row.channel)
                        if row.channel in _CHANNEL_ORDER
                        else len(_CHANNEL_ORDER)
                    ),
                ),
                Column(
                    title=lambda: self.tr("Text"), text=self.source_text, tooltip=self.source_text
                ),
            ],
            parent=parent,
        )

    def source_text(self, row: TemplateView) -> str:
        if row.edited:
            return self.tr("Edited")
        if row.borrowed_from is not None:
            return self.tr("Shipped, {channel} text").format(
                channel=channel_label(row.borrowed_from)
            )
        return self.tr("Shipped")
