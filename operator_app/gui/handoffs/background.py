"""Run one service call off the UI thread and turn failures into a sentence for the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from sqlalchemy.exc import SQLAlchemyError

from operator_app.core.errors import OperatorAppError
from operator_app.gui.error_text import error_text
from operator_app.gui.tasks import BackgroundTask, TaskContext

log = logging.getLogger(__name__)


def failure_text(error: object) -> str:
    if isinstance(error, OperatorAppError):
        return error_text(error)
    if isinstance(error, SQLAlchemyError):
        return QCoreApplication.translate(
            "HandoffPages", "The database could not be reached: {error}. Try again."
        ).format(error=error.__class__.__name__)
    return QCoreApplication.translate("HandoffPages", "Something went wrong: {error}").format(
        error=error
    )


def run_in_background(
    owner: QObject,
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> BackgroundTask:
    """Start `work()` on the pool; the outcome comes back on the main thread."""

    def body(_context: TaskContext) -> Any:
        return work()

    task = BackgroundTask(body, parent=owner)

    def failed(error: object) -> None:
        assert isinstance(error, BaseException)
        if not isinstance(error, OperatorAppError):  # a domain refusal is expected, not a fault
            log.error("background work failed", exc_info=error)
        on_failure(error)

    task.succeeded.connect(on_success)
    task.failed.connect(failed)
    task.finished.connect(task.deleteLater)
    task.start()
    return task


class RunningWork:
    """The background calls a page started and that have not reported back yet: the page is
    busy while any runs (tests and closing wait on it)."""

    def __init__(self, owner: QObject) -> None:
        self._owner = owner
        self._tasks: set[BackgroundTask] = set()

    def __bool__(self) -> bool:
        return bool(self._tasks)

    def start(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        holder: list[BackgroundTask] = []

        def done(handler: Callable[[Any], None], value: Any) -> None:
            self._tasks.discard(holder[0])
            handler(value)

        task = run_in_background(
            self._owner,
            work,
            lambda value: done(on_success, value),
            lambda error: done(on_failure, error),
        )
        holder.append(task)
        self._tasks.add(task)
