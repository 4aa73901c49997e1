"""Cyclic garbage holding Qt objects is collected on the UI thread, by a timer."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from operator_app.gui.garbage import UiThreadGarbageCollector


class Cycle(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_the_timer_collects_cycles_that_automatic_collection_no_longer_does(
    qtbot: QtBot,
) -> None:
    collector = UiThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        gc.collect()
        cycle = Cycle()
        alive = weakref.ref(cycle)
        del cycle
        for _ in range(gc.get_threshold()[0] + 1):  # enough allocations to pass generation 0
            Cycle().deleteLater()
        assert alive() is not None  # nothing collects it behind the UI thread's back
        qtbot.waitUntil(lambda: alive() is None, timeout=3000)
    finally:
        collector.stop()
        gc.disable()  # the test session collects on the main thread too (tests/conftest.py)
