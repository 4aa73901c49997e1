"""Russian taxpayer numbers (INN) as they arrive from spreadsheets and CRM exports."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from stdnum.ru import inn as stdnum_inn

__all__ = ["InnError", "InnProblem", "inn_kind", "is_valid_inn", "normalize_inn"]

InnKind = Literal["company", "individual"]

_COMPANY_LENGTH = 10
_INDIVIDUAL_LENGTH = 12


class InnProblem(StrEnum):
    """Why a value is not an INN. The values are stable reason codes for the UI."""

    EMPTY = "empty"
    """The value is blank (or only the word "ИНН")."""
    FORMAT = "format"
    """Not 10 digits (company) or 12 digits (individual)."""
    CHECKSUM = "checksum"
    """The right number of digits, but the check digits do not match: usually a typo."""


_MESSAGES: dict[InnProblem, str] = {
    InnProblem.EMPTY: "No INN given: the value is empty.",
    InnProblem.FORMAT: (
        "{text} is not an INN: an INN has 10 digits (company) or 12 digits (individual)."
    ),
    InnProblem.CHECKSUM: "{text} is not a valid INN: its check digits do not match.",
}
_MAX_QUOTED_CHARS = 60


class InnError(ValueError):
    """A value could not be turned into an INN; `problem` says why."""

    def __init__(self, problem: InnProblem, text: str) -> None:
        self.problem = problem
        self.text = text
        quoted = text if len(text) <= _MAX_QUOTED_CHARS else text[: _MAX_QUOTED_CHARS - 1] + "…"
        super().__init__(_MESSAGES[problem].format(text=f"'{quoted}'"))


_LABEL = re.compile(r"^\s*(?:инн|inn)(?:\s*/\s*(?:кпп|kpp))?\s*[:№#.\-]*\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_INN_WITH_KPP = re.compile(r"(\d+)\s*/\s*\d{9}")  # "INN/KPP"; a KPP has 9 digits
_SPREADSHEET_NUMBER = re.compile(r"(\d+)(?:[.,](\d+))?(?:[eE]\+?(\d{1,2}))?", re.ASCII)
# Fewer significant digits in scientific notation means the spreadsheet rounded the value.
_MIN_DIGITS_IN_SCIENTIFIC_RENDERING = 10
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalize_inn(text: str) -> str:
    """The INN's digits, validated: 10 for a company, 12 for an individual. Raises InnError.

    Accepts labels ("ИНН 7707083893"), spaces and dashes, an "INN/KPP" pair, and numbers a
    spreadsheet stored as floats ("7707083893.0"), including a leading zero it dropped.
    """
    if not text or text.isspace():
        raise InnError(InnProblem.EMPTY, text)
    cleaned = _LABEL.sub("", text, count=1).strip()
    if not cleaned:
        raise InnError(InnProblem.EMPTY, text)
    with_kpp = _INN_WITH_KPP.fullmatch(cleaned)
    if with_kpp is not None:
        cleaned = with_kpp.group(1)
    digits = _SEPARATORS.sub("", _undo_spreadsheet_rendering(cleaned))
    if _ASCII_DIGITS.fullmatch(digits) is None:
        raise InnError(InnProblem.FORMAT, text)
    if len(digits) in (_COMPANY_LENGTH, _INDIVIDUAL_LENGTH):
        if stdnum_inn.is_valid(digits):
            return digits
        raise InnError(InnProblem.CHECKSUM, text)
    if len(digits) in (_COMPANY_LENGTH - 1, _INDIVIDUAL_LENGTH - 1):
        # INNs of regions 01-09 start with 0, which a spreadsheet drops when it stores the INN
        # as a number. The checksum tells a dropped zero from a genuinely short value.
        padded = "0" + digits
        if stdnum_inn.is_valid(padded):
            return padded
    raise InnError(InnProblem.FORMAT, text)


def is_valid_inn(text: str) -> bool:
    """Whether normalize_inn accepts the value."""
    try:
        normalize_inn(text)
    except InnError:
        return False
    return True


def inn_kind(inn: str) -> InnKind:
    """The kind of taxpayer: 10 digits is a company, 12 an individual. Raises InnError.

    The value is normalized first, so anything normalize_inn accepts is accepted here.
    """
    return "company" if len(normalize_inn(inn)) == _COMPANY_LENGTH else "individual"


def _undo_spreadsheet_rendering(text: str) -> str:
    """Digits of a number stored as a float ("7707083893.0", "5.00100732259E+11").

    Anything else, including a rounded rendering whose digits are lost, is returned unchanged
    and then fails validation.
    """
    match = _SPREADSHEET_NUMBER.fullmatch(text)
    if match is None:
        return text
    integer_part, fraction, exponent = match.groups()
    fraction = fraction or ""
    if exponent is None:
        return integer_part if fraction.strip("0") == "" else text
    digits = integer_part + fraction
    shift = int(exponent) - len(fraction)
    if shift < 0:
        return digits[:shift] if digits[shift:].strip("0") == "" else text
    if shift > 0 and len(digits.lstrip("0")) < _MIN_DIGITS_IN_SCIENTIFIC_RENDERING:
        return text
    return digits + "0" * shift
