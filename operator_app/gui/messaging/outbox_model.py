"""The outbox table: one row per message to a client."""

from __future__ import annotations

from PySide6.QtCore import QObject

from operator_app.core.messaging import MessageView
from operator_app.gui.messaging.texts import channel_label, state_label, template_label
from operator_app.gui.models.formatting import local_datetime, number
from operator_app.gui.models.table import Column, RowTableModel


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()) or "—"


class OutboxTableModel(RowTableModel[MessageView]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Created"),
                    text=lambda row: local_datetime(row.created_at),
                    sort_key=lambda row: row.created_at.timestamp(),
                ),
                Column(
                    title=lambda: self.tr("Send after"),
                    text=lambda row: local_datetime(row.send_after),
                    sort_key=lambda row: row.send_after.timestamp(),
                ),
                Column(
                    title=lambda: self.tr("Client"),
                    text=lambda row: row.client_name or "—",
                    sort_key=lambda row: row.client_name.casefold(),
                ),
                Column(
                    title=lambda: self.tr("Channel"), text=lambda row: channel_label(row.channel)
                ),
                Column(title=lambda: self.tr("Address"), text=lambda row: row.address),
                Column(
                    title=lambda: self.tr("Template"),
                    text=lambda row: template_label(row.template_code),
                ),
                Column(title=lambda: self.tr("State"), text=lambda row: state_label(row.state)),
                Column(
                    title=lambda: self.tr("Attempts"),
                    text=lambda row: number(row.attempts),
                    sort_key=lambda row: row.attempts,
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Last error"),
                    text=lambda row: _one_line(row.last_error),
                    tooltip=lambda row: row.last_error,
                ),
            ],
            dimmed=lambda row: row.state == "sent",
            parent=parent,
        )
