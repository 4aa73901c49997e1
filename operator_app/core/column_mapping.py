"""Which column of a lead list holds which lead field, suggested from the header text.

A mapping is keyed by header text, not by position, so one saved for a supplier's file
applies to the next file from the same supplier even if its columns moved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from operator_app.core.errors import OperatorAppError

__all__ = [
    "MULTI_FIELDS",
    "ColumnMapping",
    "Field",
    "MappingError",
    "MappingProblem",
    "ResolvedMapping",
    "suggest_mapping",
]


class Field(StrEnum):
    NAME = "name"
    PHONE = "phone"
    COMPANY = "company"
    INN = "inn"
    CITY = "city"
    REGION = "region"
    TIMEZONE = "timezone"
    EMAIL = "email"
    POSITION = "position"
    COMMENT = "comment"
    CUSTOM = "custom"
    IGNORE = "ignore"


MULTI_FIELDS: Final = frozenset({Field.PHONE, Field.CUSTOM, Field.IGNORE, Field.COMMENT})
"""Fields several columns may feed; every other field takes at most one column."""


class MappingProblem(StrEnum):
    NO_PHONE = "no_phone"
    DUPLICATE_FIELD = "duplicate_field"
    UNKNOWN_COLUMN = "unknown_column"
    MALFORMED = "malformed"
    """A saved mapping's JSON is damaged or names an unknown field."""


class MappingError(OperatorAppError, ValueError):
    def __init__(self, problem: MappingProblem, detail: str, message: str) -> None:
        self.problem = problem
        self.detail = detail
        """The header(s) or field concerned, for a UI to highlight."""
        super().__init__(" ".join(message.split()))  # one line even if a header spans lines


@dataclass(frozen=True, slots=True)
class ResolvedMapping:
    """Column indexes of one file's header, for fast access to the cells of each row."""

    phone: tuple[int, ...]
    name: int | None
    company: int | None
    inn: int | None
    city: int | None
    region: int | None
    timezone: int | None
    email: int | None
    position: int | None
    comment: tuple[int, ...]
    custom: tuple[tuple[str, int], ...]
    """(custom field name = header text, column index), in column order."""


_SINGLE_FIELDS: Final = (
    Field.NAME,
    Field.COMPANY,
    Field.INN,
    Field.CITY,
    Field.REGION,
    Field.TIMEZONE,
    Field.EMAIL,
    Field.POSITION,
)
_FORMAT_VERSION: Final = 1


@dataclass(frozen=True)
class ColumnMapping:
    fields: Mapping[str, Field]
    """Header text -> field. Headers of the file that are not listed are not imported."""

    def __post_init__(self) -> None:
        # A read-only copy: a mapping shared between screens must not change under them.
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def __hash__(self) -> int:
        return hash(frozenset(self.fields.items()))

    def validate(self, headers: Sequence[str]) -> None:
        """Raise MappingError unless this mapping can import a file with these headers."""
        present = set(headers)
        for header, field in self.fields.items():
            # An ignored column that is absent is harmless: nothing was to be read from it.
            if header not in present and field is not Field.IGNORE:
                raise MappingError(
                    MappingProblem.UNKNOWN_COLUMN,
                    header,
                    f"the column '{header}' is mapped to {field.value} but the file has no "
                    "such column",
                )
        for field in _SINGLE_FIELDS:
            sources = [header for header, mapped in self.fields.items() if mapped is field]
            if len(sources) > 1:
                listed = ", ".join(f"'{header}'" for header in sources)
                raise MappingError(
                    MappingProblem.DUPLICATE_FIELD,
                    field.value,
                    f"the field {field.value} may come from one column only, but {listed} "
                    "are all mapped to it",
                )
        if Field.PHONE not in self.fields.values():
            raise MappingError(
                MappingProblem.NO_PHONE, Field.PHONE.value, "no column is mapped to phone"
            )

    def columns_for(self, headers: Sequence[str]) -> ResolvedMapping:
        """Validate, then resolve header names to column indexes of this file."""
        self.validate(headers)
        phone: list[int] = []
        comment: list[int] = []
        custom: list[tuple[str, int]] = []
        single: dict[Field, int] = {}
        for index, header in enumerate(headers):
            field = self.fields.get(header)
            if field is Field.PHONE:
                phone.append(index)
            elif field is Field.COMMENT:
                comment.append(index)
            elif field is Field.CUSTOM:
                custom.append((header, index))
            elif field is not None and field is not Field.IGNORE:
                single.setdefault(field, index)
        return ResolvedMapping(
            phone=tuple(phone),
            name=single.get(Field.NAME),
            company=single.get(Field.COMPANY),
            inn=single.get(Field.INN),
            city=single.get(Field.CITY),
            region=single.get(Field.REGION),
            timezone=single.get(Field.TIMEZONE),
            email=single.get(Field.EMAIL),
            position=single.get(Field.POSITION),
            comment=tuple(comment),
            custom=tuple(custom),
        )

    def to_json(self) -> str:
        fields = {header: field.value for header, field in self.fields.items()}
        document = {"version": _FORMAT_VERSION, "fields": fields}
        return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, TypeError) as error:
            raise _malformed(f"it is not JSON ({error})") from error
        if not isinstance(document, dict) or not isinstance(document.get("fields"), dict):
            raise _malformed("it has no 'fields' object")
        if document.get("version") != _FORMAT_VERSION:
            raise _malformed(f"its version {document.get('version')!r} is not supported")
        fields: dict[str, Field] = {}
        for header, value in document["fields"].items():
            try:
                fields[header] = Field(value)
            except (ValueError, TypeError) as error:
                raise _malformed(
                    f"the column '{header}' has the unknown field {value!r}"
                ) from error
        return cls(fields)


def _malformed(reason: str) -> MappingError:
    return MappingError(
        MappingProblem.MALFORMED, reason, f"the saved column mapping is damaged: {reason}"
    )


# --- suggesting a mapping from header text ----------------------------------------------------

# Headers are compared after _normalise(): lower case, "ё" as "е", punctuation as spaces,
# digits split off words ("Phone2" -> "phone 2").
_ALIASES: Final[Mapping[Field, tuple[str, ...]]] = {
    Field.NAME: (
        "фио",
        "имя",
        "контактное лицо",
        "контакт",
        "клиент",
        "ф и о",
        "фамилия имя отчество",
        "name",
        "full name",
        "first name",
        "contact",
        "contact person",
        "client",
    ),
    Field.PHONE: (
        "телефон",
        "телефоны",
        "тел",
        "мобильный",
        "номер телефона",
        "сотовый",
        "phone",
        "phones",
        "mobile",
        "tel",
        "telephone",
        "phone number",
        "cell",
    ),
    Field.COMPANY: (
        "компания",
        "организация",
        "наименование",
        "название",
        "название компании",
        "наименование компании",
        "название организации",
        "наименование организации",
        "юр лицо",
        "юридическое лицо",
        "company",
        "company name",
        "organization",
        "organisation",
    ),
    Field.INN: ("инн", "inn", "tin"),
    Field.CITY: ("город", "населенный пункт", "нас пункт", "city", "town"),
    Field.REGION: ("регион", "область", "субъект", "субъект рф", "край", "region", "state"),
    Field.TIMEZONE: (
        "часовой пояс",
        "таймзона",
        "тайм зона",
        "time zone",
        "timezone",
        "tz",
        "utc offset",
        "utc",
        "gmt",
    ),
    Field.EMAIL: (
        "e mail",
        "email",
        "эл почта",
        "почта",
        "электронная почта",
        "адрес электронной почты",
        "e mail address",
        "email address",
        "mail",
    ),
    Field.POSITION: ("должность", "position", "title", "job title"),
    Field.COMMENT: (
        "комментарий",
        "комментарии",
        "примечание",
        "примечания",
        "comment",
        "comments",
        "notes",
        "note",
    ),
}

# Words that only say whose or which value a column holds: "Телефон ЛПР", "Моб. телефон",
# "ИНН компании" and "Phone 2" name the same fields as "Телефон" and "ИНН". Nothing here may
# change a field's meaning ("Телефон проверен" is not a phone number, so "проверен" is absent).
_QUALIFIERS: Final = frozenset(
    {
        "лпр",
        "клиента",
        "контакта",
        "контактного",
        "лица",
        "руководителя",
        "директора",
        "компании",
        "организации",
        "основной",
        "доп",
        "дополнительный",
        "моб",
        "мобильный",
        "сот",
        "сотовый",
        "раб",
        "рабочий",
        "гор",
        "городской",
        "стационарный",
        "контактный",
        "личный",
        "рф",
        "contact",
        "main",
        "primary",
        "secondary",
        "additional",
        "alt",
        "alternative",
        "mobile",
        "cell",
        "work",
        "office",
        "home",
        "company",
        "client",
        "customer",
    }
)
_NON_WORD: Final = re.compile(r"[\W_]+")
_DIGITS_AFTER_LETTERS: Final = re.compile(r"(?<=[^\W\d_])(?=\d)")

_FIELD_BY_ALIAS: Final[Mapping[str, Field]] = {
    alias: field for field, aliases in _ALIASES.items() for alias in aliases
}


def suggest_mapping(headers: Sequence[str]) -> ColumnMapping:
    """Guess each column's field from its header; unrecognised columns become CUSTOM fields.

    The result always passes validate() except for NO_PHONE. When several columns fit a field
    that takes one column, an exact header ("ФИО") wins over a qualified one ("ФИО ЛПР"),
    then the leftmost; the others stay CUSTOM.
    """
    guesses = [(header, *_guess(header)) for header in headers]
    taken: set[Field] = set()
    fields: dict[str, Field] = {}
    # Exact matches claim single-valued fields first, then qualified ones, left to right.
    for exact_pass in (True, False):
        for header, field, exact in guesses:
            if field is None or exact is not exact_pass or header in fields:
                continue
            if field not in MULTI_FIELDS:
                if field in taken:
                    continue
                taken.add(field)
            fields[header] = field
    return ColumnMapping({header: fields.get(header, Field.CUSTOM) for header in headers})


def _guess(header: str) -> tuple[Field | None, bool]:
    """The field a header names, and whether it named it without qualifiers."""
    normalised = _normalise(header)
    field = _FIELD_BY_ALIAS.get(normalised)
    if field is not None:
        return field, True
    words = normalised.split()
    core = " ".join(word for word in words if word not in _QUALIFIERS and not word.isdigit())
    if core and core != normalised:
        field = _FIELD_BY_ALIAS.get(core)
        if field is not None:
            return field, False
    if words and _FIELD_BY_ALIAS.get(words[0]) is Field.COMMENT:
        return Field.COMMENT, False  # "Комментарий оператора", "Примечание к заказу"
    return None, False


def _normalise(header: str) -> str:
    text = header.lower().replace("ё", "е")
    text = _DIGITS_AFTER_LETTERS.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())
