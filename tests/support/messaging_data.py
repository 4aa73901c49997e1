"""Builders for the messaging tests: clients with addresses, consents and visits; channel
settings; and real local servers standing in for the SMTP server and the HTTP gateway."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from operator_app.core.messaging.channel_settings import ChannelSettingsService
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    Campaign,
    ClientPreferences,
    Consent,
    Contact,
    Lead,
    Office,
    Phone,
    Resource,
    User,
    Visit,
)

# Monday 23 November 2026, 09:00 UTC (12:00 in Moscow).
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
_counter = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Client:
    contact_id: int
    lead_id: int
    campaign_id: int


def make_admin(db: Database) -> Actor:
    login = f"admin{next(_counter)}"
    with db.session() as session:
        user = User(login=login, display_name="Админ", role="admin", password_hash="x")
        session.add(user)
        session.flush()
        return Actor(user.id, login, "Админ", Role.ADMIN)


def make_client(
    db: Database,
    name: str = "Анна Смирнова",
    *,
    email: str | None = "anna@example.ru",
    mobile: str | None = "+79161234567",
    landline: str | None = None,
    zone: str | None = None,
    campaign_zone: str = "Europe/Moscow",
    consent: bool | None = True,
    preferred_channel: str | None = None,
    company_name: str | None = "Ясный кредит",
) -> Client:
    """A contact with a lead in a fresh campaign; `consent` None: never asked."""
    with db.session() as session:
        settings = {} if company_name is None else {"company_name": company_name}
        campaign = Campaign(
            name=f"Кампания {next(_counter)}", time_zone=campaign_zone, settings=settings
        )
        contact = Contact(full_name=name, email=email, time_zone=zone, custom_fields={})
        session.add_all([campaign, contact])
        session.flush()
        for number, kind in ((landline, "landline"), (mobile, "mobile")):
            if number is not None:
                session.add(Phone(contact_id=contact.id, e164=number, kind=kind))
        if consent is not None:
            session.add(
                Consent(
                    contact_id=contact.id,
                    kind="reminders",
                    granted=consent,
                    channel="phone_call",
                    taken_at=NOW - dt.timedelta(days=1),
                )
            )
        if preferred_channel is not None:
            session.add(
                ClientPreferences(contact_id=contact.id, windows=[], channel=preferred_channel)
            )
        lead = Lead(contact_id=contact.id, campaign_id=campaign.id, state="visit_booked")
        session.add(lead)
        session.flush()
        return Client(contact.id, lead.id, campaign.id)


def make_visit(
    db: Database,
    client: Client,
    starts_at: dt.datetime,
    *,
    office_zone: str = "Europe/Moscow",
    directions: str | None = "Выход 3 из метро «Пушкинская», 200 м прямо",
) -> int:
    with db.session() as session:
        office = Office(
            name=f"Офис на Тверской {next(_counter)}",
            address="Москва, Тверская ул., 1",
            directions=directions,
            phone="+74951234567",
            time_zone=office_zone,
        )
        session.add(office)
        session.flush()
        resource = Resource(office_id=office.id, name="Ольга Иванова")
        session.add(resource)
        session.flush()
        visit = Visit(
            lead_id=client.lead_id,
            resource_id=resource.id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            details={},
        )
        session.add(visit)
        session.flush()
        return visit.id


FULL_CONTEXT = {
    "client_name": "Анна",
    "visit_date": "25 ноября 2026 (среда)",
    "visit_time": "14:30",
    "office_name": "Офис на Тверской",
    "office_address": "Москва, Тверская ул., 1",
    "directions": "Выход 3 из метро",
    "office_phone": "+74951234567",
    "resource_name": "Ольга Иванова",
    "company_name": "Ясный кредит",
}


def configure_smtp(db: Database, port: int, *, enabled: bool = True, **extra: Any) -> None:
    config = {
        "host": "127.0.0.1",
        "port": port,
        "security": "plain",
        "from_address": "visits@example.ru",
        "from_name": "Ясный кредит",
        "timeout_seconds": 10,
        **extra,
    }
    ChannelSettingsService(db).save(make_admin(db), "email", enabled=enabled, config=config)


def configure_gateway(db: Database, channel: str, url: str, **extra: Any) -> None:
    config = {"url": url, "token": "secret-token", "timeout_seconds": 10, **extra}
    ChannelSettingsService(db).save(make_admin(db), channel, enabled=True, config=config)


# --- a real SMTP server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class _MailHandler:
    received: list[ReceivedMail] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[ReceivedMail]]]:
    """A real SMTP server on 127.0.0.1: (its port, the mails it received)."""
    handler = _MailHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.received
    finally:
        controller.stop()


# --- a real HTTP server standing in for the gateway ------------------------------------


@dataclass
class GatewayRequest:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class Gateway:
    url: str
    requests: list[GatewayRequest]
    statuses: list[int]  # answers for the next requests, then 200

    def __post_init__(self) -> None:
        self.lock = threading.Lock()


@contextmanager
def gateway_server() -> Iterator[Gateway]:
    gateway = Gateway(url="", requests=[], statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
            with gateway.lock:
                gateway.requests.append(
                    GatewayRequest(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, payload
                    )
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
            body = (
                b'{"status": "queued"}'
                if status < 300
                else ('{"error": "временная ошибка шлюза"}').encode()
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
