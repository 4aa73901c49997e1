"""The outbox page: messages by state with counts, the text of the chosen one, retry, copy,
open the manual link, mark sent by hand, and send the due ones through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QFontMetrics, QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.messaging import Outbox
from operator_app.core.roles import Actor, Role
from operator_app.gui.i18n import Translations
from operator_app.gui.messaging.outbox_model import (
    CLIENT_COLUMN,
    FITTED_MAX_WIDTHS,
    LAST_ERROR_COLUMN,
    STATE_COLUMN,
)
from operator_app.gui.messaging.outbox_page import OutboxPage
from operator_app.gui.messaging.state_chips import checked_font
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, OutgoingMessage
from operator_app.storage.repositories.call_queries import write_session
from tests.gui.helpers import add_user, context_for
from tests.support.messaging_data import (
    FULL_CONTEXT,
    Client,
    configure_smtp,
    make_client,
    smtp_server,
)

pytestmark = pytest.mark.usefixtures("close_windows")


def configure_smtp_without_quiet_hours(db: Database, port: int) -> None:
    """Sending must not wait for the morning whenever the test happens to run."""
    configure_smtp(db, port, quiet_from="00:00", quiet_to="00:00")


def queue(db: Database, client: Client, *, channel: str | None = None) -> int:
    now = utcnow() - dt.timedelta(minutes=1)
    with write_session(db) as session:
        queued = Outbox(db).queue_in_session(
            session,
            contact_id=client.contact_id,
            lead_id=client.lead_id,
            visit_id=None,
            template_code="booking_confirmation",
            context=FULL_CONTEXT,
            channel=channel,
            not_before=now,
            now=now,
        )
    assert queued is not None
    return queued.message_id


def fail(db: Database, message_id: int, error: str) -> None:
    with db.session() as session:
        message = session.get(OutgoingMessage, message_id)
        assert message is not None
        message.state, message.attempts, message.last_error = "failed", 4, error


def state_of(db: Database, message_id: int) -> str:
    with db.session() as session:
        state = session.scalar(
            select(OutgoingMessage.state).where(OutgoingMessage.id == message_id)
        )
        assert state is not None
        return state


def open_page(qtbot: QtBot, db: Database, actor: Actor, translations: Translations) -> OutboxPage:
    page = OutboxPage(context_for(db, actor, translations))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def select_message(page: OutboxPage, message_id: int) -> None:
    assert page.table.select_where(lambda row: row.message_id == message_id)


@pytest.fixture
def operator(sqlite_db: Database, admin: Actor) -> Actor:
    return add_user(sqlite_db, admin, "olga", Role.OPERATOR)


class LinkCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened_links() -> Iterator[list[str]]:
    """Links the page opens, caught by Qt's own URL handler hook instead of a mail program."""
    catcher = LinkCatcher()
    for scheme in ("mailto", "sms"):
        # PySide6 accepts only a str here although its stubs say bytes.
        QDesktopServices.setUrlHandler(scheme, catcher, "catch")  # type: ignore[arg-type]
    yield catcher.urls
    for scheme in ("mailto", "sms"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_messages_by_state_with_counts_and_the_chosen_text(
    qtbot: QtBot,
    sqlite_db: Database,
    operator: Actor,
    translations: Translations,
    qtmodeltester: ModelTester,
) -> None:
    anna = make_client(sqlite_db)
    ivan = make_client(sqlite_db, "Иван Петров", email="ivan@example.ru")
    queued = queue(sqlite_db, anna)
    failed = queue(sqlite_db, ivan)
    fail(sqlite_db, failed, "SMTP 550: mailbox unavailable")
    page = open_page(qtbot, sqlite_db, operator, translations)
    qtmodeltester.check(page.model)  # type: ignore[no-untyped-call]

    assert page.model.rowCount() == 2
    assert page.chips.buttons["all"].text() == "All (2)"
    assert page.chips.buttons["queued"].text() == "Queued (1)"
    assert page.chips.buttons["failed"].text() == "Failed (1)"
    assert page.chips.buttons["sent"].text() == "Sent (0)"

    page.chips.buttons["failed"].click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1, timeout=10_000)
    row = page.model.row_at(0)
    assert row.message_id == failed
    texts = [page.model.data(page.model.index(0, column)) for column in range(9)]
    assert texts[2:] == [
        "Иван Петров",
        "Failed",
        "4",
        "SMTP 550: mailbox unavailable",
        "E-mail",
        "ivan@example.ru",
        "Booking confirmation",
    ]
    select_message(page, failed)
    shown = page.detail.toPlainText()
    assert "Last error: SMTP 550: mailbox unavailable" in shown
    assert row.subject is not None and f"Subject: {row.subject}" in shown
    assert row.body in shown
    assert page.retry_button.isEnabled()
    assert not page.link_button.isEnabled() and not page.mark_sent_button.isEnabled()

    page.chips.buttons["queued"].click()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1, timeout=10_000)
    assert page.model.row_at(0).message_id == queued


def test_retry_queues_a_failed_message_again(
    qtbot: QtBot, sqlite_db: Database, operator: Actor, translations: Translations
) -> None:
    message = queue(sqlite_db, make_client(sqlite_db))
    fail(sqlite_db, message, "timed out")
    page = open_page(qtbot, sqlite_db, operator, translations)
    select_message(page, message)
    page.retry_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert state_of(sqlite_db, message) == "queued"
    assert page.notice.text() == "The message is queued again."
    assert page.chips.buttons["failed"].text() == "Failed (0)"
    with sqlite_db.session() as session:
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "message", AuditEntry.entity_id == message
            )
        ).one()
        assert (audit.user_id, audit.action) == (operator.user_id, "retry")


def test_a_manual_message_is_copied_opened_as_a_link_and_marked_sent(
    qtbot: QtBot,
    sqlite_db: Database,
    operator: Actor,
    translations: Translations,
    opened_links: list[str],
) -> None:
    client = make_client(sqlite_db, email=None, mobile="+79161234567")
    message = queue(sqlite_db, client, channel="manual")
    page = open_page(qtbot, sqlite_db, operator, translations)
    select_message(page, message)
    view = page.selected()
    assert view is not None and view.channel == "manual"
    assert not page.retry_button.isEnabled()

    page.copy_button.click()
    assert QGuiApplication.clipboard().text() == view.body
    assert "Анна" in view.body

    page.link_button.click()
    assert opened_links == [QUrl(view.link).toString()]
    assert opened_links[0].startswith("sms:+79161234567?body=")

    page.mark_sent_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert state_of(sqlite_db, message) == "sent"
    select_message(page, message)
    assert not page.mark_sent_button.isEnabled()


def test_an_administrator_sees_messages_but_retry_is_the_operators_job(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations
) -> None:
    message = queue(sqlite_db, make_client(sqlite_db))
    fail(sqlite_db, message, "timed out")
    page = open_page(qtbot, sqlite_db, admin, translations)
    select_message(page, message)
    assert page.copy_button.isEnabled()
    assert not page.retry_button.isEnabled()


def test_send_due_now_sends_through_the_smtp_server_and_shows_the_report(
    qtbot: QtBot, sqlite_db: Database, operator: Actor, translations: Translations
) -> None:
    with smtp_server() as (port, received):
        configure_smtp_without_quiet_hours(sqlite_db, port)
        message = queue(sqlite_db, make_client(sqlite_db))
        page = open_page(qtbot, sqlite_db, operator, translations)
        page.send_button.click()
        qtbot.waitUntil(lambda: not page.is_busy(), timeout=20_000)
        assert [mail.recipients for mail in received] == [["anna@example.ru"]]
    assert state_of(sqlite_db, message) == "sent"
    assert page.last_report is not None and page.last_report.sent == 1
    assert page.notice.text() == "Sent: 1. Will be retried: 0. Failed: 0. Still queued: 0."
    assert page.chips.buttons["sent"].text() == "Sent (1)"


def test_the_page_refreshes_on_its_timer(
    qtbot: QtBot, sqlite_db: Database, operator: Actor, translations: Translations
) -> None:
    page = OutboxPage(context_for(sqlite_db, operator, translations), refresh_ms=100)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.model.rowCount() == 0
    queue(sqlite_db, make_client(sqlite_db))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)


def test_chips_fit_their_bold_text_and_the_state_is_in_sight_at_1440_px(
    qtbot: QtBot, sqlite_db: Database, operator: Actor, translations: Translations
) -> None:
    client = make_client(sqlite_db, "Константинопольская Виктория Александровна")
    fail(sqlite_db, queue(sqlite_db, client), "SMS gateway: HTTP 503 Service Unavailable " * 4)
    page = OutboxPage(context_for(sqlite_db, operator, translations))
    qtbot.addWidget(page)
    page.resize(1440, 840)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 1, timeout=10_000)

    padding_and_border = 2 * (12 + 1)
    needed = {
        chip: QFontMetrics(checked_font(chip.font())).horizontalAdvance(chip.text())
        + padding_and_border
        for chip in page.chips.buttons.values()
    }
    for chip, width in needed.items():
        assert chip.sizeHint().width() >= width
    qtbot.waitUntil(lambda: all(chip.width() >= width for chip, width in needed.items()))

    table_width, detail_width = page.split.sizes()
    assert table_width >= 2 * detail_width - 2
    table = page.table
    for column in (STATE_COLUMN, STATE_COLUMN + 1, LAST_ERROR_COLUMN):
        left = table.columnViewportPosition(column)
        assert left >= 0 and left + table.columnWidth(column) <= table.viewport().width()
    assert table.columnWidth(CLIENT_COLUMN) <= FITTED_MAX_WIDTHS[CLIENT_COLUMN]


def test_the_split_is_remembered(
    qtbot: QtBot, sqlite_db: Database, operator: Actor, translations: Translations
) -> None:
    page = open_page(qtbot, sqlite_db, operator, translations)
    page.resize(1440, 840)
    page.split.setSizes([700, 700])
    page.split_memory.save()
    again = open_page(qtbot, sqlite_db, operator, translations)
    again.resize(1440, 840)
    assert again.split_memory.restored
    sizes = again.split.sizes()
    assert abs(sizes[0] - sizes[1]) <= 2
