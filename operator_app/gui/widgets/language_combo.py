"""A drop-down of interface languages, each named in itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from operator_app.core.settings import LANGUAGES
from operator_app.gui.i18n import LANGUAGE_NAMES


class LanguageComboBox(QComboBox):
    language_chosen = Signal(str)

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code in LANGUAGES:
            self.addItem(LANGUAGE_NAMES[code], code)
        self.set_language(current)
        self.activated.connect(lambda index: self.language_chosen.emit(self.itemData(index)))

    def language(self) -> str:
        return str(self.currentData())

    def set_language(self, code: str) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
