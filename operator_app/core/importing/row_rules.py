"""What one row of a lead list becomes: a contact with phones, or a rejection with a reason.

These are pure functions of the row's cells and the column layout; everything that needs the
database (duplicates, the do-not-call list, existing companies) is decided later per batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from operator_app.core.company_ids import InnError, normalize_inn
from operator_app.core.importing.types import CellIssue, RejectedRow, RowProblem
from operator_app.core.phones import (
    ParsedPhone,
    PhoneError,
    PhoneProblem,
    find_phones,
    normalize_phone,
)
from operator_app.core.timezones import resolve_timezone

__all__ = [
    "AcceptedRow",
    "CompanyRecord",
    "PhoneRecord",
    "RowContext",
    "RowLayout",
    "evaluate_row",
]

# The records a row becomes are plain (not frozen) dataclasses and should be treated as
# read-only: a frozen dataclass costs about ten times as much to create, and the importer
# creates a few hundred thousand of them.

Column = tuple[int, str]
"""A column's index in the row and its header."""

# Column widths of the tables the values go to; longer values are cut there and kept whole
# in custom_fields so nothing is lost.
_NAME_WIDTH: Final = 300
_POSITION_WIDTH: Final = 200
_EMAIL_WIDTH: Final = 320
_PLACE_WIDTH: Final = 200
_TIME_ZONE_WIDTH: Final = 64
_RAW_PHONE_WIDTH: Final = 200
_QUOTED_VALUE_WIDTH: Final = 60

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Where each field is in a row, by column index, with the headers for messages."""

    phones: tuple[Column, ...]
    names: tuple[Column, ...] = ()
    company: tuple[Column, ...] = ()
    inn: tuple[Column, ...] = ()
    city: tuple[Column, ...] = ()
    region: tuple[Column, ...] = ()
    timezone: tuple[Column, ...] = ()
    email: tuple[Column, ...] = ()
    position: tuple[Column, ...] = ()
    comment: tuple[Column, ...] = ()
    custom: tuple[Column, ...] = ()


@dataclass(frozen=True, slots=True)
class RowContext:
    layout: RowLayout
    default_region: str = "RU"
    default_time_zone: str | None = None
    """The campaign's zone, the last resort for a client's zone (marked as a guess)."""
    width: int = field(init=False)
    """One more than the highest column index the layout reads."""
    zones: dict[tuple[object, ...], tuple[str | None, bool]] = field(
        init=False, repr=False, compare=False
    )
    """Zones already resolved: a list repeats the same few cities and kinds of number."""

    def __post_init__(self) -> None:
        layout = self.layout
        groups = (
            layout.phones, layout.names, layout.company, layout.inn, layout.city,
            layout.region, layout.timezone, layout.email, layout.position, layout.comment,
            layout.custom,
        )  # fmt: skip
        indexes = [index for group in groups for index, _header in group]
        object.__setattr__(self, "width", max(indexes, default=-1) + 1)
        object.__setattr__(self, "zones", {})


@dataclass(slots=True)
class PhoneRecord:
    e164: str
    kind: str
    extension: str | None
    region_code: str | None
    raw: str
    time_zone: str | None
    time_zone_guessed: bool


@dataclass(slots=True)
class CompanyRecord:
    name: str
    inn: str | None
    city: str | None
    region: str | None
    time_zone: str | None


@dataclass(slots=True)
class AcceptedRow:
    line_number: int
    phones: tuple[PhoneRecord, ...]
    """At least one; distinct numbers in the order they appear in the row."""
    company: CompanyRecord | None
    full_name: str
    position: str | None
    email: str | None
    city: str | None
    region: str | None
    time_zone: str | None
    time_zone_guessed: bool
    comment: str | None
    custom_fields: dict[str, str] = field(default_factory=dict)


def evaluate_row(
    line_number: int, cells: Sequence[str], context: RowContext
) -> AcceptedRow | RejectedRow:
    layout = context.layout
    values = _cleaned(cells, context.width)
    inn_or_rejection = _inn(line_number, cells, values, layout.inn)
    if isinstance(inn_or_rejection, RejectedRow):
        return inn_or_rejection
    inn = inn_or_rejection
    found = _phones(values, layout.phones, context.default_region)
    if isinstance(found, tuple):
        reason, issues = found
        return RejectedRow(line_number, tuple(cells), RowProblem.NO_VALID_PHONE, reason, issues)

    custom: dict[str, str] = {}
    for index, header in layout.custom:
        if values[index]:
            custom[header] = values[index]
    full_name = _fit(" ".join(_filled(values, layout.names)), _NAME_WIDTH, layout.names, custom)
    city = _fit_optional(_first(values, layout.city), _PLACE_WIDTH, layout.city, custom)
    region = _fit_optional(_first(values, layout.region), _PLACE_WIDTH, layout.region, custom)
    explicit_zone = _first(values, layout.timezone)
    position = _fit_optional(
        "; ".join(_filled(values, layout.position)) or None,
        _POSITION_WIDTH,
        layout.position,
        custom,
    )
    email = _email(values, layout.email, custom)
    comment = "\n".join(_filled(values, layout.comment)) or None

    phone_records: list[PhoneRecord] = []
    for parsed, raw in found:
        zone, guessed = _time_zone(context, explicit_zone, city, region, parsed)
        phone_records.append(
            PhoneRecord(
                e164=parsed.e164,
                kind=str(parsed.kind),
                extension=parsed.extension,
                region_code=parsed.region_code,
                raw=raw[:_RAW_PHONE_WIDTH],
                time_zone=zone,
                time_zone_guessed=guessed,
            )
        )
    # The contact's zone is that of the number the operator dials first.
    first_phone = phone_records[0]

    company_name = " ".join(_filled(values, layout.company))
    company = None
    if company_name or inn:
        company = CompanyRecord(
            name=company_name[:_NAME_WIDTH] or f"INN {inn}",
            inn=inn,
            city=city,
            region=region,
            time_zone=first_phone.time_zone,
        )
        if len(company_name) > _NAME_WIDTH:
            _keep_whole(layout.company, company_name, custom)

    return AcceptedRow(
        line_number=line_number,
        phones=tuple(phone_records),
        company=company,
        full_name=full_name,
        position=position,
        email=email,
        city=city,
        region=region,
        time_zone=first_phone.time_zone,
        time_zone_guessed=first_phone.time_zone_guessed,
        comment=comment,
        custom_fields=custom,
    )


def _cleaned(cells: Sequence[str], width: int) -> list[str]:
    """The cells stripped, without NUL (PostgreSQL text cannot hold it), at least `width` long."""
    if "\x00" in "".join(cells):
        values = [cell.replace("\x00", "").strip() for cell in cells]
    else:
        values = [cell.strip() for cell in cells]
    if len(values) < width:
        values.extend([""] * (width - len(values)))
    return values


def _filled(values: list[str], columns: tuple[Column, ...]) -> list[str]:
    return [values[index] for index, _header in columns if values[index]]


def _first(values: list[str], columns: tuple[Column, ...]) -> str | None:
    for index, _header in columns:
        if values[index]:
            return values[index]
    return None


def _quoted(value: str) -> str:
    if len(value) > _QUOTED_VALUE_WIDTH:
        value = value[: _QUOTED_VALUE_WIDTH - 1] + "…"
    return f"'{value}'"


def _inn(
    line_number: int, cells: Sequence[str], values: list[str], columns: tuple[Column, ...]
) -> str | RejectedRow | None:
    for index, header in columns:
        value = values[index]
        if not value:
            continue
        inn, problem = _checked_inn(value)
        if inn is not None:
            return inn
        why, code = problem
        return RejectedRow(
            line_number,
            tuple(cells),
            RowProblem.BAD_INN,
            f"{header}: {why}",
            (CellIssue(header, value, code),),
        )
    return None


def _checked_inn(value: str) -> tuple[str | None, tuple[str, str]]:
    """(the INN, ...) or (None, (why it is not one, the problem code))."""
    try:
        return normalize_inn(value), ("", "")
    except InnError as error:
        return None, (str(error).rstrip("."), error.problem.value)


def _phones(
    values: list[str], columns: tuple[Column, ...], region: str
) -> list[tuple[ParsedPhone, str]] | tuple[str, tuple[CellIssue, ...]]:
    """The row's distinct valid numbers with the cell text each came from, or why none is."""
    found: list[tuple[ParsedPhone, str]] = []
    seen: set[str] = set()
    problems: list[str] = []
    issues: list[CellIssue] = []
    for index, header in columns:
        value = values[index]
        if not value:
            continue
        numbers = find_phones(value, region)
        if not numbers:
            why, code = _why_not_a_phone(value, region)
            problems.append(f"{header}: {why}")
            issues.append(CellIssue(header, value, code))
        for parsed in numbers:
            if parsed.e164 not in seen:
                seen.add(parsed.e164)
                found.append((parsed, value))
    if found:
        return found
    if not problems:
        headers = ", ".join(f"'{header}'" for _index, header in columns)
        reason = f"no phone number: {headers} {'is' if len(columns) == 1 else 'are'} empty"
        return reason, tuple(CellIssue(header, "", PhoneProblem.EMPTY) for _i, header in columns)
    return "no valid phone number: " + "; ".join(problems), tuple(issues)


def _why_not_a_phone(value: str, region: str) -> tuple[str, str]:
    try:
        normalize_phone(value, region)
    except PhoneError as error:
        return str(error).rstrip("."), error.problem.value
    # find_phones and normalize_phone agree, so this is not reached.
    return f"{_quoted(value)} is not a valid phone number", PhoneProblem.INVALID  # pragma: no cover


def _time_zone(
    context: RowContext,
    explicit: str | None,
    city: str | None,
    region: str | None,
    phone: ParsedPhone,
) -> tuple[str | None, bool]:
    # Of a phone, the zone depends on what phonenumbers knows of its area, not its digits.
    key = (explicit, city, region, phone.time_zones, phone.kind, phone.region_code)
    known = context.zones.get(key)
    if known is not None:
        return known
    resolution = resolve_timezone(
        explicit=explicit,
        city=city,
        region=region,
        phone=phone,
        default=context.default_time_zone,
    )
    zone = resolution.zone
    if zone is not None and len(zone) > _TIME_ZONE_WIDTH:
        zone = None
    result = (zone, resolution.guessed or zone is None)
    context.zones[key] = result
    return result


def _email(values: list[str], columns: tuple[Column, ...], custom: dict[str, str]) -> str | None:
    """The first value that looks like an e-mail address; other values stay as custom fields."""
    email = None
    for index, header in columns:
        value = values[index]
        if not value:
            continue
        if email is None and len(value) <= _EMAIL_WIDTH and _EMAIL.fullmatch(value):
            email = value
        else:
            custom[header] = value
    return email


def _fit(value: str, width: int, columns: tuple[Column, ...], custom: dict[str, str]) -> str:
    if len(value) <= width:
        return value
    _keep_whole(columns, value, custom)
    return value[: width - 1] + "…"


def _fit_optional(
    value: str | None, width: int, columns: tuple[Column, ...], custom: dict[str, str]
) -> str | None:
    return None if value is None else _fit(value, width, columns, custom)


def _keep_whole(columns: tuple[Column, ...], value: str, custom: dict[str, str]) -> None:
    if columns:
        custom[columns[0][1]] = value
