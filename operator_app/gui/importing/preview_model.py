"""The first rows of a lead list, as a read-only table under the file's own column names.

Rows are numbered as in the spreadsheet (the header is usually row 1), so the numbers match
those of the rejected-rows report.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

_Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._numbers: list[int] = []
        self._rows: list[list[str]] = []

    def set_table(self, headers: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        # Rows longer than the header keep cells nobody can map; the preview shows the header's.
        width = len(self._headers)
        self._numbers = [number for number, _ in rows]
        self._rows = [list(cells[:width]) + [""] * (width - len(cells)) for _, cells in rows]
        self.endResetModel()

    def clear(self) -> None:
        self.set_table((), ())

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._rows[index.row()][index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return self._numbers[section] if 0 <= section < len(self._numbers) else None
