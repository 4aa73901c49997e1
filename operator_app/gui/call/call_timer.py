"""The call timer: start and stop, and the talk seconds it counted."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class CallTimer(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accumulated = 0.0
        self._running_since: float | None = None
        self.display = QLabel("00:00")
        self.display.setObjectName("callTimerDisplay")
        self.display.setStyleSheet("#callTimerDisplay { font-size: 16pt; font-weight: bold; }")
        self.toggle_button = QPushButton()
        self.toggle_button.clicked.connect(self.toggle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.display)
        layout.addWidget(self.toggle_button)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh)
        self.retranslate()

    @property
    def running(self) -> bool:
        return self._running_since is not None

    def seconds(self) -> int:
        extra = time.monotonic() - self._running_since if self._running_since is not None else 0
        return int(self._accumulated + extra)

    def reset(self, seconds: int = 0) -> None:
        self._accumulated = float(seconds)
        self._running_since = None
        self._tick.stop()
        self._refresh()

    def start(self) -> None:
        if self._running_since is None:
            self._running_since = time.monotonic()
            self._tick.start()
            self._refresh()
            self.changed.emit()

    def stop(self) -> None:
        if self._running_since is not None:
            self._accumulated += time.monotonic() - self._running_since
            self._running_since = None
            self._tick.stop()
            self._refresh()
            self.changed.emit()

    def toggle(self) -> None:
        if self.running:
            self.stop()
        else:
            self.start()

    def _refresh(self) -> None:
        minutes, seconds = divmod(self.seconds(), 60)
        self.display.setText(f"{minutes:02d}:{seconds:02d}")
        self.retranslate()

    def retranslate(self) -> None:
        self.toggle_button.setText(
            self.tr("Stop timer") if self.running else self.tr("Start timer")
        )
        self.toggle_button.setToolTip(self.tr("Talk time is recorded with the call"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
