"""Message templates: the shipped texts, the edited ones in the database, and choosing one.

Shipped texts live in `resources/messages/templates.yaml` (code -> language -> channel ->
subject/body; a short channel may be a plain string). A row in `message_templates` with the
same (code, language, channel) replaces the shipped text. A channel without its own text
borrows one: messenger uses the sms text, manual uses the e-mail text when the address is an
e-mail and the sms text otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, OperatorAppError, ValidationFailed
from operator_app.core.messaging.render import (
    TemplateSyntaxError,
    UnknownPlaceholder,
    placeholders_of,
    render_text,
)
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.settings import LANGUAGES
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.repositories import message_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "CHANNELS",
    "TEMPLATE_CODES",
    "MessageText",
    "TemplateNotFound",
    "TemplateService",
    "TemplateView",
    "borrowed_channels",
    "render_message",
    "resolve_in_session",
    "shipped_templates",
]

TEMPLATE_CODES = (
    "booking_confirmation",
    "control_touch",
    "not_reached",
    "polite_cancellation",
    "no_show_feedback",
    "review_request",
    "next_visit_reminder",
    "reschedule_notice",
    "earlier_slot",
)
CHANNELS = ("email", "sms", "messenger", "manual")
SUBJECT_MAX = 300


@dataclass(frozen=True, slots=True)
class MessageText:
    subject: str | None  # e-mail only
    body: str


class TemplateNotFound(OperatorAppError):
    def __init__(self, code: str, language: str, channel: str) -> None:
        self.code = code
        self.language = language
        self.channel = channel
        super().__init__(f"no message template {code!r} in {language!r} for {channel}")


def borrowed_channels(channel: str, address: str | None = None) -> tuple[str, ...]:
    """The channels whose texts serve `channel`, its own first."""
    if channel == "messenger":
        return ("messenger", "sms")
    if channel == "manual":
        return ("manual", "email") if address is not None and "@" in address else ("manual", "sms")
    return (channel,)


@functools.cache
def shipped_templates() -> Mapping[tuple[str, str, str], MessageText]:
    """The texts shipped with the app by (code, language, channel)."""
    path = resource_path("messages", "templates.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of template codes")
    found: dict[tuple[str, str, str], MessageText] = {}
    for code, languages in raw.items():
        if code not in TEMPLATE_CODES or not isinstance(languages, dict):
            raise ValueError(f"{path}: unknown template code {code!r}")
        for language, channels in languages.items():
            if language not in LANGUAGES or not isinstance(channels, dict):
                raise ValueError(f"{path}: {code}: unknown language {language!r}")
            for channel, text in channels.items():
                if channel not in CHANNELS:
                    raise ValueError(f"{path}: {code}.{language}: unknown channel {channel!r}")
                found[(code, language, channel)] = _shipped_text(path.name, text)
    return found


def _shipped_text(where: str, text: Any) -> MessageText:
    if isinstance(text, str):
        return MessageText(None, text.strip())
    if isinstance(text, dict) and isinstance(text.get("body"), str):
        subject = text.get("subject")
        return MessageText(
            None if subject is None else str(subject).strip(), str(text["body"]).strip()
        )
    raise ValueError(f"{where}: a template is a text or a mapping with a body")


def resolve_in_session(
    session: Session, code: str, language: str, channel: str, address: str | None = None
) -> MessageText:
    """The text used for this message: edited beats shipped, the channel's own beats borrowed."""
    shipped = shipped_templates()
    for candidate in borrowed_channels(channel, address):
        edited = q.template_override(session, code, language, candidate)
        if edited is not None:
            return MessageText(edited[0], edited[1])
        if (code, language, candidate) in shipped:
            return shipped[(code, language, candidate)]
    raise TemplateNotFound(code, language, channel)


def render_message(text: MessageText, values: Mapping[str, str]) -> MessageText:
    """The text filled in; raises MissingPlaceholder rather than leave a `{name}` behind."""
    subject = None if text.subject is None else render_text(text.subject, values)
    if subject is not None:
        subject = " ".join(subject.split())  # a subject is one line
    return MessageText(subject, render_text(text.body, values))


@dataclass(frozen=True, slots=True)
class TemplateView:
    code: str
    language: str
    channel: str
    subject: str | None
    body: str
    edited: bool  # a database row replaces the shipped text for exactly this channel
    borrowed_from: str | None  # the channel whose text is used when this one has none
    placeholders: tuple[str, ...]


class TemplateService:
    """Reading and editing templates (supervisors and administrators edit)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def templates(self, *, language: str | None = None) -> list[TemplateView]:
        """Every (code, language, channel) with the text it uses now."""
        with self._db.session() as session:
            edited = q.template_overrides(session)
        shipped = shipped_templates()
        views = []
        for code in TEMPLATE_CODES:
            for lang in LANGUAGES if language is None else (language,):
                for channel in CHANNELS:
                    view = _view(code, lang, channel, edited, shipped)
                    if view is not None:
                        views.append(view)
        return views

    def template(self, code: str, language: str, channel: str) -> TemplateView:
        with self._db.session() as session:
            edited = q.template_overrides(session)
        view = _view(code, language, channel, edited, shipped_templates())
        if view is None:
            raise TemplateNotFound(code, language, channel)
        return view

    def save(
        self,
        actor: Actor,
        code: str,
        language: str,
        channel: str,
        *,
        subject: str | None,
        body: str,
    ) -> TemplateView:
        """Store an edited text; ValidationFailed names the field and the problem."""
        require(actor, Permission.EDIT_SCRIPTS)
        subject, body = validate_template(code, language, channel, subject, body)
        with write_session(self._db) as session:
            q.save_template(session, code, language, channel, subject, body)
        return self.template(code, language, channel)

    def reset(self, actor: Actor, code: str, language: str, channel: str) -> bool:
        """Drop the edited text so the shipped one applies again; False when none was edited."""
        require(actor, Permission.EDIT_SCRIPTS)
        with write_session(self._db) as session:
            return q.delete_template(session, code, language, channel)

    def preview(
        self, code: str, language: str, channel: str, values: Mapping[str, str]
    ) -> MessageText:
        with self._db.session() as session:
            text = resolve_in_session(session, code, language, channel)
        return render_message(text, values)


def validate_template(
    code: str, language: str, channel: str, subject: str | None, body: str
) -> tuple[str | None, str]:
    """The cleaned (subject, body), or ValidationFailed naming what is wrong."""
    if code not in TEMPLATE_CODES:
        raise NotFound(f"no message template {code!r}")
    if language not in LANGUAGES:
        raise ValidationFailed("language", "unknown", f"unknown language {language!r}")
    if channel not in CHANNELS:
        raise ValidationFailed("channel", "unknown", f"unknown channel {channel!r}")
    body = body.strip()
    if not body:
        raise ValidationFailed("body", "empty", "the message text must not be empty")
    subject = (subject or "").strip() or None
    if channel == "email" and subject is None:
        raise ValidationFailed("subject", "empty", "an e-mail needs a subject")
    if subject is not None and len(subject) > SUBJECT_MAX:
        raise ValidationFailed(
            "subject", "too_long", f"a subject has at most {SUBJECT_MAX} characters"
        )
    for field, text in (("subject", subject), ("body", body)):
        if text is None:
            continue
        try:
            placeholders_of(text)
        except UnknownPlaceholder as error:
            raise ValidationFailed(field, "unknown_placeholder", str(error)) from error
        except TemplateSyntaxError as error:
            raise ValidationFailed(field, "syntax", str(error)) from error
    return subject, body


def _view(
    code: str,
    language: str,
    channel: str,
    edited: Mapping[tuple[str, str, str], tuple[str | None, str]],
    shipped: Mapping[tuple[str, str, str], MessageText],
) -> TemplateView | None:
    for candidate in borrowed_channels(channel, "@" if channel == "manual" else None):
        key = (code, language, candidate)
        text: MessageText | None = None
        if key in edited:
            text = MessageText(*edited[key])
        elif key in shipped:
            text = shipped[key]
        if text is not None:
            return TemplateView(
                code=code,
                language=language,
                channel=channel,
                subject=text.subject,
                body=text.body,
                edited=key in edited and candidate == channel,
                borrowed_from=None if candidate == channel else candidate,
                placeholders=placeholders_of((text.subject or "") + "\n" + text.body),
            )
    return None
