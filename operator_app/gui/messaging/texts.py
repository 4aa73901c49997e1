"""Words for messaging values stored in code form, and field errors in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging import MessageStateError
from operator_app.core.messaging.render import (
    PLACEHOLDERS,
    TemplateSyntaxError,
    UnknownPlaceholder,
    placeholders_of,
)
from operator_app.gui.handoffs.background import failure_text

translate = QCoreApplication.translate

__all__ = [
    "channel_label",
    "field_problem_text",
    "language_label",
    "message_failure_text",
    "placeholder_label",
    "state_label",
    "template_label",
    "template_problem_text",
]


def state_label(state: str) -> str:
    labels = {
        "queued": translate("MessagingTexts", "Queued"),
        "sent": translate("MessagingTexts", "Sent"),
        "failed": translate("MessagingTexts", "Failed"),
    }
    return labels.get(state, state)


def channel_label(channel: str) -> str:
    labels = {
        "email": translate("MessagingTexts", "E-mail"),
        "sms": translate("MessagingTexts", "SMS"),
        "messenger": translate("MessagingTexts", "Messenger"),
        "manual": translate("MessagingTexts", "By hand"),
    }
    return labels.get(channel, channel)


def language_label(language: str) -> str:
    labels = {
        "ru": translate("MessagingTexts", "Russian"),
        "en": translate("MessagingTexts", "English"),
    }
    return labels.get(language, language)


def template_label(code: str | None) -> str:
    if code is None:
        return "—"
    labels = {
        "booking_confirmation": translate("MessagingTexts", "Booking confirmation"),
        "control_touch": translate("MessagingTexts", "Reminder the day before"),
        "not_reached": translate("MessagingTexts", "Could not reach you"),
        "polite_cancellation": translate("MessagingTexts", "Polite cancellation"),
        "no_show_feedback": translate("MessagingTexts", "After a missed visit"),
        "review_request": translate("MessagingTexts", "Review request"),
        "next_visit_reminder": translate("MessagingTexts", "Next visit reminder"),
        "reschedule_notice": translate("MessagingTexts", "Visit moved"),
        "earlier_slot": translate("MessagingTexts", "An earlier time is free"),
    }
    return labels.get(code, code)


def placeholder_label(name: str) -> str:
    labels = {
        "client_name": translate("MessagingTexts", "client's name"),
        "visit_date": translate("MessagingTexts", "visit date"),
        "visit_time": translate("MessagingTexts", "visit time"),
        "office_name": translate("MessagingTexts", "office name"),
        "office_address": translate("MessagingTexts", "office address"),
        "directions": translate("MessagingTexts", "how to get there"),
        "office_phone": translate("MessagingTexts", "office phone"),
        "resource_name": translate("MessagingTexts", "who receives the client"),
        "company_name": translate("MessagingTexts", "company name"),
    }
    return labels.get(name, name)


def field_problem_text(error: ValidationFailed) -> str:
    """A sentence for the field a settings form shows the error under."""
    problems = {
        "empty": translate("MessagingTexts", "Fill this in."),
        "not_text": translate("MessagingTexts", "Enter text here."),
        "out_of_range": translate("MessagingTexts", "This number is outside the allowed range."),
        "unknown": translate("MessagingTexts", "Choose one of the offered values."),
        "bad_email": translate(
            "MessagingTexts", "Enter an e-mail address, such as visits@example.ru."
        ),
        "bad_url": translate(
            "MessagingTexts", "Enter a web address that starts with https:// (or http://)."
        ),
        "bad_time": translate("MessagingTexts", "Enter a time as HH:MM."),
        "not_mapping": translate("MessagingTexts", "These values are malformed."),
        "not_a_boolean": translate("MessagingTexts", "Choose yes or no."),
        "not_an_integer": translate("MessagingTexts", "Enter a whole number."),
        "unknown_choice": translate("MessagingTexts", "Choose one of the offered values."),
        "invalid_rule": translate(
            "MessagingTexts",
            "This is not a repeat rule the app understands. Choose a preset or write an "
            "RFC 5545 rule such as FREQ=MONTHLY;INTERVAL=3.",
        ),
        "unknown_field": translate("MessagingTexts", "This setting is not known."),
    }
    return problems.get(error.problem, str(error))


def template_problem_text(text: str) -> str | None:
    """What is wrong with a template's text, naming the placeholder; None when it is fine."""
    try:
        placeholders_of(text)
    except UnknownPlaceholder as error:
        return translate(
            "MessagingTexts", "Unknown placeholder {{{name}}}. Use one of: {known}."
        ).format(name=error.name, known=", ".join("{" + known + "}" for known in PLACEHOLDERS))
    except TemplateSyntaxError:
        return translate(
            "MessagingTexts",
            "A brace is not closed. Write {{ or }} for a brace that is meant as text.",
        )
    return None


def message_failure_text(error: object) -> str:
    if isinstance(error, MessageStateError):
        if error.state == "sent":
            return translate("MessagingTexts", "This message has already been sent.")
        return translate(
            "MessagingTexts", "This message is {state} now: refresh and try again."
        ).format(state=state_label(error.state).lower())
    return failure_text(error)
