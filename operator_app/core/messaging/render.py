"""Filling a template's `{placeholder}` names with values, and checking templates for editors.

Only bare names from `PLACEHOLDERS` are allowed (no `{a.b}`, `{a[0]}`, `{a!r}`, `{a:>5}`):
templates are written by supervisors, and attribute access or format specs would let a
template reach into values it should only print. `{{` and `}}` stand for literal braces.
Values are inserted as they are and never parsed again, so a client called "{x}" stays "{x}".
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass

from operator_app.core.errors import OperatorAppError

__all__ = [
    "PLACEHOLDERS",
    "MissingPlaceholder",
    "TemplateSyntaxError",
    "UnknownPlaceholder",
    "format_visit_date",
    "format_visit_time",
    "placeholders_of",
    "render_text",
]

PLACEHOLDERS = (
    "client_name",
    "visit_date",
    "visit_time",
    "office_name",
    "office_address",
    "directions",
    "office_phone",
    "resource_name",
    "company_name",
)


class TemplateSyntaxError(OperatorAppError):
    """A template's braces do not parse (a lone `{` or `}`)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"the template text is malformed: {problem} (write {{{{ or }}}} for a brace)"
        )


class UnknownPlaceholder(OperatorAppError):
    """A template names a placeholder the app does not know (or uses a format spec)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"unknown placeholder {{{name}}}; known placeholders: "
            + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
        )


class MissingPlaceholder(OperatorAppError):
    """The values given for rendering lack one the template needs."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no value for the placeholder {{{name}}}")


@dataclass(frozen=True, slots=True)
class _Piece:
    literal: str
    field: str | None


def _parse(text: str) -> list[_Piece]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateSyntaxError(str(error)) from error
    pieces = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append(_Piece(literal, None))
            continue
        if spec or conversion or field not in PLACEHOLDERS:
            shown = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise UnknownPlaceholder(shown)
        pieces.append(_Piece(literal, field))
    return pieces


def placeholders_of(text: str) -> tuple[str, ...]:
    """The placeholder names the text uses, in order of first use; raises on bad syntax."""
    seen: dict[str, None] = {}
    for piece in _parse(text):
        if piece.field is not None:
            seen.setdefault(piece.field, None)
    return tuple(seen)


def render_text(text: str, values: Mapping[str, str]) -> str:
    """The text with every placeholder replaced; MissingPlaceholder names the first one absent."""
    out: list[str] = []
    for piece in _parse(text):
        out.append(piece.literal)
        if piece.field is not None:
            if piece.field not in values:
                raise MissingPlaceholder(piece.field)
            out.append(str(values[piece.field]))
    return "".join(out)


_MONTHS_RU_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_WEEKDAYS_RU = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_visit_date(local: dt.date, language: str) -> str:
    """'25 ноября 2026 (среда)' or 'Wednesday, 25 November 2026' — independent of the OS locale."""
    if language == "ru":
        month = _MONTHS_RU_GENITIVE[local.month - 1]
        return f"{local.day} {month} {local.year} ({_WEEKDAYS_RU[local.weekday()]})"
    return (
        f"{_WEEKDAYS_EN[local.weekday()]}, {local.day} {_MONTHS_EN[local.month - 1]} {local.year}"
    )


def format_visit_time(local: dt.datetime | dt.time) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"
