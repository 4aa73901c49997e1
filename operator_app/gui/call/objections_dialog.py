"""The objections library: type to search, pick one with Enter."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from operator_app.core.scripts_format import Objection

_ID_ROLE = Qt.ItemDataRole.UserRole


class ObjectionsDialog(QDialog):
    """`search(text)` gives the objections to list; `chosen_id` is set when one is picked."""

    def __init__(
        self, search: Callable[[str], Sequence[Objection]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("objectionsDialog")
        self.setWindowTitle(self.tr("Objections"))
        self._search = search
        self.chosen_id: str | None = None
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Search by the client's words…"))
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("Record the objection"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.query.textChanged.connect(self._fill)
        self.results.currentItemChanged.connect(self._show_preview)
        self.results.itemActivated.connect(lambda _item: self.accept())
        self.query.returnPressed.connect(self.accept)
        self._objections: dict[str, Objection] = {}
        self._fill("")
        self.resize(520, 420)

    def keyPressEvent(self, event: object) -> None:  # arrows in the search field move the list
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            if 0 <= row < self.results.count():
                self.results.setCurrentRow(row)
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def _fill(self, text: str) -> None:
        self.results.clear()
        found = list(self._search(text))
        self._objections = {objection.id: objection for objection in found}
        for objection in found:
            item = QListWidgetItem(objection.title)
            item.setData(_ID_ROLE, objection.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        else:
            self.preview.setText(self.tr("Nothing found"))

    def _show_preview(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        objection = self._objections.get(str(item.data(_ID_ROLE)))
        if objection is not None and objection.responses:
            self.preview.setText(objection.responses[0])

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.chosen_id = str(item.data(_ID_ROLE))
        super().accept()
