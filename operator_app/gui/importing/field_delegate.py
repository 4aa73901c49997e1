"""A drop-down of lead fields for the mapping table, committing each choice at once."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from operator_app.core.column_mapping import Field
from operator_app.gui.importing.texts import FIELD_ORDER, field_label

_Index = QModelIndex | QPersistentModelIndex


class FieldComboBox(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for field in FIELD_ORDER:
            self.addItem(field_label(field), field.value)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            for position, field in enumerate(FIELD_ORDER):
                self.setItemText(position, field_label(field))
        super().changeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scrolling the table over a row must not change that row's field by accident.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def field(self) -> Field:
        return Field(str(self.currentData()))

    def set_field(self, field: Field) -> None:
        self.setCurrentIndex(self.findData(field.value))


class FieldDelegate(QStyledItemDelegate):
    """Meant for persistent editors: one combo per row, always visible, Tab moves between them."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = FieldComboBox(parent)
        editor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Commit as soon as the person picks, so the page can validate live.
        editor.activated.connect(lambda _position: self.commitData.emit(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, FieldComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        if value is not None:
            editor.set_field(Field(str(value)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, FieldComboBox)
        model.setData(index, editor.field().value, Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The default filter makes keys in an editor mean "edit the next cell" (Tab), "commit
        # and close" (Enter) or "revert" (Esc). These editors are always open and commit on
        # every choice, so keys keep their dialog meaning: Tab moves along the focus chain
        # (one row's combo to the next row's), Enter is Next, Esc is Cancel.
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        return super().eventFilter(watched, event)
