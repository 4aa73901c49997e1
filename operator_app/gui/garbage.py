"""Python's cyclic garbage is collected on the UI thread, never on a worker thread.

The automatic collector runs in whichever thread happens to allocate when a threshold is
crossed — often a background task's thread. If the garbage it finds holds Qt objects (a
closed dialog, a widget's wrapper in a reference cycle), their C++ destructors then run on
that thread, and Qt crashes. So automatic collection is switched off, and a timer on the UI
thread collects with the same thresholds instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["UiThreadGarbageCollector", "collect_due_generations"]

CHECK_MILLISECONDS = 500


def collect_due_generations(thresholds: tuple[int, int, int]) -> None:
    """Collect the oldest generation whose count passed its threshold, as gc itself would."""
    generation = -1
    for index, (count, threshold) in enumerate(zip(gc.get_count(), thresholds, strict=True)):
        if count > threshold:
            generation = index
    if generation >= 0:
        gc.collect(generation)


class UiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(CHECK_MILLISECONDS)

    def check(self) -> None:
        collect_due_generations(self._thresholds)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
