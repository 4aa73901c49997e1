"""Manual sending: the operator copies the text, or opens a `mailto:` / `sms:` link."""

from __future__ import annotations

from urllib.parse import quote

from operator_app.core.messaging.channels import OutboundMessage

__all__ = ["manual_link"]


def manual_link(message: OutboundMessage) -> str:
    """A link that opens the client's mail program or messenger with the text filled in:
    `mailto:` for an e-mail address, `sms:` for a phone (`tel:` when there is no text)."""
    address = message.address.strip()
    if "@" in address:
        query = []
        if message.subject:
            query.append("subject=" + quote(message.subject, safe=""))
        if message.body:
            query.append("body=" + quote(message.body.replace("\n", "\r\n"), safe=""))
        return "mailto:" + quote(address, safe="@+") + ("?" + "&".join(query) if query else "")
    number = "".join(ch for ch in address if ch.isdigit() or ch == "+")
    if not message.body:
        return "tel:" + number
    return "sms:" + number + "?body=" + quote(message.body, safe="")
