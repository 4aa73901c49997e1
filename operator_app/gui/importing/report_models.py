"""Read-only tables of an import's rejected rows and duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from operator_app.core.importing.types import DuplicateRow, RejectedRow
from operator_app.core.phones import format_phone
from operator_app.gui.importing.texts import rejection_details, row_problem_label

_Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


class RejectedColumn(IntEnum):
    ROW = 0
    PROBLEM = 1
    DETAILS = 2
    # the row's original cells follow, one column per header of the file


class RejectedRowsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[RejectedRow, ...] = ()
        self._headers: tuple[str, ...] = ()

    def set_rows(self, rows: Sequence[RejectedRow], headers: Sequence[str]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._headers = tuple(headers)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RejectedColumn) + len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RejectedColumn.ROW:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role not in _TEXT_ROLES:
            return None
        if column == RejectedColumn.ROW:
            return row.line_number if role == Qt.ItemDataRole.DisplayRole else None
        if column == RejectedColumn.PROBLEM:
            return row_problem_label(row.problem)
        if column == RejectedColumn.DETAILS:
            return rejection_details(row)
        cell = column - len(RejectedColumn)
        return row.cells[cell] if cell < len(row.cells) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = {
            RejectedColumn.ROW: self.tr("Row"),
            RejectedColumn.PROBLEM: self.tr("Problem"),
            RejectedColumn.DETAILS: self.tr("Details"),
        }
        if 0 <= section < len(RejectedColumn):
            return titles[RejectedColumn(section)]
        cell = section - len(RejectedColumn)
        return self._headers[cell] if 0 <= cell < len(self._headers) else None


class DuplicateColumn(IntEnum):
    ROW = 0
    PHONE = 1
    MATCHES = 2


class DuplicateRowsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[DuplicateRow, ...] = ()

    def set_rows(self, rows: Sequence[DuplicateRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DuplicateColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = DuplicateColumn(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and column is DuplicateColumn.ROW:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role not in _TEXT_ROLES:
            return None
        if column is DuplicateColumn.ROW:
            return row.line_number if role == Qt.ItemDataRole.DisplayRole else None
        if column is DuplicateColumn.PHONE:
            return format_phone(row.e164)
        return self._matches_text(row)

    def _matches_text(self, row: DuplicateRow) -> str:
        if row.matched_line_number is not None:
            text = self.tr("row {row} of this file").format(row=row.matched_line_number)
            if row.matched_lead_id is not None:
                text += " " + self.tr("(imported as lead #{lead})").format(lead=row.matched_lead_id)
            return text
        if row.matched_lead_id is not None:
            return self.tr("lead #{lead}, already in the database").format(lead=row.matched_lead_id)
        return self.tr("a number already in the database")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = {
            DuplicateColumn.ROW: self.tr("Row"),
            DuplicateColumn.PHONE: self.tr("Phone"),
            DuplicateColumn.MATCHES: self.tr("Same number as"),
        }
        try:
            return titles[DuplicateColumn(section)]
        except ValueError:
            return None
