"""Live queue changes on PostgreSQL: LISTEN on the queue channel in a thread, tell the UI.

`QueueChangeListener` runs `QueueListener.wait()` in a loop on a QThread of its own and emits
`changed` (on the UI thread) when colleagues claim, release or finish leads. When the
connection drops it emits `connected(False)`, retries with a growing pause and emits
`connected(True)` once it listens again, so the panel can poll meanwhile. `stop()` returns
within about `WAIT_SECONDS`: the loop checks its stop flag between waits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QThread, Signal

from operator_app.storage.repositories.queue_queries import QueueListener

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.25
FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 30.0

ListenerFactory = Callable[[str], QueueListener]


class QueueChangeListener(QThread):
    changed = Signal()
    connected = Signal(bool)

    # Running listeners stay referenced here so that a lost Python reference never destroys a
    # running thread (Qt aborts on that); a listener leaves the set when its loop has ended.
    _alive: ClassVar[set[QueueChangeListener]] = set()

    def __init__(self, url: str, factory: ListenerFactory = QueueListener) -> None:
        super().__init__()  # no parent: its owner stops it explicitly, before it goes
        self._url = url
        self._factory = factory
        self._stopping = threading.Event()
        self.finished.connect(self._forget)

    def start_listening(self) -> None:
        QueueChangeListener._alive.add(self)
        self.start()

    def stop(self) -> None:
        """Ask the loop to end and wait until it has (a fraction of a second)."""
        self._stopping.set()
        if self.isRunning():
            self.wait()
        self._forget()

    def _forget(self) -> None:
        QueueChangeListener._alive.discard(self)

    def run(self) -> None:
        pause = FIRST_RETRY_SECONDS
        reconnecting = False  # the panel read the queue itself when it started
        while not self._stopping.is_set():
            try:
                listener = self._factory(self._url)
            except Exception as error:
                log.info("cannot listen for queue changes (retry in %.1f s): %s", pause, error)
                self._stopping.wait(pause)
                pause = min(pause * 2, LONGEST_RETRY_SECONDS)
                continue
            pause = FIRST_RETRY_SECONDS
            self.connected.emit(True)
            if reconnecting:
                # Whatever happened while nobody listened is unknown: look once.
                self.changed.emit()
            reconnecting = True
            try:
                self._listen(listener)
            except Exception as error:
                log.info("queue change listener lost its connection: %s", error)
                self.connected.emit(False)
            finally:
                try:
                    listener.close()
                except Exception as error:
                    log.debug("closing the queue listener failed: %s", error)

    def _listen(self, listener: QueueListener) -> None:
        while not self._stopping.is_set():
            if listener.wait(WAIT_SECONDS):
                self.changed.emit()
