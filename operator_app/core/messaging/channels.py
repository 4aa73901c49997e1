"""What every channel's sender does: deliver one message or say why it could not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["MESSAGE_CHANNELS", "OutboundMessage", "SendFailed", "Sender"]

MESSAGE_CHANNELS = ("email", "sms", "messenger", "manual")


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    message_id: int
    channel: str
    address: str  # an e-mail address, or a phone in E.164
    subject: str | None
    body: str


class SendFailed(Exception):
    """Delivery failed; the text (one line, no secrets) is kept as the message's last error."""


class Sender(Protocol):
    def send(self, message: OutboundMessage) -> None:
        """Deliver the message; raise SendFailed when it was not accepted."""
        ...
