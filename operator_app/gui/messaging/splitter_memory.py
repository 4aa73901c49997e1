"""A splitter's sizes kept between runs, with a default split for the first time it is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QSplitter

from operator_app.gui.window_state import ui_state


class SplitterMemory(QObject):
    """Restores `splitter`'s saved sizes now; if there are none, gives it `default(width)`
    when first shown (only then is its width known). Saves whenever the person moves it."""

    def __init__(self, splitter: QSplitter, key: str, default: Callable[[int], list[int]]) -> None:
        super().__init__(splitter)
        self._splitter = splitter
        self._key = f"splitters/{key}"
        self._default = default
        state = ui_state().value(self._key)
        self.restored = isinstance(state, QByteArray) and splitter.restoreState(state)
        splitter.splitterMoved.connect(lambda *_: self.save())
        if not self.restored:
            splitter.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._splitter and event.type() == QEvent.Type.Show:
            self._splitter.removeEventFilter(self)
            self._splitter.setSizes(self._default(max(self._splitter.width(), 1)))
        return super().eventFilter(watched, event)

    def save(self) -> None:
        ui_state().setValue(self._key, self._splitter.saveState())
