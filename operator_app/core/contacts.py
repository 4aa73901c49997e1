"""The people on the line: contacts with a role, position, e-mail and verified phones.

`validate_email` and `validate_phone` check one typed value and say what is wrong with it;
`ContactService.save_contact` checks a whole form at once and reports every bad field
together (`InvalidFields`), writing nothing unless everything is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.core.consent import ConsentGiven, add_consent
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.phones import (
    ParsedPhone,
    PhoneError,
    PhoneProblem,
    find_phones,
    normalize_phone,
)
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.database import Database
from operator_app.storage.models import Company, Contact, Phone
from operator_app.storage.repositories import contact_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "ContactInput",
    "ContactRole",
    "ContactService",
    "ContactView",
    "EmailError",
    "EmailProblem",
    "FieldIssue",
    "InvalidFields",
    "PhoneInput",
    "PhoneView",
    "contact_view",
    "validate_email",
    "validate_phone",
]


class ContactRole(StrEnum):
    """Who the person is in the buying decision (B2B: ЛПР, ЛВР, secretary)."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    SECRETARY = "secretary"
    OTHER = "other"


# --- field errors ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One bad field of a form: `field` names it ("email", "phones[1]"), `problem` is a code."""

    field: str
    problem: str
    message: str


class InvalidFields(ValidationFailed):
    """A form with one or more bad fields; `issues` lists all of them, in form order.

    `field`, `problem` and the message are those of the first issue, so code that handles
    ValidationFailed keeps working.
    """

    def __init__(self, issues: list[FieldIssue] | tuple[FieldIssue, ...]) -> None:
        if not issues:
            raise ValueError("InvalidFields needs at least one issue")
        self.issues = tuple(issues)
        first = self.issues[0]
        super().__init__(first.field, first.problem, "; ".join(i.message for i in self.issues))

    def fields(self) -> tuple[str, ...]:
        return tuple(issue.field for issue in self.issues)


# --- e-mail ----------------------------------------------------------------------------------


class EmailProblem(StrEnum):
    """Why a value is not an e-mail address. Stable reason codes for the UI."""

    EMPTY = "empty"
    SPACES = "spaces"
    MISSING_AT = "missing_at"
    SEVERAL_AT = "several_at"
    LOCAL_PART = "local_part"
    """Nothing, or forbidden characters, before the @."""
    DOMAIN = "domain"
    """After the @ there is no domain like "example.ru"."""
    TOO_LONG = "too_long"


_EMAIL_MESSAGES: dict[EmailProblem, str] = {
    EmailProblem.EMPTY: "No e-mail given: the value is empty.",
    EmailProblem.SPACES: "{text} contains spaces; an e-mail address has none.",
    EmailProblem.MISSING_AT: "{text} has no @; an e-mail looks like name@example.ru.",
    EmailProblem.SEVERAL_AT: "{text} has more than one @.",
    EmailProblem.LOCAL_PART: "{text} has nothing valid before the @.",
    EmailProblem.DOMAIN: "{text} has no valid domain after the @ (like example.ru).",
    EmailProblem.TOO_LONG: "{text} is too long for an e-mail address.",
}
_MAX_EMAIL_LENGTH = 254
_MAX_LOCAL_LENGTH = 64
# Letters of any script (кириллические домены .рф), digits, and the usual punctuation.
_LOCAL_PART = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+")
_DOMAIN_LABEL = re.compile(r"(?!-)[^\W_]+(?:-+[^\W_]+)*")
_TOP_LEVEL = re.compile(r"[^\W\d_]{2,}|xn--[a-z0-9-]+")


class EmailError(ValueError):
    """A value is not an e-mail address; `problem` says why."""

    def __init__(self, problem: EmailProblem, text: str) -> None:
        self.problem = problem
        self.text = text
        shown = text if len(text) <= 60 else text[:59] + "…"
        super().__init__(_EMAIL_MESSAGES[problem].format(text=f"'{shown}'"))


def validate_email(text: str) -> str:
    """The address as stored: trimmed, domain in lower case. Raises EmailError."""
    value = text.strip()
    if not value:
        raise EmailError(EmailProblem.EMPTY, text)
    if any(ch.isspace() for ch in value):
        raise EmailError(EmailProblem.SPACES, text)
    if len(value) > _MAX_EMAIL_LENGTH:
        raise EmailError(EmailProblem.TOO_LONG, text)
    ats = value.count("@")
    if ats == 0:
        raise EmailError(EmailProblem.MISSING_AT, text)
    if ats > 1:
        raise EmailError(EmailProblem.SEVERAL_AT, text)
    local, domain = value.split("@")
    if (
        not local
        or len(local) > _MAX_LOCAL_LENGTH
        or _LOCAL_PART.fullmatch(local) is None
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise EmailError(EmailProblem.LOCAL_PART, text)
    domain = domain.lower()
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or _TOP_LEVEL.fullmatch(labels[-1]) is None
    ):
        raise EmailError(EmailProblem.DOMAIN, text)
    return f"{local}@{domain}"


def validate_phone(text: str, default_region: str = "RU") -> ParsedPhone:
    """One typed phone number, normalized (E.164, kind, extension). Raises PhoneError.

    Unlike a spreadsheet cell, a typed field must hold one number: text with a second number
    or words around it is refused as not a phone number.
    """
    parsed = normalize_phone(text, default_region)
    if len(find_phones(text, default_region)) > 1:
        raise PhoneError(
            PhoneProblem.NOT_A_NUMBER,
            text,
            f"'{text.strip()}' holds more than one phone number; enter each in its own field.",
        )
    return parsed


# --- contacts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneInput:
    """A phone as typed on the contact form; `verified` when the operator confirmed it."""

    text: str
    verified: bool = False


@dataclass(frozen=True, slots=True)
class ContactInput:
    """The contact form. `contact_id` None creates a contact; otherwise it is updated.

    `phones` is the contact's full list: numbers no longer in it are removed.
    Blank `email`/`position`/`comment` are stored as nothing.
    """

    full_name: str
    role: ContactRole | None = None
    position: str | None = None
    email: str | None = None
    phones: tuple[PhoneInput, ...] = ()
    company_id: int | None = None
    comment: str | None = None
    contact_id: int | None = None
    consents: tuple[ConsentGiven, ...] = ()
    """Consents given or withdrawn in this conversation: recorded with the contact, in the
    same transaction, taken by the saving actor. Pass only what is new, not the history."""


@dataclass(frozen=True, slots=True)
class PhoneView:
    phone_id: int
    e164: str
    kind: str  # mobile | landline | other
    extension: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class ContactView:
    contact_id: int
    company_id: int | None
    full_name: str
    role: ContactRole | None
    position: str | None
    email: str | None
    comment: str | None
    phones: tuple[PhoneView, ...] = field(default=())


def contact_view(row: q.ContactRow) -> ContactView:
    """The plain view of a contact row read by the contact queries."""
    return ContactView(
        contact_id=row.contact_id,
        company_id=row.company_id,
        full_name=row.full_name,
        role=_role_or_none(row.role),
        position=row.position,
        email=row.email,
        comment=row.comment,
        phones=tuple(
            PhoneView(p.phone_id, p.e164, p.kind, p.extension, p.verified) for p in row.phones
        ),
    )


def _role_or_none(value: str | None) -> ContactRole | None:
    try:
        return ContactRole(value) if value else None
    except ValueError:
        return ContactRole.OTHER


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


@dataclass(frozen=True, slots=True)
class _CheckedPhone:
    parsed: ParsedPhone
    raw: str
    verified: bool


def _check_contact(data: ContactInput) -> tuple[str | None, list[_CheckedPhone], list[FieldIssue]]:
    issues: list[FieldIssue] = []
    if not data.full_name.strip():
        issues.append(FieldIssue("full_name", "empty", "the contact's name must not be empty"))
    email: str | None = None
    if data.email is not None and data.email.strip():
        try:
            email = validate_email(data.email)
        except EmailError as error:
            issues.append(FieldIssue("email", error.problem.value, str(error)))
    phones: list[_CheckedPhone] = []
    seen: set[tuple[str, str | None]] = set()
    for index, phone in enumerate(data.phones):
        name = f"phones[{index}]"
        try:
            parsed = validate_phone(phone.text)
        except PhoneError as error:
            issues.append(FieldIssue(name, error.problem.value, str(error)))
            continue
        key = (parsed.e164, parsed.extension)
        if key in seen:
            issues.append(
                FieldIssue(name, "duplicate", f"'{phone.text.strip()}' is already in the list")
            )
            continue
        seen.add(key)
        phones.append(_CheckedPhone(parsed, phone.text.strip(), phone.verified))
    return email, phones, issues


class ContactService:
    """Creating, updating and reading contacts; every method checks the actor's permission."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, actor: Actor, contact_id: int) -> ContactView:
        """One contact with its phones. Raises NotFound."""
        require(actor, Permission.WORK_QUEUE)
        with self._db.session() as session:
            row = q.contacts_by_id(session, [contact_id]).get(contact_id)
        if row is None:
            raise NotFound(f"contact {contact_id} does not exist")
        return contact_view(row)

    def save_contact(self, actor: Actor, data: ContactInput) -> ContactView:
        """Create or update a contact, its phones and the consents just heard, in one
        transaction.

        Raises InvalidFields listing every bad field (nothing is written then), NotFound for
        an unknown contact or company.
        """
        require(actor, Permission.WORK_QUEUE)
        email, phones, issues = _check_contact(data)
        if issues:
            raise InvalidFields(issues)
        with write_session(self._db) as session:
            if data.company_id is not None and session.get(Company, data.company_id) is None:
                raise InvalidFields(
                    [
                        FieldIssue(
                            "company_id", "missing", f"company {data.company_id} does not exist"
                        )
                    ]
                )
            contact = self._contact_for(session, data.contact_id)
            contact.full_name = data.full_name.strip()
            contact.role = data.role.value if data.role is not None else None
            contact.position = _blank_to_none(data.position)
            contact.email = email
            contact.company_id = data.company_id
            contact.comment = _blank_to_none(data.comment)
            session.flush()
            _replace_phones(session, contact.id, phones)
            for given in data.consents:
                add_consent(session, actor, contact.id, given)
            session.flush()
            row = q.contacts_by_id(session, [contact.id])[contact.id]
        return contact_view(row)

    @staticmethod
    def _contact_for(session: Session, contact_id: int | None) -> Contact:
        if contact_id is None:
            contact = Contact(full_name="", custom_fields={})
            session.add(contact)
            return contact
        existing = session.get(Contact, contact_id)
        if existing is None:
            raise NotFound(f"contact {contact_id} does not exist")
        return existing


def _replace_phones(session: Session, contact_id: int, phones: list[_CheckedPhone]) -> None:
    """Make the contact's phones exactly `phones`, keeping the rows of numbers that stay
    (calls refer to them) and updating their verified mark."""
    existing = {
        (phone.e164, phone.extension): phone
        for phone in session.scalars(select(Phone).where(Phone.contact_id == contact_id))
    }
    wanted = {(p.parsed.e164, p.parsed.extension): p for p in phones}
    for key, stale in existing.items():
        if key not in wanted:
            session.delete(stale)
    for key, checked in wanted.items():
        row = existing.get(key)
        if row is None:
            zones = checked.parsed.time_zones
            session.add(
                Phone(
                    contact_id=contact_id,
                    e164=checked.parsed.e164,
                    kind=checked.parsed.kind.value,
                    extension=checked.parsed.extension,
                    region_code=checked.parsed.region_code,
                    time_zone=zones[0] if len(zones) == 1 else None,
                    raw=checked.raw[:200],
                    verified=checked.verified,
                )
            )
        else:
            row.verified = checked.verified
