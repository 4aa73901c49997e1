"""SMS and messenger messages through an HTTP gateway.

Gateways differ, so the transport is an adapter: `GatewayAdapter` is all the outbox needs,
and `JsonPostAdapter` covers the common case of one JSON object per message, POSTed with a
token header, field names taken from the channel settings.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from operator_app.core.messaging.channel_settings import GatewayConfig
from operator_app.core.messaging.channels import OutboundMessage, SendFailed

__all__ = ["BODY_EXCERPT", "GatewayAdapter", "GatewaySender", "JsonPostAdapter"]

BODY_EXCERPT = 300


class GatewayAdapter(Protocol):
    def deliver(self, message: OutboundMessage) -> None:
        """Hand the message to the gateway; raise SendFailed when it was not accepted."""
        ...


class JsonPostAdapter:
    def __init__(self, config: GatewayConfig) -> None:
        self._config = config

    def payload(self, message: OutboundMessage) -> dict[str, Any]:
        config = self._config
        payload: dict[str, Any] = dict(config.extra)
        payload[config.to_field] = message.address
        payload[config.text_field] = message.body
        if config.reference_field:
            payload[config.reference_field] = str(message.message_id)
        if config.sender_field and config.sender:
            payload[config.sender_field] = config.sender
        return payload

    def deliver(self, message: OutboundMessage) -> None:
        config = self._config
        data = json.dumps(self.payload(message), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(config.url, data=data, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("Accept", "application/json")
        if config.token:
            request.add_header(config.token_header, config.token_prefix + config.token)
        try:
            with urllib.request.urlopen(request, timeout=config.timeout_seconds) as response:
                status = response.status
                body = response.read(BODY_EXCERPT * 4)
        except urllib.error.HTTPError as error:
            excerpt = _excerpt(error.read(BODY_EXCERPT * 4))
            error.close()
            raise SendFailed(f"gateway answered HTTP {error.code}: {excerpt}") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise SendFailed(f"gateway {config.url} unreachable: {reason}") from error
        if not 200 <= status < 300:
            raise SendFailed(f"gateway answered HTTP {status}: {_excerpt(body)}")


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= BODY_EXCERPT else text[: BODY_EXCERPT - 1] + "…"


class GatewaySender:
    """The outbox's sender for one gateway channel."""

    def __init__(self, adapter: GatewayAdapter) -> None:
        self._adapter = adapter

    def send(self, message: OutboundMessage) -> None:
        self._adapter.deliver(message)
