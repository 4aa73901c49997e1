"""A row of exclusive filter chips, each with a count: "All (12)", "Failed (2)"."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

from operator_app.gui.models.formatting import number

CHECKED_WEIGHT = QFont.Weight.DemiBold
_STYLE = (
    "QPushButton { border: 1px solid #c4c9d0; border-radius: 11px; padding: 3px 12px; }"
    "QPushButton:checked { background: #e6eef8; border-color: #2f5d9a; color: #2f5d9a;"
    f" font-weight: {CHECKED_WEIGHT.value}; }}"
)


def checked_font(font: QFont) -> QFont:
    """The font a chip draws its text in while it is chosen."""
    bolder = QFont(font)
    bolder.setWeight(CHECKED_WEIGHT)
    return bolder


class Chip(QPushButton):
    """A chip sized for its chosen (bolder) text, so choosing it neither clips the text nor
    shifts its neighbours: the style sheet sizes a button by its normal font only."""

    def sizeHint(self) -> QSize:
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._widened(super().minimumSizeHint())

    def _widened(self, size: QSize) -> QSize:
        text = self.text()
        normal = QFontMetrics(self.font()).horizontalAdvance(text)
        bolder = QFontMetrics(checked_font(self.font())).horizontalAdvance(text)
        return QSize(size.width() + max(0, bolder - normal) + 2, size.height())


class StateChips(QWidget):
    """`chosen(key)` when the person picks a chip; keys are given in display order."""

    chosen = Signal(str)

    def __init__(self, keys: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        self._counts: dict[str, int] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key in keys:
            button = Chip()
            button.setObjectName(f"chip_{key}")
            button.setCheckable(True)
            button.setStyleSheet(_STYLE)
            button.clicked.connect(lambda _checked=False, key=key: self.chosen.emit(key))
            self._group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        if keys:
            self.buttons[keys[0]].setChecked(True)

    def current(self) -> str:
        for key, button in self.buttons.items():
            if button.isChecked():
                return key
        return next(iter(self.buttons))

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self._counts = dict(counts)

    def set_labels(self, label: Callable[[str], str]) -> None:
        """Each chip's text: its label and, once known, its count."""
        for key, button in self.buttons.items():
            count = self._counts.get(key)
            text = label(key) if count is None else f"{label(key)} ({number(count)})"
            button.setText(text)
