"""The desktop's outbox sender: sends due messages through a real SMTP server at start and on
every tick, never runs twice at once, and stops when asked."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.messaging import SendReport
from operator_app.gui.messaging.sender import OutboxSender
from operator_app.storage.database import Database
from operator_app.storage.models import OutgoingMessage
from tests.gui.test_messaging_outbox import configure_smtp_without_quiet_hours, queue
from tests.support.messaging_data import make_client, smtp_server

pytestmark = pytest.mark.usefixtures("close_windows")


def states(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(OutgoingMessage.state).order_by(OutgoingMessage.id)))


def test_due_messages_go_out_at_start_and_on_each_tick(qtbot: QtBot, sqlite_db: Database) -> None:
    with smtp_server() as (port, received):
        configure_smtp_without_quiet_hours(sqlite_db, port)
        queue(sqlite_db, make_client(sqlite_db))
        queue(sqlite_db, make_client(sqlite_db, "Иван Петров", email="ivan@example.ru"))
        sender = OutboxSender(sqlite_db, interval_ms=200)
        reports: list[SendReport] = []
        sender.run_finished.connect(reports.append)
        sender.start()
        assert sender.is_active()
        qtbot.waitUntil(lambda: len(received) == 2, timeout=20_000)
        qtbot.waitUntil(lambda: not sender.is_sending(), timeout=20_000)
        assert reports[0].sent == 2

        queue(sqlite_db, make_client(sqlite_db, "Мария Соколова", email="maria@example.ru"))
        qtbot.waitUntil(lambda: len(received) == 3, timeout=20_000)
        sender.stop()
        qtbot.waitUntil(lambda: not sender.is_sending(), timeout=20_000)
    assert not sender.is_active()
    assert sorted(mail.recipients[0] for mail in received) == [
        "anna@example.ru",
        "ivan@example.ru",
        "maria@example.ru",
    ]
    assert states(sqlite_db) == ["sent", "sent", "sent"]


def test_a_run_never_overlaps_the_one_under_way(qtbot: QtBot, sqlite_db: Database) -> None:
    with smtp_server() as (port, received):
        configure_smtp_without_quiet_hours(sqlite_db, port)
        queue(sqlite_db, make_client(sqlite_db))
        sender = OutboxSender(sqlite_db, interval_ms=60_000)
        sender.send_now()
        sender.send_now()  # ignored: the first run is still under way
        assert sender.is_sending()
        qtbot.waitUntil(lambda: not sender.is_sending(), timeout=20_000)
    assert sender.runs == 1
    assert len(received) == 1
    assert not sender.is_active()  # send_now alone does not start the ticks


def test_an_unreachable_server_is_retried_later_never_raised(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    with smtp_server() as (port, _received):
        pass  # the port is closed again: nobody answers there
    configure_smtp_without_quiet_hours(sqlite_db, port)
    queue(sqlite_db, make_client(sqlite_db))
    sender = OutboxSender(sqlite_db, interval_ms=60_000)
    reports: list[SendReport] = []
    sender.run_finished.connect(reports.append)
    sender.start()
    qtbot.waitUntil(lambda: sender.runs == 1, timeout=20_000)
    sender.stop()
    assert reports[0].retried == 1 and reports[0].sent == 0
    assert states(sqlite_db) == ["queued"]
