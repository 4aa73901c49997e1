"""Phone and e-mail fields of the contact form: accepted spellings and clear refusals."""

from __future__ import annotations

import pytest

from operator_app.core.contacts import (
    EmailError,
    EmailProblem,
    FieldIssue,
    InvalidFields,
    validate_email,
    validate_phone,
)
from operator_app.core.errors import ValidationFailed
from operator_app.core.phones import PhoneError, PhoneKind, PhoneProblem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ivan.petrov@example.ru", "ivan.petrov@example.ru"),
        ("  Ivan@Example.RU ", "Ivan@example.ru"),
        ("sales+b2b@mail.co.uk", "sales+b2b@mail.co.uk"),
        ("info@почта.рф", "info@почта.рф"),
        ("a_b-c@sub-domain.example.com", "a_b-c@sub-domain.example.com"),
    ],
)
def test_valid_emails_are_trimmed_with_lowercase_domain(typed: str, stored: str) -> None:
    assert validate_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", EmailProblem.EMPTY),
        ("   ", EmailProblem.EMPTY),
        ("ivan petrov@example.ru", EmailProblem.SPACES),
        ("ivan.example.ru", EmailProblem.MISSING_AT),
        ("ivan@@example.ru", EmailProblem.SEVERAL_AT),
        ("@example.ru", EmailProblem.LOCAL_PART),
        (".ivan@example.ru", EmailProblem.LOCAL_PART),
        ("iv..an@example.ru", EmailProblem.LOCAL_PART),
        ("ivan(x)@example.ru", EmailProblem.LOCAL_PART),
        ("ivan@", EmailProblem.DOMAIN),
        ("ivan@example", EmailProblem.DOMAIN),
        ("ivan@example.r", EmailProblem.DOMAIN),
        ("ivan@example,ru", EmailProblem.DOMAIN),
        ("ivan@-example.ru", EmailProblem.DOMAIN),
        ("ivan@example..ru", EmailProblem.DOMAIN),
        ("ivan@example.123", EmailProblem.DOMAIN),
        ("a" * 250 + "@example.ru", EmailProblem.TOO_LONG),
    ],
)
def test_bad_emails_name_the_problem(typed: str, problem: EmailProblem) -> None:
    with pytest.raises(EmailError) as caught:
        validate_email(typed)
    assert caught.value.problem is problem


def test_email_message_quotes_the_value() -> None:
    with pytest.raises(EmailError, match=r"'ivan\.example\.ru' has no @"):
        validate_email("ivan.example.ru")


@pytest.mark.parametrize(
    ("typed", "e164", "kind", "extension"),
    [
        ("8 (912) 345-67-89", "+79123456789", PhoneKind.MOBILE, None),
        ("+7 495 123-45-67 доб. 123", "+74951234567", PhoneKind.LANDLINE, "123"),
        ("9123456789", "+79123456789", PhoneKind.MOBILE, None),
        ("+375 29 123-45-67", "+375291234567", PhoneKind.MOBILE, None),
    ],
)
def test_valid_phones_become_e164(
    typed: str, e164: str, kind: PhoneKind, extension: str | None
) -> None:
    parsed = validate_phone(typed)
    assert (parsed.e164, parsed.kind, parsed.extension) == (e164, kind, extension)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", PhoneProblem.EMPTY),
        ("позвонить завтра", PhoneProblem.NOT_A_NUMBER),
        ("8 912 345-67", PhoneProblem.TOO_SHORT),
        ("8 912 345-67-89-12-34", PhoneProblem.TOO_LONG),
        ("8 912 345-67-89, 8 916 123-45-67", PhoneProblem.NOT_A_NUMBER),
    ],
)
def test_bad_phones_name_the_problem(typed: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as caught:
        validate_phone(typed)
    assert caught.value.problem is problem
    assert str(caught.value)


def test_two_numbers_in_one_field_are_refused_with_a_hint() -> None:
    with pytest.raises(PhoneError, match="more than one phone number"):
        validate_phone("8 912 345-67-89, 8 916 123-45-67")


def test_invalid_fields_lists_every_issue_and_is_a_validation_error() -> None:
    error = InvalidFields(
        [
            FieldIssue("email", "missing_at", "no @"),
            FieldIssue("phones[1]", "too_short", "short"),
        ]
    )
    assert isinstance(error, ValidationFailed)
    assert error.fields() == ("email", "phones[1]")
    assert (error.field, error.problem) == ("email", "missing_at")
    assert str(error) == "no @; short"
    with pytest.raises(ValueError):
        InvalidFields([])
