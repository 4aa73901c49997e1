"""How each channel sends, kept in `channel_settings`: the SMTP server, the HTTP gateway, and
quiet hours. Saving validates everything, so the sender can trust what it reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import message_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "CONFIGURABLE_CHANNELS",
    "SMTP_SECURITY",
    "ChannelSettings",
    "ChannelSettingsService",
    "GatewayConfig",
    "SmtpConfig",
    "channel_settings_in_session",
    "normalise_config",
    "parse_gateway_config",
    "parse_smtp_config",
    "quiet_hours_in_session",
]

CONFIGURABLE_CHANNELS = ("email", "sms", "messenger")
SMTP_SECURITY = ("starttls", "ssl", "plain")
DEFAULT_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # starttls | ssl | plain
    user: str | None
    password: str | None
    from_address: str
    from_name: str | None
    timeout_seconds: int


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """A gateway that takes one JSON object per message by POST."""

    url: str
    token: str | None
    token_header: str
    token_prefix: str
    to_field: str
    text_field: str
    reference_field: str | None  # the outbox message id, for the gateway's de-duplication
    sender_field: str | None
    sender: str | None
    extra: dict[str, Any]  # constant fields some gateways need (e.g. {"channel": "whatsapp"})
    timeout_seconds: int


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    channel: str
    enabled: bool
    config: dict[str, Any]  # normalised
    quiet_hours: QuietHours

    def smtp(self) -> SmtpConfig:
        return parse_smtp_config(self.config)

    def gateway(self) -> GatewayConfig:
        return parse_gateway_config(self.config)


def _text(config: dict[str, Any], field: str, *, required: bool = False) -> str | None:
    value = config.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(field, "empty", f"{field} must not be empty")
        return None
    if not isinstance(value, str):
        raise ValidationFailed(field, "not_text", f"{field} must be text")
    return value.strip()


def _int(config: dict[str, Any], field: str, default: int, low: int, high: int) -> int:
    value = config.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            field, "out_of_range", f"{field} must be a whole number from {low} to {high}"
        )
    return value


def parse_smtp_config(config: dict[str, Any]) -> SmtpConfig:
    host = _text(config, "host", required=True)
    security = config.get("security", "starttls")
    if security not in SMTP_SECURITY:
        raise ValidationFailed(
            "security", "unknown", "security must be one of " + ", ".join(SMTP_SECURITY)
        )
    default_port = {"starttls": 587, "ssl": 465, "plain": 25}[security]
    from_address = _text(config, "from_address", required=True)
    assert host is not None and from_address is not None
    if "@" not in from_address or any(c.isspace() for c in from_address):
        raise ValidationFailed(
            "from_address", "bad_email", "from_address must be an e-mail address"
        )
    user = _text(config, "user")
    password = config.get("password") or None
    if password is not None and not isinstance(password, str):
        raise ValidationFailed("password", "not_text", "password must be text")
    return SmtpConfig(
        host=host,
        port=_int(config, "port", default_port, 1, 65535),
        security=security,
        user=user,
        password=password,
        from_address=from_address,
        from_name=_text(config, "from_name"),
        timeout_seconds=_int(config, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, 300),
    )


def parse_gateway_config(config: dict[str, Any]) -> GatewayConfig:
    url = _text(config, "url", required=True)
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("url", "bad_url", "url must start with https:// (or http://)")
    extra = config.get("extra", {})
    if not isinstance(extra, dict) or not all(isinstance(key, str) for key in extra):
        raise ValidationFailed("extra", "not_mapping", "extra must map field names to values")
    return GatewayConfig(
        url=url,
        token=_text(config, "token"),
        token_header=_text(config, "token_header") or "Authorization",
        token_prefix=_prefix(config),
        to_field=_text(config, "to_field") or "to",
        text_field=_text(config, "text_field") or "text",
        reference_field=_text(config, "reference_field")
        if "reference_field" in config
        else "reference",
        sender_field=_text(config, "sender_field"),
        sender=_text(config, "sender"),
        extra=dict(extra),
        timeout_seconds=_int(config, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, 300),
    )


def _prefix(config: dict[str, Any]) -> str:
    prefix = config.get("token_prefix", "Bearer ")
    if not isinstance(prefix, str):
        raise ValidationFailed("token_prefix", "not_text", "token_prefix must be text")
    return prefix


def normalise_config(channel: str, enabled: bool, config: dict[str, Any]) -> dict[str, Any]:
    """The config as it will be stored; ValidationFailed names the first bad field.

    A disabled channel may be half-configured (only quiet hours are checked); an enabled one
    must be complete.
    """
    if channel not in CONFIGURABLE_CHANNELS:
        raise ValidationFailed("channel", "unknown", f"unknown channel {channel!r}")
    if not isinstance(config, dict):
        raise ValidationFailed("config", "not_mapping", "the settings must be a mapping")
    stored = dict(config)
    stored.update(QuietHours.from_config(config).to_config())
    if enabled:
        if channel == "email":
            parse_smtp_config(stored)
        else:
            parse_gateway_config(stored)
    return stored


def _settings(channel: str, row: tuple[bool, dict[str, Any]] | None) -> ChannelSettings:
    enabled, config = row if row is not None else (False, {})
    try:
        quiet = QuietHours.from_config(config)
    except ValidationFailed:
        quiet = DEFAULT_QUIET_HOURS
    return ChannelSettings(channel, enabled, config, quiet)


def channel_settings_in_session(session: Session, channel: str) -> ChannelSettings:
    return _settings(channel, q.channel_setting(session, channel))


def quiet_hours_in_session(session: Session, channel: str) -> QuietHours:
    """The channel's quiet hours (manual sending keeps the default ones)."""
    if channel not in CONFIGURABLE_CHANNELS:
        return DEFAULT_QUIET_HOURS
    return channel_settings_in_session(session, channel).quiet_hours


class ChannelSettingsService:
    """Reading and saving channel settings (administrators save)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self) -> list[ChannelSettings]:
        with self._db.session() as session:
            rows = q.channel_settings(session)
        return [_settings(channel, rows.get(channel)) for channel in CONFIGURABLE_CHANNELS]

    def get(self, channel: str) -> ChannelSettings:
        if channel not in CONFIGURABLE_CHANNELS:
            raise ValidationFailed("channel", "unknown", f"unknown channel {channel!r}")
        with self._db.session() as session:
            return channel_settings_in_session(session, channel)

    def save(
        self,
        actor: Actor,
        channel: str,
        *,
        enabled: bool,
        config: dict[str, Any],
        now: dt.datetime | None = None,
    ) -> ChannelSettings:
        require(actor, Permission.MANAGE_CAMPAIGNS)
        stored = normalise_config(channel, enabled, config)
        with write_session(self._db) as session:
            q.save_channel_setting(session, channel, enabled, stored, now or utcnow())
        return self.get(channel)
