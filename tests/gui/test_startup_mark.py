"""The start-up mark the benchmark reads: written once the remembered operator's workspace is
shown and its first queue counts are on screen."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from operator_app.core.settings import AppSettings
from operator_app.gui.call.workspace import OperatorWorkspace
from operator_app.gui.flow import SessionFlow
from operator_app.gui.i18n import Translations
from operator_app.gui.startup_mark import STARTUP_MARK_ENV_VAR
from operator_app.storage.database import Database
from tests.gui.test_call_support import demo_database

pytestmark = pytest.mark.usefixtures("close_windows")


def start_remembered_operator(database: Database, translations: Translations) -> SessionFlow:
    settings = AppSettings.load()
    settings.remembered_login = "operator"
    settings.save()
    flow = SessionFlow(database, AppSettings.load(), translations)
    flow.start()
    return flow


def test_the_mark_says_when_the_workspace_and_its_counts_were_shown(
    qtbot: QtBot,
    sqlite_db: Database,
    translations: Translations,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo_database(sqlite_db)
    mark = tmp_path / "mark.jsonl"
    monkeypatch.setenv(STARTUP_MARK_ENV_VAR, str(mark))
    before = time.time()
    flow = start_remembered_operator(sqlite_db, translations)
    assert flow.window is not None  # no password asked
    qtbot.waitUntil(mark.exists, timeout=10_000)
    [line] = mark.read_text(encoding="utf-8").splitlines()
    shown = json.loads(line)
    assert shown["page"] == "queueAndCallPage" and shown["visible"] is True
    assert before <= shown["shown_at"] <= shown["counts_at"] <= time.time()
    workspace = flow.window.centralWidget()
    assert isinstance(workspace, OperatorWorkspace)
    panel = workspace.queue_panel
    assert shown["queue_total"] == sum(row.count for row in panel.buckets.rows()) > 0
