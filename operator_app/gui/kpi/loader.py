"""Loads for a page off the UI thread, where only the latest request's result is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from operator_app.gui.handoffs.background import run_in_background

__all__ = ["LatestOnly"]


class LatestOnly:
    """Start `work` in the background; a result that a newer request overtook is dropped."""

    def __init__(self, owner: QObject) -> None:
        self._owner = owner
        self._generation = 0
        self._running = 0

    def is_busy(self) -> bool:
        return self._running > 0

    def start(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        self._generation += 1
        generation = self._generation
        self._running += 1

        def succeeded(result: Any) -> None:
            self._running -= 1
            if generation == self._generation:
                on_success(result)

        def failed(error: BaseException) -> None:
            self._running -= 1
            if generation == self._generation:
                on_failure(error)

        run_in_background(self._owner, work, succeeded, failed)
