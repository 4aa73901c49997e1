"""`operator-app outbox send` end to end, in-process, against an SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from operator_app.cli import main
from operator_app.core.messaging.outbox import Outbox
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories.call_queries import write_session
from tests.support.messaging_data import (
    configure_gateway,
    configure_smtp,
    gateway_server,
    make_client,
    make_visit,
    smtp_server,
)

# No quiet hours, so the test passes at any hour of the day.
ALWAYS: dict[str, Any] = {"quiet_from": "00:00", "quiet_to": "00:00"}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return "sqlite:///" + (tmp_path / "outbox.sqlite3").as_posix()


@pytest.fixture
def database(db_url: str, capsys: pytest.CaptureFixture[str]) -> Iterator[Database]:
    assert main(["db", "upgrade", "--db", db_url]) == 0
    capsys.readouterr()
    database = Database(db_url)
    yield database
    database.dispose()


def queue_confirmation(database: Database, **client: object) -> None:
    """Queued now (the command sends at the real time) for a visit in two days."""
    now = utcnow()
    person = make_client(database, **client)  # type: ignore[arg-type]
    visit = make_visit(database, person, now + dt.timedelta(days=2))
    with write_session(database) as session:
        queued = Outbox(database).queue_in_session(
            session,
            contact_id=person.contact_id,
            lead_id=person.lead_id,
            visit_id=visit,
            template_code="booking_confirmation",
            context={},
            not_before=now,
            now=now,
        )
    assert queued is not None


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sends_due_messages_and_prints_counts(
    database: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (port, received):
        configure_smtp(database, port, **ALWAYS)
        queue_confirmation(database, name="Анна Смирнова")
        queue_confirmation(database, name="Пётр Иванов", email="petr@example.ru")
        code, out, err = run(capsys, "outbox", "send", "--json", "--db", db_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Sent 2, failed 0, retry scheduled 0, left in the outbox 0"
    assert json.loads(lines[-1]) == {"sent": 2, "failed": 0, "retried": 0, "left": 0}
    assert sorted(rcpt for mail in received for rcpt in mail.recipients) == [
        "anna@example.ru",
        "petr@example.ru",
    ]
    code, out, _err = run(capsys, "outbox", "send", "--db", db_url)
    assert code == 0 and out == "Sent 0, failed 0, retry scheduled 0, left in the outbox 0\n"


def test_a_failed_send_exits_1(
    database: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with gateway_server() as gateway:
        configure_gateway(database, "sms", gateway.url, **ALWAYS)
        queue_confirmation(database, email=None)
        gateway.statuses.append(502)
        code, out, err = run(capsys, "outbox", "send", "--json", "--db", db_url)
    assert (code, err) == (1, "")
    assert json.loads(out.splitlines()[-1]) == {"sent": 0, "failed": 0, "retried": 1, "left": 1}
    [view] = Outbox(database).messages()
    assert view.last_error is not None and "HTTP 502" in view.last_error


def test_a_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "outbox", "send", "--db", "nonsense://")
    assert code == 2 and out == ""
    assert err.startswith("operator-app: --db:") and err.count("\n") == 1
