"""A sortable, filterable, read-only table whose column widths survive restarts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from operator_app.gui.models.table import SORT_ROLE, RowT, RowTableModel
from operator_app.gui.window_state import ColumnWidths

_MAX_FITTED_WIDTH = 300
_LAST_COLUMN_WIDTH = 160


class DataTable(QTableView, Generic[RowT]):
    def __init__(
        self, model: RowTableModel[RowT], state_key: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.source = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the service's order
        self.setSortingEnabled(True)
        self._widths = ColumnWidths(self, state_key)

    def fit_columns(self) -> None:
        """Size columns to their contents once, unless the user's own widths were restored."""
        if self._widths.restored:
            return
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            if header.sectionSize(column) > _MAX_FITTED_WIDTH:
                header.resizeSection(column, _MAX_FITTED_WIDTH)
        if header.count():
            # The last column stretches into whatever room is left; it must not push the
            # others out of sight with a long text.
            last = header.count() - 1
            header.resizeSection(last, min(header.sectionSize(last), _LAST_COLUMN_WIDTH))
        self._widths.restored = True

    def set_filter_text(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)

    def selected_row(self) -> RowT | None:
        rows = self.selectionModel().selectedRows()
        if not rows:
            return None
        return self.source.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_where(self, predicate: Callable[[RowT], bool]) -> bool:
        for row, item in enumerate(self.source.rows()):
            if predicate(item):
                index = self.proxy.mapFromSource(self.source.index(row, 0))
                if index.isValid():
                    self.selectRow(index.row())
                    self.scrollTo(index)
                    return True
        return False
