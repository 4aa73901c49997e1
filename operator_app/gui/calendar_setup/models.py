"""Table models of the calendar setup: offices, resources, and calendar exceptions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject

from operator_app.core.calendar.setup import ExceptionInfo, OfficeInfo, ResourceInfo
from operator_app.gui.calendar_setup.texts import (
    exception_kind_label,
    hhmm,
    resource_kind_label,
)
from operator_app.gui.models.formatting import number
from operator_app.gui.models.table import Column, RowTableModel

translate = QCoreApplication.translate

__all__ = ["ExceptionTableModel", "OfficeTableModel", "ResourceTableModel"]


def _state(active: bool) -> str:
    return (
        translate("CalendarSetupModels", "Active")
        if active
        else translate("CalendarSetupModels", "Inactive")
    )


class OfficeTableModel(RowTableModel[OfficeInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns: list[Column[OfficeInfo]] = [
            Column(
                lambda: translate("CalendarSetupModels", "Office"),
                lambda o: o.name,
                tooltip=lambda o: o.address or None,
            ),
            Column(lambda: translate("CalendarSetupModels", "Time zone"), lambda o: o.time_zone),
            Column(
                lambda: translate("CalendarSetupModels", "Resources"),
                lambda o: number(o.resource_count),
                sort_key=lambda o: o.resource_count,
                align="right",
            ),
            Column(lambda: translate("CalendarSetupModels", "State"), lambda o: _state(o.active)),
        ]
        super().__init__(columns, dimmed=lambda o: not o.active, parent=parent)


class ResourceTableModel(RowTableModel[ResourceInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        columns: list[Column[ResourceInfo]] = [
            Column(lambda: translate("CalendarSetupModels", "Resource"), lambda r: r.name),
            Column(
                lambda: translate("CalendarSetupModels", "Kind"),
                lambda r: resource_kind_label(r.kind),
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Linked user"),
                lambda r: r.user_name or "—",
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Seats"),
                lambda r: number(r.capacity),
                sort_key=lambda r: r.capacity,
                align="right",
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Visit, min"),
                lambda r: number(r.slot_minutes),
                sort_key=lambda r: r.slot_minutes,
                align="right",
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Buffer, min"),
                lambda r: number(r.buffer_minutes),
                sort_key=lambda r: r.buffer_minutes,
                align="right",
            ),
            Column(lambda: translate("CalendarSetupModels", "State"), lambda r: _state(r.active)),
        ]
        super().__init__(columns, dimmed=lambda r: not r.active, parent=parent)


class ExceptionTableModel(RowTableModel[ExceptionInfo]):
    """Holidays, days off and special working days; `resource_names` names the resources
    whose own exceptions are listed beside the office's."""

    def __init__(self, parent: QObject | None = None) -> None:
        self.resource_names: dict[int, str] = {}
        columns: list[Column[ExceptionInfo]] = [
            Column(
                lambda: translate("CalendarSetupModels", "Date"),
                lambda e: QLocale().toString(
                    QDate(e.day.year, e.day.month, e.day.day), QLocale.FormatType.ShortFormat
                ),
                sort_key=lambda e: e.day.isoformat(),
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Kind"),
                lambda e: exception_kind_label(e.kind),
            ),
            Column(
                lambda: translate("CalendarSetupModels", "Hours"),
                lambda e: (
                    f"{hhmm(e.starts)}–{hhmm(e.ends, end=True)}" if e.kind == "working" else "—"
                ),
            ),
            Column(lambda: translate("CalendarSetupModels", "Applies to"), self._applies_to),
            Column(lambda: translate("CalendarSetupModels", "Note"), lambda e: e.note or ""),
        ]
        super().__init__(columns, parent=parent)

    def _applies_to(self, row: ExceptionInfo) -> str:
        if row.resource_id is None:
            return translate("CalendarSetupModels", "Whole office")
        return self.resource_names.get(row.resource_id, "—")
