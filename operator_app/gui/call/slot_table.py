"""Free slots offered to the client: their time, the office's time, where, and free seats.

The place column is the one that can be long (office and resource names are free text): the
view stretches it and elides it, so its tooltip carries the whole name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex

from operator_app.core.calendar.slots import SlotOption
from operator_app.gui.models.table import Column, RowTableModel

if TYPE_CHECKING:
    from operator_app.core.calendar.calendar_calls import BookableResource

__all__ = ["PLACE_COLUMN", "SlotTableModel", "when_text"]

translate = QCoreApplication.translate
PLACE_COLUMN = 2


def when_text(moment: dt.datetime) -> str:
    """A visit time as the operator reads it out: weekday, date and time."""
    day = (
        translate("SlotTable", "Mon"),
        translate("SlotTable", "Tue"),
        translate("SlotTable", "Wed"),
        translate("SlotTable", "Thu"),
        translate("SlotTable", "Fri"),
        translate("SlotTable", "Sat"),
        translate("SlotTable", "Sun"),
    )[moment.weekday()]
    return f"{day} {moment:%d.%m %H:%M}"


class SlotTableModel(RowTableModel[SlotOption]):
    def __init__(self) -> None:
        self._places: dict[int, BookableResource] = {}
        super().__init__(
            [
                Column(
                    lambda: translate("SlotTable", "Client's time"),
                    lambda o: when_text(o.client_local),
                    sort_key=lambda o: o.starts_at.timestamp(),
                ),
                Column(
                    lambda: translate("SlotTable", "Office time"),
                    lambda o: when_text(o.office_local),
                    sort_key=lambda o: o.starts_at.timestamp(),
                ),
                Column(
                    lambda: translate("SlotTable", "Office / resource"),
                    self.place,
                    tooltip=self.place,
                ),
                Column(
                    lambda: translate("SlotTable", "Free seats"),
                    lambda o: str(o.free_seats),
                    sort_key=lambda o: o.free_seats,
                    align="right",
                ),
            ]
        )

    def set_places(self, places: Mapping[int, BookableResource]) -> None:
        self._places = dict(places)

    def place(self, option: SlotOption) -> str:
        place = self._places.get(option.resource_id)
        if place is None:
            return "—"
        return f"{place.office_name} / {place.resource_name}"

    def option(self, row: int) -> SlotOption | None:
        return self.row_at(row) if 0 <= row < self.rowCount() else None

    def insert_or_find(self, option: SlotOption) -> int:
        """The row of this slot, added in time order when it is not listed."""
        rows = self.rows()
        for row, listed in enumerate(rows):
            if (listed.resource_id, listed.starts_at) == (option.resource_id, option.starts_at):
                return row
        key = (option.starts_at, option.resource_id)
        row = sum(1 for listed in rows if (listed.starts_at, listed.resource_id) < key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, option)
        self.endInsertRows()
        return row
