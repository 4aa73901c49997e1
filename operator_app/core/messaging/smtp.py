"""E-mail over SMTP: STARTTLS, implicit TLS or plain; logging in when a user is set."""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from operator_app.core.messaging.channel_settings import SmtpConfig
from operator_app.core.messaging.channels import OutboundMessage, SendFailed
from operator_app.storage.base import utcnow

__all__ = ["SmtpSender", "build_email"]


def build_email(config: SmtpConfig, message: OutboundMessage) -> EmailMessage:
    """A UTF-8 e-mail (EmailMessage encodes non-ASCII subjects and bodies properly)."""
    email = EmailMessage()
    sender_domain = config.from_address.rpartition("@")[2]
    if config.from_name:
        username, _, domain = config.from_address.rpartition("@")
        email["From"] = Address(config.from_name, username, domain)
    else:
        email["From"] = config.from_address
    email["To"] = message.address
    email["Subject"] = message.subject or ""
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.message_id}", domain=sender_domain)
    email.set_content(message.body, charset="utf-8")
    return email


class SmtpSender:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    def _connect(self) -> smtplib.SMTP:
        config = self._config
        if config.security == "ssl":
            return smtplib.SMTP_SSL(
                config.host,
                config.port,
                timeout=config.timeout_seconds,
                context=ssl.create_default_context(),
            )
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        if config.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: OutboundMessage) -> None:
        config = self._config
        email = build_email(config, message)
        try:
            with self._connect() as client:
                if config.user:
                    client.login(config.user, config.password or "")
                refused = client.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise SendFailed(f"SMTP refused the recipient: {_refusal(error.recipients)}") from error
        except smtplib.SMTPResponseException as error:
            raise SendFailed(
                f"SMTP error {error.smtp_code}: {_decode(error.smtp_error)}"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise SendFailed(
                f"SMTP {config.host}:{config.port}: {type(error).__name__}: {error}"
            ) from error
        if refused:
            raise SendFailed(f"SMTP refused the recipient: {_refusal(refused)}")


def _decode(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{addr} ({code} {_decode(reason)})" for addr, (code, reason) in recipients.items()
    )
