"""Manual links, channel settings validation, and the e-mail a message becomes."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging.channel_settings import (
    normalise_config,
    parse_gateway_config,
    parse_smtp_config,
)
from operator_app.core.messaging.channels import OutboundMessage
from operator_app.core.messaging.http_gateway import JsonPostAdapter
from operator_app.core.messaging.manual import manual_link
from operator_app.core.messaging.smtp import build_email


def test_mailto_link_quotes_subject_and_body() -> None:
    link = manual_link(
        OutboundMessage(
            1, "manual", "anna@example.ru", "Ждём вас & до встречи?", "Строка 1\nСтрока 2"
        )
    )
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "anna@example.ru"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Ждём вас & до встречи?"]
    assert query["body"] == ["Строка 1\r\nСтрока 2"]
    assert " " not in link and "\n" not in link


def test_sms_and_tel_links() -> None:
    link = manual_link(OutboundMessage(1, "manual", "+7 916 123-45-67", None, "Ждём вас?"))
    assert link.startswith("sms:+79161234567?body=")
    assert unquote(link.partition("body=")[2]) == "Ждём вас?"
    assert manual_link(OutboundMessage(1, "manual", "+79161234567", None, "")) == "tel:+79161234567"


@pytest.mark.parametrize(
    ("channel", "config", "field"),
    [
        ("email", {"host": "smtp.example.ru", "port": 0, "from_address": "a@b.ru"}, "port"),
        ("email", {"host": "smtp.example.ru", "port": 70000, "from_address": "a@b.ru"}, "port"),
        ("email", {"host": "", "from_address": "a@b.ru"}, "host"),
        ("email", {"host": "h", "from_address": "nobody"}, "from_address"),
        ("email", {"host": "h", "from_address": "a@b.ru", "security": "tls13"}, "security"),
        ("sms", {"url": "ftp://gateway.example/send"}, "url"),
        ("sms", {"url": "https:///send"}, "url"),
        ("messenger", {"url": "https://g.example", "timeout_seconds": 0}, "timeout_seconds"),
        ("sms", {"url": "https://g.example", "quiet_from": "9 pm"}, "quiet_from"),
    ],
)
def test_enabled_channel_settings_are_validated(
    channel: str, config: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        normalise_config(channel, True, config)
    assert raised.value.field == field


def test_disabled_channel_may_be_incomplete_but_gets_quiet_hours() -> None:
    assert normalise_config("sms", False, {}) == {"quiet_from": "21:00", "quiet_to": "09:00"}
    with pytest.raises(ValidationFailed):
        normalise_config("fax", False, {})


def test_email_is_utf8_with_encoded_subject() -> None:
    config = parse_smtp_config(
        {"host": "h", "from_address": "visits@example.ru", "from_name": "Ясный кредит"}
    )
    email = build_email(
        config, OutboundMessage(7, "email", "anna@example.ru", "Ждём вас", "Привет")
    )
    raw = email.as_bytes()
    assert b"=?utf-8?" in raw  # the Cyrillic subject is encoded, not raw 8-bit
    assert email["To"] == "anna@example.ru"
    assert "Ясный кредит" in str(email["From"]) and "visits@example.ru" in str(email["From"])
    assert email.get_content().strip() == "Привет"
    assert email.get_content_charset() == "utf-8"


def test_gateway_payload_uses_configured_field_names() -> None:
    config = parse_gateway_config(
        {
            "url": "https://g.example/api",
            "to_field": "phone",
            "text_field": "message",
            "reference_field": "client_ref",
            "sender_field": "from",
            "sender": "YasnyKredit",
            "extra": {"route": "whatsapp"},
        }
    )
    payload = JsonPostAdapter(config).payload(
        OutboundMessage(5, "messenger", "+79161234567", None, "Текст")
    )
    assert payload == {
        "route": "whatsapp",
        "phone": "+79161234567",
        "message": "Текст",
        "client_ref": "5",
        "from": "YasnyKredit",
    }
