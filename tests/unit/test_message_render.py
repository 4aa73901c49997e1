"""Filling message templates: both languages, missing and unknown placeholders, braces."""

from __future__ import annotations

import datetime as dt

import pytest

from operator_app.core.errors import ValidationFailed
from operator_app.core.messaging.render import (
    PLACEHOLDERS,
    MissingPlaceholder,
    TemplateSyntaxError,
    UnknownPlaceholder,
    format_visit_date,
    placeholders_of,
    render_text,
)
from operator_app.core.messaging.templates import (
    CHANNELS,
    TEMPLATE_CODES,
    MessageText,
    borrowed_channels,
    render_message,
    shipped_templates,
    validate_template,
)
from tests.support.messaging_data import FULL_CONTEXT


def test_renders_russian_and_english_shipped_texts() -> None:
    shipped = shipped_templates()
    ru = render_message(shipped[("booking_confirmation", "ru", "email")], FULL_CONTEXT)
    assert ru.subject == "Ясный кредит: ждём вас 25 ноября 2026 (среда) в 14:30"
    assert ru.body.startswith("Здравствуйте, Анна!")
    assert "Адрес: Москва, Тверская ул., 1" in ru.body
    en_context = {
        **FULL_CONTEXT,
        "client_name": "Anna",
        "visit_date": "Wednesday, 25 November 2026",
    }
    en = render_message(shipped[("not_reached", "en", "sms")], en_context)
    assert en.subject is None
    assert en.body.startswith("Anna, we couldn't reach you. Will you come on Wednesday")
    assert "yes/no" in en.body


def test_every_code_ships_email_and_sms_in_both_languages_and_renders_fully() -> None:
    shipped = shipped_templates()
    for code in TEMPLATE_CODES:
        for language in ("ru", "en"):
            email = shipped[(code, language, "email")]
            assert email.subject, (code, language)
            assert (code, language, "sms") in shipped
            for channel in CHANNELS:
                key = next(
                    (code, language, c)
                    for c in borrowed_channels(channel, "a@b.ru")
                    if (code, language, c) in shipped
                )
                text = render_message(shipped[key], FULL_CONTEXT)
                assert "{" not in text.body and "}" not in text.body, key
                assert text.subject is None or "{" not in text.subject


def test_shipped_texts_are_polite() -> None:
    shipped = shipped_templates()
    cancel_ru = shipped[("polite_cancellation", "ru", "email")].body
    assert "Приносим извинения" in cancel_ru and "в другой день" in cancel_ru
    cancel_en = shipped[("polite_cancellation", "en", "sms")].body
    assert "Apologies" in cancel_en and "rebook" in cancel_en
    assert "да/нет" in shipped[("not_reached", "ru", "sms")].body


def test_missing_placeholder_is_named() -> None:
    values = {k: v for k, v in FULL_CONTEXT.items() if k != "office_phone"}
    with pytest.raises(MissingPlaceholder) as raised:
        render_text("Позвоните {office_phone}, {client_name}", values)
    assert raised.value.name == "office_phone"
    assert "{office_phone}" in str(raised.value)


def test_braces_in_values_stay_as_they_are() -> None:
    values = {**FULL_CONTEXT, "client_name": "{office_phone} {{x}} {", "company_name": "}{"}
    assert render_text("{client_name} — {company_name}", values) == "{office_phone} {{x}} { — }{"


def test_doubled_braces_are_literal() -> None:
    assert render_text("{{не поле}} {client_name}", FULL_CONTEXT) == "{не поле} Анна"


@pytest.mark.parametrize(
    "text", ["{client}", "{client_name.upper}", "{client_name!r}", "{visit_date:>20}", "{0}", "{}"]
)
def test_unknown_placeholders_and_format_specs_are_refused(text: str) -> None:
    with pytest.raises(UnknownPlaceholder):
        render_text(text, FULL_CONTEXT)


@pytest.mark.parametrize("text", ["{client_name", "client_name}", "a { b"])
def test_lone_braces_are_a_syntax_error(text: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        placeholders_of(text)


def test_placeholders_in_order_of_first_use() -> None:
    assert placeholders_of("{visit_time} {client_name} {visit_time}") == (
        "visit_time",
        "client_name",
    )
    assert set(PLACEHOLDERS) >= set(
        placeholders_of(shipped_templates()[("control_touch", "ru", "email")].body)
    )


def test_validation_for_editors_names_field_and_problem() -> None:
    with pytest.raises(ValidationFailed) as raised:
        validate_template("control_touch", "ru", "email", "Напоминание", "Ждём {client}")
    assert (raised.value.field, raised.value.problem) == ("body", "unknown_placeholder")
    assert "{client}" in str(raised.value)
    with pytest.raises(ValidationFailed) as raised:
        validate_template("control_touch", "ru", "email", "  ", "Ждём вас")
    assert raised.value.field == "subject"
    with pytest.raises(ValidationFailed) as raised:
        validate_template("control_touch", "ru", "sms", None, "Ждём { вас")
    assert raised.value.problem == "syntax"
    assert validate_template("control_touch", "en", "sms", None, "  Hi {client_name}  ") == (
        None,
        "Hi {client_name}",
    )


def test_subject_is_one_line() -> None:
    text = MessageText("{client_name}\nзавтра", "x")
    assert render_message(text, FULL_CONTEXT).subject == "Анна завтра"


def test_visit_dates_in_both_languages() -> None:
    day = dt.date(2026, 11, 25)
    assert format_visit_date(day, "ru") == "25 ноября 2026 (среда)"
    assert format_visit_date(day, "en") == "Wednesday, 25 November 2026"
