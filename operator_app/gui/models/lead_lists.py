"""The table of imported lead lists."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from operator_app.core.lists import ListSummary
from operator_app.gui.models.formatting import local_date, local_datetime, number
from operator_app.gui.models.table import Column, RowTableModel


class LeadListTableModel(RowTableModel[ListSummary]):
    def __init__(self, parent: QObject | None = None) -> None:
        def count(attribute: str, title: Callable[[], str]) -> Column[ListSummary]:
            return Column(
                title=title,
                text=lambda row: number(getattr(row, attribute)),
                sort_key=lambda row: int(getattr(row, attribute)),
                align="right",
            )

        super().__init__(
            [
                Column(
                    title=lambda: self.tr("Name"),
                    text=lambda row: row.name,
                    sort_key=lambda row: row.name.casefold(),
                    tooltip=lambda row: f"{row.name}\n{row.source}" if row.source else row.name,
                ),
                Column(
                    title=lambda: self.tr("ABC"), text=lambda row: row.abc_class, align="center"
                ),
                Column(
                    title=lambda: self.tr("Priority"),
                    text=lambda row: number(row.priority),
                    sort_key=lambda row: row.priority,
                    align="right",
                ),
                Column(
                    title=lambda: self.tr("Campaign"),
                    text=lambda row: row.campaign_name or "—",
                    tooltip=lambda row: row.campaign_name,
                ),
                count("rows_read", lambda: self.tr("Read")),
                count("rows_imported", lambda: self.tr("Imported")),
                count("rows_duplicate", lambda: self.tr("Duplicates")),
                count("rows_rejected", lambda: self.tr("Rejected")),
                count("rows_blocked", lambda: self.tr("Blocked")),
                Column(
                    title=lambda: self.tr("Created"),
                    text=lambda row: local_date(row.created_at),
                    sort_key=lambda row: row.created_at.timestamp(),
                    tooltip=lambda row: local_datetime(row.created_at),
                ),
                Column(
                    title=lambda: self.tr("Hypothesis"),
                    text=lambda row: _one_line(row.hypothesis),
                    tooltip=lambda row: row.hypothesis,
                ),
            ],
            parent=parent,
        )


def _one_line(text: str | None) -> str:
    return " ".join(text.split()) if text else ""
