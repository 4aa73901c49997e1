"""A start-up timing mark for the benchmark (tests/bench/bench_startup.py); off by default.

When OPERATOR_APP_STARTUP_MARK names a file, the first signed-in window writes one JSON line
there: the wall-clock moments (seconds since the epoch, comparable with the time the benchmark
took before starting the process) when the event loop had shown the window (`shown_at`) and,
for the operator's workspace, when its first queue counts were on screen (`counts_at`, with
`queue_total`, the number of clients they show). Nothing secret is written; without the
variable nothing happens.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

STARTUP_MARK_ENV_VAR = "OPERATOR_APP_STARTUP_MARK"


def mark_when_shown(window: QMainWindow) -> None:
    target = os.environ.get(STARTUP_MARK_ENV_VAR)
    if not target:
        return
    # After the queued show and paint events of this turn of the event loop.
    QTimer.singleShot(0, lambda: _shown(Path(target), window))


def _shown(target: Path, window: QMainWindow) -> None:
    mark: dict[str, object] = {"shown_at": time.time(), "visible": window.isVisible()}
    page = window.centralWidget()
    mark["page"] = page.objectName() if page is not None else ""
    # The operator's workspace reads its queue in the background: wait for the first counts.
    queue_panel = getattr(page, "queue_panel", None)
    if queue_panel is None:
        _write(target, mark)
        return
    if queue_panel.buckets.rowCount() and not queue_panel.is_refreshing():
        _counts_shown(target, mark, queue_panel)
        return
    queue_panel.counts_shown.connect(lambda: _counts_shown(target, mark, queue_panel))


def _counts_shown(target: Path, mark: dict[str, object], queue_panel: Any) -> None:
    if "counts_at" in mark:
        return  # only the first counts
    mark["counts_at"] = time.time()
    mark["queue_total"] = sum(row.count for row in queue_panel.buckets.rows())
    _write(target, mark)


def _write(target: Path, mark: dict[str, object]) -> None:
    with target.open("a", encoding="utf-8") as file:
        file.write(json.dumps(mark) + "\n")
