"""The outbox on SQLite and PostgreSQL: consent gate, addresses, quiet hours, and sending
through a real local SMTP server and a real local HTTP gateway, with retries."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select, update

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging.channel_settings import ChannelSettingsService
from operator_app.core.messaging.outbox import MessageStateError, Outbox, QueuedMessage
from operator_app.core.messaging.render import MissingPlaceholder
from operator_app.core.messaging.templates import TemplateService
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Consent, OutgoingMessage
from operator_app.storage.repositories.call_queries import write_session
from tests.support.messaging_data import (
    NOW,
    Client,
    configure_gateway,
    configure_smtp,
    gateway_server,
    make_admin,
    make_client,
    make_visit,
    smtp_server,
)

VISIT_AT = dt.datetime(2026, 11, 25, 11, 30, tzinfo=dt.UTC)  # 14:30 in Moscow, Wednesday


def queue(
    db: Database,
    client: Client,
    *,
    code: str = "booking_confirmation",
    visit_id: int | None = None,
    context: dict[str, str] | None = None,
    channel: str | None = None,
    language: str = "ru",
    not_before: dt.datetime = NOW,
    now: dt.datetime = NOW,
) -> QueuedMessage | None:
    with write_session(db) as session:
        return Outbox(db).queue_in_session(
            session,
            contact_id=client.contact_id,
            lead_id=client.lead_id,
            visit_id=visit_id,
            template_code=code,
            context=context or {},
            channel=channel,
            language=language,
            not_before=not_before,
            now=now,
        )


def message_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutgoingMessage)) or 0)


def operator(db: Database) -> Actor:
    admin = make_admin(db)
    return Actor(admin.user_id, admin.login, admin.display_name, Role.OPERATOR)


def test_nothing_is_queued_without_reminder_consent(db: Database) -> None:
    never_asked = make_client(db, consent=None)
    refused = make_client(db, consent=False)
    visit = make_visit(db, never_asked, VISIT_AT)
    assert queue(db, never_asked, visit_id=visit) is None
    assert queue(db, refused, visit_id=make_visit(db, refused, VISIT_AT)) is None
    assert message_count(db) == 0


def test_a_withdrawn_consent_stops_messages(db: Database) -> None:
    client = make_client(db)
    visit = make_visit(db, client, VISIT_AT)
    assert queue(db, client, visit_id=visit) is not None
    with db.session() as session:
        session.add(
            Consent(contact_id=client.contact_id, kind="reminders", granted=False, taken_at=NOW)
        )
    assert queue(db, client, visit_id=visit) is None
    assert message_count(db) == 1


def test_nothing_is_queued_without_an_address(db: Database) -> None:
    client = make_client(db, email=None, mobile=None)
    assert queue(db, client, visit_id=make_visit(db, client, VISIT_AT)) is None
    emailless = make_client(db, email=None)
    assert (
        queue(db, emailless, visit_id=make_visit(db, emailless, VISIT_AT), channel="email") is None
    )
    assert message_count(db) == 0


def test_channel_choice(db: Database) -> None:
    cases: list[tuple[dict[str, Any], str | None, tuple[str, str]]] = [
        ({}, None, ("email", "anna@example.ru")),
        ({"preferred_channel": "messenger"}, None, ("messenger", "+79161234567")),
        ({"preferred_channel": "phone"}, None, ("email", "anna@example.ru")),
        ({"email": None}, None, ("sms", "+79161234567")),
        (
            {"email": None, "mobile": None, "landline": "+74951112233"},
            None,
            ("manual", "+74951112233"),
        ),
        ({}, "sms", ("sms", "+79161234567")),
        ({}, "manual", ("manual", "anna@example.ru")),
    ]
    for kwargs, channel, expected in cases:
        client = make_client(db, **kwargs)
        queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT), channel=channel)
        assert queued is not None and (queued.channel, queued.address) == expected, kwargs


def test_queued_text_comes_from_the_visit_in_the_offices_time(db: Database) -> None:
    client = make_client(db, zone="Asia/Vladivostok")
    visit = make_visit(db, client, VISIT_AT, directions=None)
    queued = queue(db, client, visit_id=visit)
    assert queued is not None
    assert queued.subject == "Ясный кредит: ждём вас 25 ноября 2026 (среда) в 14:30"
    assert queued.body.startswith("Здравствуйте, Анна Смирнова!")
    assert "Адрес: Москва, Тверская ул., 1\n\nВас встретит Ольга Иванова." in queued.body
    assert "{" not in queued.body
    english = queue(db, client, visit_id=visit, language="en", channel="sms")
    assert english is not None and english.subject is None
    assert english.body.startswith(
        "Анна Смирнова, we look forward to seeing you on Wednesday, 25 November 2026 at 14:30"
    )
    overridden = queue(db, client, visit_id=visit, context={"client_name": "Анна"}, channel="sms")
    assert overridden is not None and overridden.body.startswith("Анна, ждём вас")


def test_a_missing_value_is_an_error_not_a_raw_placeholder(db: Database) -> None:
    client = make_client(db)
    with pytest.raises(MissingPlaceholder) as raised:
        queue(db, client, code="next_visit_reminder", context={"visit_date": "1 марта"})
    assert raised.value.name in {"visit_time", "office_name", "office_address", "company_name"}
    assert message_count(db) == 0


def test_send_after_leaves_quiet_hours_in_the_clients_zone(db: Database) -> None:
    moscow = make_client(db)
    far_east = make_client(db, zone="Asia/Vladivostok")
    campaign_zone = make_client(db, campaign_zone="Asia/Yekaterinburg", mobile=None)
    evening = dt.datetime(2026, 11, 23, 12, 30, tzinfo=dt.UTC)  # 15:30 Moscow, 22:30 Vladivostok
    a = queue(db, moscow, visit_id=make_visit(db, moscow, VISIT_AT), not_before=evening)
    b = queue(db, far_east, visit_id=make_visit(db, far_east, VISIT_AT), not_before=evening)
    assert a is not None and a.send_after == evening
    assert b is not None and b.send_after == dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC)
    night = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # 22:00 in Yekaterinburg
    c = queue(db, campaign_zone, visit_id=make_visit(db, campaign_zone, VISIT_AT), not_before=night)
    assert c is not None and c.send_after == dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.UTC)
    # A past "not before" never moves the message before now.
    late_now = dt.datetime(2026, 11, 23, 19, 0, tzinfo=dt.UTC)  # 22:00 in Moscow
    d = queue(db, moscow, visit_id=make_visit(db, moscow, VISIT_AT), not_before=NOW, now=late_now)
    assert d is not None and d.send_after == dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)


def test_channel_quiet_hours_are_configurable(db: Database) -> None:
    ChannelSettingsService(db).save(
        make_admin(db), "sms", enabled=False, config={"quiet_from": "12:00", "quiet_to": "13:00"}
    )
    client = make_client(db)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT), channel="sms")
    assert queued is not None  # 12:00 in Moscow is quiet for SMS now
    assert queued.send_after == dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_send_through_a_real_smtp_server(db: Database) -> None:
    client = make_client(db)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT))
    assert queued is not None
    with smtp_server() as (port, received):
        configure_smtp(db, port)
        outbox = Outbox(db)
        report = outbox.send_due(now=NOW)
        assert (report.sent, report.failed, report.retried, report.left) == (1, 0, 0, 0)
        assert outbox.send_due(now=NOW + dt.timedelta(hours=1)).sent == 0
    assert len(received) == 1
    mail = received[0]
    assert mail.recipients == ["anna@example.ru"]
    assert mail.sender == "visits@example.ru"
    assert mail.message["Subject"] == "Ясный кредит: ждём вас 25 ноября 2026 (среда) в 14:30"
    body = mail.message.get_body()
    assert body is not None
    text = body.get_content()
    assert "Здравствуйте, Анна Смирнова!" in text and "Тверская ул., 1" in text
    assert "Ясный кредит" in str(mail.message["From"])
    [view] = outbox.messages(state="sent")
    assert view.message_id == queued.message_id and view.attempts == 1 and view.sent_at is not None
    assert outbox.counts() == {"queued": 0, "sent": 1, "failed": 0}


def test_smtp_with_login_refused_is_retried(db: Database) -> None:
    client = make_client(db)
    queue(db, client, visit_id=make_visit(db, client, VISIT_AT))
    with smtp_server() as (port, received):
        # The test server offers no AUTH: logging in fails, which is a failed attempt.
        configure_smtp(db, port, user="visits", password="secret")
        report = Outbox(db).send_due(now=NOW)
    assert (report.sent, report.retried) == (0, 1) and received == []
    [view] = Outbox(db).messages()
    assert view.state == "queued" and view.last_error and "SMTP" in view.last_error
    assert "secret" not in view.last_error


def test_send_through_a_real_http_gateway(db: Database) -> None:
    client = make_client(db, email=None)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT), code="control_touch")
    assert queued is not None and queued.channel == "sms"
    with gateway_server() as gateway:
        configure_gateway(db, "sms", gateway.url, sender_field="sender", sender="YasnyKredit")
        report = Outbox(db).send_due(now=NOW)
    assert report.sent == 1
    [request] = gateway.requests
    assert request.path == "/send"
    assert request.headers["authorization"] == "Bearer secret-token"
    assert request.headers["content-type"].startswith("application/json")
    assert request.payload == {
        "to": "+79161234567",
        "text": queued.body,
        "reference": str(queued.message_id),
        "sender": "YasnyKredit",
    }
    assert request.payload["text"].startswith("Анна Смирнова, напоминаем: ждём вас завтра")


def test_gateway_failure_is_retried_with_back_off_then_sent(db: Database) -> None:
    client = make_client(db, preferred_channel="messenger")
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT), code="not_reached")
    assert queued is not None and queued.channel == "messenger"
    outbox = Outbox(db)
    with gateway_server() as gateway:
        configure_gateway(db, "messenger", gateway.url, extra={"route": "whatsapp"})
        gateway.statuses.extend([503])
        first = outbox.send_due(now=NOW)
        assert (first.sent, first.failed, first.retried, first.left) == (0, 0, 1, 1)
        [view] = outbox.messages()
        assert view.state == "queued" and view.attempts == 1
        assert view.last_error is not None
        assert "HTTP 503" in view.last_error and "временная ошибка шлюза" in view.last_error
        assert view.send_after == NOW + dt.timedelta(minutes=5)
        assert outbox.send_due(now=NOW + dt.timedelta(minutes=4)).sent == 0
        second = outbox.send_due(now=NOW + dt.timedelta(minutes=5))
        assert (second.sent, second.left) == (1, 0)
    assert len(gateway.requests) == 2
    assert gateway.requests[1].payload["route"] == "whatsapp"
    [view] = outbox.messages()
    assert view.state == "sent" and view.attempts == 2


def test_after_the_last_retry_the_message_stays_failed_until_retried(db: Database) -> None:
    client = make_client(db, email=None)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT))
    assert queued is not None
    outbox = Outbox(db)
    with gateway_server() as gateway:
        configure_gateway(db, "sms", gateway.url)
        gateway.statuses.extend([500, 500, 500, 400])
        moment = NOW
        outcomes = []
        for wait in (0, 5, 30, 120):
            moment += dt.timedelta(minutes=wait)
            report = outbox.send_due(now=moment)
            outcomes.append((report.retried, report.failed))
        assert outcomes == [(1, 0), (1, 0), (1, 0), (0, 1)]
        [view] = outbox.messages()
        assert view.state == "failed" and view.attempts == 4
        assert view.last_error is not None and "HTTP 400" in view.last_error
        assert outbox.send_due(now=moment + dt.timedelta(days=1)).sent == 0
        assert outbox.counts() == {"queued": 0, "sent": 0, "failed": 1}
        actor = operator(db)
        later = moment + dt.timedelta(days=1)
        outbox.retry(actor, queued.message_id, now=later)
        assert outbox.send_due(now=later).sent == 1
        with pytest.raises(MessageStateError):
            outbox.retry(actor, queued.message_id, now=later)
    assert len(gateway.requests) == 5
    with db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "message")
        ).all()
    assert actions == ["retry"]


def test_an_unreachable_gateway_is_a_failed_attempt(db: Database) -> None:
    client = make_client(db, email=None)
    queue(db, client, visit_id=make_visit(db, client, VISIT_AT))
    with gateway_server() as gateway:
        url = gateway.url
    configure_gateway(db, "sms", url)  # the server is gone
    report = Outbox(db).send_due(now=NOW)
    assert report.retried == 1
    [view] = Outbox(db).messages()
    assert view.last_error is not None and "unreachable" in view.last_error


def test_manual_and_disabled_channels_wait(db: Database) -> None:
    manual_client = make_client(db, email=None, mobile=None, landline="+74951112233")
    manual = queue(db, manual_client, visit_id=make_visit(db, manual_client, VISIT_AT))
    emailed = make_client(db)
    queue(db, emailed, visit_id=make_visit(db, emailed, VISIT_AT))
    outbox = Outbox(db)
    report = outbox.send_due(now=NOW)
    assert (report.sent, report.failed, report.retried, report.left) == (0, 0, 0, 2)
    assert manual is not None and manual.channel == "manual"
    view = outbox.message(manual.message_id)
    assert view.link.startswith("sms:+74951112233?body=")
    outbox.mark_sent_manually(operator(db), manual.message_id, now=NOW)
    assert outbox.message(manual.message_id).state == "sent"
    with pytest.raises(MessageStateError):
        outbox.mark_sent_manually(operator(db), manual.message_id, now=NOW)
    assert outbox.counts() == {"queued": 1, "sent": 1, "failed": 0}


def test_an_admin_fixes_failed_and_manual_messages(db: Database) -> None:
    """Admins configure the channels, so they resend what failed and mark hand-sent texts,
    though they do not work the queue."""
    failing = make_client(db)
    failed = queue(db, failing, visit_id=make_visit(db, failing, VISIT_AT))
    by_hand = make_client(db, email=None, mobile=None, landline="+74951112233")
    manual = queue(db, by_hand, visit_id=make_visit(db, by_hand, VISIT_AT))
    assert failed is not None and manual is not None
    with db.session() as session:
        session.execute(
            update(OutgoingMessage)
            .where(OutgoingMessage.id == failed.message_id)
            .values(state="failed", attempts=4, last_error="HTTP 400")
        )
    admin = make_admin(db)
    outbox = Outbox(db)
    outbox.retry(admin, failed.message_id, now=NOW)
    outbox.mark_sent_manually(admin, manual.message_id, now=NOW)
    assert outbox.message(failed.message_id).state == "queued"
    assert outbox.message(manual.message_id).state == "sent"
    with db.session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.user_id).where(AuditEntry.entity == "message")
        ).all()
    assert sorted(rows) == [("retry", admin.user_id), ("sent_manually", admin.user_id)]


def test_a_due_message_in_quiet_hours_waits_for_the_morning(db: Database) -> None:
    client = make_client(db, email=None)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT))
    assert queued is not None
    night = dt.datetime(2026, 11, 23, 19, 30, tzinfo=dt.UTC)  # 22:30 in Moscow
    with gateway_server() as gateway:
        configure_gateway(db, "sms", gateway.url)
        report = Outbox(db).send_due(now=night)
        assert (report.sent, report.left) == (0, 1) and gateway.requests == []
        view = Outbox(db).message(queued.message_id)
        assert view.attempts == 0
        assert view.send_after == dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)


def test_edited_templates_replace_shipped_ones(db: Database) -> None:
    templates = TemplateService(db)
    admin = make_admin(db)
    with pytest.raises(ValidationFailed) as raised:
        templates.save(admin, "control_touch", "ru", "sms", subject=None, body="Ждём {clientname}")
    assert "{clientname}" in str(raised.value)
    saved = templates.save(
        admin, "control_touch", "ru", "sms", subject=None, body="{client_name}, до завтра! {{:)}}"
    )
    assert saved.edited and saved.placeholders == ("client_name",)
    messenger = templates.template("control_touch", "ru", "messenger")
    assert messenger.borrowed_from == "sms" and messenger.body == saved.body
    client = make_client(db, email=None)
    queued = queue(db, client, visit_id=make_visit(db, client, VISIT_AT), code="control_touch")
    assert queued is not None and queued.body == "Анна Смирнова, до завтра! {:)}"
    assert templates.reset(admin, "control_touch", "ru", "sms")
    assert not templates.template("control_touch", "ru", "sms").edited
    listed = templates.templates(language="en")
    assert len(listed) == 9 * 4 and all(view.language == "en" for view in listed)


def test_withdrawing_a_visits_queued_messages(db: Database) -> None:
    client = make_client(db)
    visit = make_visit(db, client, VISIT_AT)
    queue(db, client, visit_id=visit, code="control_touch")
    queue(db, client, visit_id=visit, code="booking_confirmation")
    with write_session(db) as session:
        assert (
            Outbox(db).withdraw_for_visit_in_session(
                session, visit, except_codes=("booking_confirmation",)
            )
            == 1
        )
    assert [m.template_code for m in Outbox(db).messages()] == ["booking_confirmation"]


def test_two_senders_never_send_one_message_twice(pg_db: Database) -> None:
    clients = [make_client(pg_db, f"Клиент {i}", email=None) for i in range(30)]
    for client in clients:
        queue(pg_db, client, visit_id=make_visit(pg_db, client, VISIT_AT))
    errors: list[BaseException] = []
    reports = []
    with gateway_server() as gateway:
        configure_gateway(pg_db, "sms", gateway.url)
        start = threading.Barrier(3)

        def send() -> None:
            try:
                start.wait()
                reports.append(Outbox(pg_db).send_due(now=NOW))
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    references = Counter(request.payload["reference"] for request in gateway.requests)
    assert len(references) == 30 and set(references.values()) == {1}
    assert sum(report.sent for report in reports) == 30
    assert Outbox(pg_db).counts() == {"queued": 0, "sent": 30, "failed": 0}
