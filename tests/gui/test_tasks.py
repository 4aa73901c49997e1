"""The background-work helper: results, errors, progress and cancellation reach the UI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from operator_app.gui.tasks import (
    BackgroundTask,
    TaskCancelled,
    TaskContext,
    TaskProgressDialog,
    TaskState,
    run_with_progress_dialog,
)


class _Recorder:
    """Everything a task emitted, with the thread each signal was delivered on."""

    def __init__(self, task: BackgroundTask) -> None:
        self.events: list[tuple[str, object]] = []
        self.threads: set[QThread] = set()
        task.progressed.connect(lambda done, total: self._add("progress", (done, total)))
        task.succeeded.connect(lambda result: self._add("succeeded", result))
        task.failed.connect(lambda error: self._add("failed", error))
        task.cancelled.connect(lambda: self._add("cancelled", None))
        task.finished.connect(lambda: self._add("finished", None))

    def _add(self, name: str, value: object) -> None:
        self.threads.add(QThread.currentThread())
        self.events.append((name, value))

    def names(self) -> list[str]:
        return [name for name, _ in self.events if name != "progress"]

    def progress(self) -> list[tuple[int, int]]:
        return [value for name, value in self.events if name == "progress"]  # type: ignore[misc]


def _main_thread() -> QThread:
    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_result_arrives_on_the_main_thread(qtbot: QtBot) -> None:
    worker_threads: list[int] = []

    def work(_context: TaskContext) -> str:
        worker_threads.append(threading.get_ident())
        return "done"

    task = BackgroundTask(work)
    recorder = _Recorder(task)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()

    assert recorder.names() == ["succeeded", "finished"]
    assert recorder.events[0] == ("succeeded", "done")
    assert task.state == TaskState.SUCCEEDED
    assert worker_threads and worker_threads[0] != threading.get_ident()
    assert recorder.threads == {_main_thread()}


def test_an_error_is_delivered_with_its_exception(qtbot: QtBot) -> None:
    def work(_context: TaskContext) -> None:
        raise ValueError("row 7: the phone is missing")

    task = BackgroundTask(work)
    recorder = _Recorder(task)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()

    assert recorder.names() == ["failed", "finished"]
    error = recorder.events[0][1]
    assert isinstance(error, ValueError)
    assert str(error) == "row 7: the phone is missing"
    assert error.__traceback__ is not None
    assert task.state == TaskState.FAILED


class _DomainCancelled(Exception):
    pass


@pytest.mark.parametrize("stop_with", [TaskCancelled, _DomainCancelled])
def test_cancel_stops_work_that_polls_the_flag(qtbot: QtBot, stop_with: type[Exception]) -> None:
    started = threading.Event()

    def work(context: TaskContext) -> None:
        started.set()
        while not context.is_cancelled():
            context.report_progress(1, 10)
        raise stop_with

    task = BackgroundTask(work, cancel_errors=(_DomainCancelled,))
    recorder = _Recorder(task)
    task.start()
    qtbot.waitUntil(started.is_set, timeout=5000)
    assert task.is_running()
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()

    assert recorder.names() == ["cancelled", "finished"]
    assert task.state == TaskState.CANCELLED
    assert task.is_cancel_requested()


def test_work_that_finishes_despite_cancel_reports_success(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(_context: TaskContext) -> int:
        release.wait(5)
        return 42  # ignored the flag: its effects happened, so it succeeded

    task = BackgroundTask(work)
    recorder = _Recorder(task)
    task.start()
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=5000):
        release.set()
    assert recorder.names() == ["succeeded", "finished"]
    assert recorder.events[-2] == ("succeeded", 42)


def test_progress_arrives_in_order_and_before_the_result(qtbot: QtBot) -> None:
    total = 20_000

    def work(context: TaskContext) -> str:
        for processed in range(1, total + 1):
            context.report_progress(processed, total)
        return "ok"

    task = BackgroundTask(work)
    recorder = _Recorder(task)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        task.start()

    progress = recorder.progress()
    assert progress, "no progress was delivered"
    done_counts = [done for done, _ in progress]
    assert done_counts == sorted(done_counts)
    assert progress[-1] == (total, total)  # the last report is never lost
    assert len(progress) <= total  # reports are coalesced rather than queued one per row
    names = [name for name, _ in recorder.events]
    assert names[-2:] == ["succeeded", "finished"]
    assert names.index("succeeded") > max(i for i, n in enumerate(names) if n == "progress")


def test_the_caller_may_drop_its_reference(qtbot: QtBot) -> None:
    finished = threading.Event()
    results: list[object] = []

    def work(_context: TaskContext) -> str:
        return "kept alive"

    def start_and_forget() -> None:
        task = BackgroundTask(work)
        task.succeeded.connect(results.append)
        task.finished.connect(finished.set)
        task.start()

    start_and_forget()
    qtbot.waitUntil(finished.is_set, timeout=5000)
    assert results == ["kept alive"]


def test_a_task_runs_only_once(qtbot: QtBot) -> None:
    task = BackgroundTask(lambda _context: None)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    with pytest.raises(RuntimeError):
        task.start()


def test_the_progress_dialog_cancels_its_task_and_closes_when_it_stops(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    reported = threading.Event()

    def work(context: TaskContext) -> None:
        while True:
            context.report_progress(5, 100)
            reported.set()
            context.raise_if_cancelled()

    task = BackgroundTask(work)
    recorder = _Recorder(task)
    dialog = run_with_progress_dialog(task, "Importing…", parent)
    assert isinstance(dialog, TaskProgressDialog)
    qtbot.waitUntil(lambda: dialog.maximum() == 100 and dialog.value() == 5, timeout=5000)
    assert reported.is_set()

    with qtbot.waitSignal(task.finished, timeout=5000):
        dialog.reject()  # what Esc does: cancel, not just hide the dialog
        assert dialog.labelText() == "Cancelling…"
    assert recorder.names() == ["cancelled", "finished"]
    assert dialog.isHidden()


def test_the_progress_dialog_closes_after_success(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    task = BackgroundTask(lambda context: context.report_progress(3, 3))
    with qtbot.waitSignal(task.succeeded, timeout=5000):
        dialog = run_with_progress_dialog(task, "Working…", parent)
    assert dialog.isHidden()


def test_a_task_dying_with_its_parent_mid_run_is_harmless(qtbot: QtBot) -> None:
    release = threading.Event()
    returned = threading.Event()
    delivered: list[object] = []

    def work(_context: TaskContext) -> str:
        release.wait(5)
        returned.set()
        return "too late"

    parent = QObject()
    task = BackgroundTask(work, parent=parent)
    task.succeeded.connect(delivered.append)
    task.start()
    with qtbot.waitSignal(parent.destroyed, timeout=5000):
        parent.deleteLater()  # e.g. the dialog was closed while the work ran
    del task, parent
    release.set()
    assert QThreadPool.globalInstance().waitForDone(5000)  # the worker has emitted by now
    QCoreApplication.processEvents()  # a (wrongly) queued delivery would arrive here
    assert returned.is_set()
    assert delivered == []
    assert not BackgroundTask._running
