"""Everything typed and clicked reaches the draft file within a second of the last change."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from operator_app.core.drafts import CallDraft, DraftStore

log = logging.getLogger(__name__)

DEBOUNCE_MILLISECONDS = 700


class DraftAutosave(QObject):
    """`touch()` after every change; the draft built by `build` is written after a short pause.

    Writing is a small local file (atomic replace), fast enough for the UI thread; the debounce
    keeps a burst of typing to one write.
    """

    def __init__(
        self,
        store: DraftStore,
        build: Callable[[], CallDraft | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._build = build
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MILLISECONDS)
        self._timer.timeout.connect(self.flush)

    def touch(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.stop()

    def flush(self) -> None:
        self._timer.stop()
        draft = self._build()
        if draft is None:
            return
        try:
            self.store.save(draft)
        except OSError as error:  # a full disk must not stop the call
            log.error("the draft of call %s could not be written: %s", draft.client_uuid, error)
