"""One row per column of the file: its header, a few sample values, and the field it feeds."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from operator_app.core.column_mapping import ColumnMapping, Field
from operator_app.gui.importing.texts import field_label

_Index = QModelIndex | QPersistentModelIndex
SAMPLES_PER_COLUMN = 3
_PROBLEM_BACKGROUND = QColor("#fdecea")


class MappingColumn(IntEnum):
    HEADER = 0
    SAMPLES = 1
    FIELD = 2


def sample_values(rows: Sequence[Sequence[str]], column: int) -> list[str]:
    """The first few distinct non-blank values of a column, as the person would recognise it."""
    samples: list[str] = []
    for cells in rows:
        value = " ".join(cells[column].split()) if column < len(cells) else ""
        if value and value not in samples:
            samples.append(value)
            if len(samples) == SAMPLES_PER_COLUMN:
                break
    return samples


class MappingModel(QAbstractTableModel):
    """Edits a complete mapping: every header of the file has exactly one field."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._samples: list[list[str]] = []
        self._fields: list[Field] = []
        self._problem_headers: frozenset[str] = frozenset()

    # --- content ----------------------------------------------------------------------------

    def set_columns(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], mapping: ColumnMapping
    ) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self._samples = [sample_values(rows, column) for column in range(len(headers))]
        self._fields = [mapping.fields.get(header, Field.CUSTOM) for header in headers]
        self._problem_headers = frozenset()
        self.endResetModel()

    def apply(self, mapping: ColumnMapping) -> None:
        """Take the fields `mapping` gives; headers it does not name keep their field."""
        for row, header in enumerate(self._headers):
            field = mapping.fields.get(header)
            if field is not None:
                self.set_field(row, field)

    def headers(self) -> list[str]:
        return list(self._headers)

    def field(self, row: int) -> Field:
        return self._fields[row]

    def set_field(self, row: int, field: Field) -> None:
        if self._fields[row] is field:
            return
        self._fields[row] = field
        index = self.index(row, MappingColumn.FIELD)
        self.dataChanged.emit(index, index)

    def mapping(self) -> ColumnMapping:
        return ColumnMapping(dict(zip(self._headers, self._fields, strict=True)))

    def set_problem_headers(self, headers: Collection[str]) -> None:
        """Highlight the rows a validation problem is about."""
        problem_headers = frozenset(headers)
        if problem_headers == self._problem_headers:
            return
        self._problem_headers = problem_headers
        if self._headers:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._headers) - 1, len(MappingColumn) - 1),
                [Qt.ItemDataRole.BackgroundRole],
            )

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._headers)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MappingColumn)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == MappingColumn.FIELD:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), MappingColumn(index.column())
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._headers[row] in self._problem_headers:
                return QBrush(_PROBLEM_BACKGROUND)
            return None
        if column is MappingColumn.HEADER and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._headers[row]
        if column is MappingColumn.SAMPLES:
            if role == Qt.ItemDataRole.DisplayRole:
                return " · ".join(self._samples[row])
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(self._samples[row]) or None
            return None
        if column is MappingColumn.FIELD:
            if role == Qt.ItemDataRole.DisplayRole:
                return field_label(self._fields[row])
            if role == Qt.ItemDataRole.EditRole:
                return self._fields[row].value
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != MappingColumn.FIELD
            or role != Qt.ItemDataRole.EditRole
        ):
            return False
        try:
            field = Field(str(value))
        except ValueError:
            return False
        self.set_field(index.row(), field)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if 0 <= section < len(self._headers) else None
        titles = {
            MappingColumn.HEADER: self.tr("Column in the file"),
            MappingColumn.SAMPLES: self.tr("Sample values"),
            MappingColumn.FIELD: self.tr("Imports as"),
        }
        try:
            return titles[MappingColumn(section)]
        except ValueError:
            return None
