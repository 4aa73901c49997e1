"""The outbox table: one row per message to a client.

What happened to a message (state, attempts, last error) comes right after whom it is for, so
it stays in sight on a laptop screen; the channel, address and template follow."""

from __future__ import annotations

from PySide6.QtCore import QObject

from operator_app.core.messaging import MessageView
from operator_app.gui.messaging.texts import channel_label, state_label, template_label
from operator_app.gui.models.formatting import local_datetime, number
from operator_app.gui.models.table import Column, RowTableModel

CLIENT_COLUMN = 2
STATE_COLUMN = 3
LAST_ERROR_COLUMN = 5
ADDRESS_COLUMN = 7
TEMPLATE_COLUMN = 8
# Fitted to their contents, these columns stop here (longer texts are elided, the whole text
# is in the tooltip or the details pane) so the state stays in sight.
FITTED_MAX_WIDTHS = {
    CLIENT_COLUMN: 200,
    LAST_ERROR_COLUMN: 220,
    ADDRESS_COLUMN: 160,
    TEMPLATE_COLUMN: 200,
}


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
                    tooltip=lambda row: row.client_name or None,
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
                Column(
                    title=lambda: self.tr("Channel"), text=lambda row: channel_label(row.channel)
                ),
                Column(title=lambda: self.tr("Address"), text=lambda row: row.address),
                Column(
                    title=lambda: self.tr("Template"),
                    text=lambda row: template_label(row.template_code),
                ),
            ],
            dimmed=lambda row: row.state == "sent",
            parent=parent,
        )
