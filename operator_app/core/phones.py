"""Phone number normalization for spreadsheets and free text typed by Russian-speaking users.

`normalize_phone` is on the importer's hot path (about 100k calls per import), so each cell
gets the cheapest treatment that works for it, in this order:

1. a plain Russian number ("8 (912) 345-67-89") is checked without phonenumbers.parse;
2. phonenumbers.parse of the whole cell (any country, extensions);
3. Russian extension labels and typos are rewritten, and each digit run of the text is parsed;
4. PhoneNumberMatcher, for numbers hidden inside longer digit runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)
from phonenumbers import timezone as phone_timezones

__all__ = [
    "ParsedPhone",
    "PhoneError",
    "PhoneKind",
    "PhoneProblem",
    "find_phones",
    "format_phone",
    "normalize_phone",
]


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    OTHER = "other"
    """Toll-free, VoIP, premium-rate, or a line phonenumbers cannot classify."""


class PhoneProblem(StrEnum):
    """Why a value is not a phone number. The values are stable reason codes for the UI."""

    EMPTY = "empty"
    """The value is blank."""
    NOT_A_NUMBER = "not_a_number"
    """The value contains nothing that looks like a phone number."""
    TOO_SHORT = "too_short"
    """Digits are missing, e.g. the number was cut off."""
    TOO_LONG = "too_long"
    """There are more digits than any number of that country has."""
    INVALID = "invalid"
    """The length is plausible but no such number exists, or a spreadsheet rounded it."""


_MESSAGES: dict[PhoneProblem, str] = {
    PhoneProblem.EMPTY: "No phone number given: the value is empty.",
    PhoneProblem.NOT_A_NUMBER: "{text} does not contain a phone number.",
    PhoneProblem.TOO_SHORT: "{text} has too few digits for a phone number; it may be cut off.",
    PhoneProblem.TOO_LONG: "{text} has too many digits for a single phone number.",
    PhoneProblem.INVALID: "{text} is not a valid phone number.",
}
_MAX_QUOTED_CHARS = 60


def _quote(text: str) -> str:
    if len(text) > _MAX_QUOTED_CHARS:
        text = text[: _MAX_QUOTED_CHARS - 1] + "…"
    return f"'{text}'"


class PhoneError(ValueError):
    """A value could not be turned into a phone number; `problem` says why."""

    def __init__(self, problem: PhoneProblem, text: str, message: str | None = None) -> None:
        self.problem = problem
        self.text = text
        super().__init__(message or _MESSAGES[problem].format(text=_quote(text)))


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    e164: str
    """The number in E.164 form, without the extension: "+79123456789"."""
    kind: PhoneKind
    extension: str | None
    region_code: str | None
    """ISO 3166 code of the number's country ("RU", "KZ"); None for non-geographic numbers."""
    time_zones: tuple[str, ...]
    """IANA zones phonenumbers associates with the number; () when unknown."""


# Longer "extensions" are in practice a second number glued on with ";" or ",,".
_MAX_EXTENSION_DIGITS = 6
# Fewer significant digits than this in scientific notation means the spreadsheet rounded the
# number for display ("8.91235E+10"), and the real digits are gone.
_MIN_DIGITS_IN_SCIENTIFIC_RENDERING = 10

_SPREADSHEET_NUMBER = re.compile(r"\s*(\+?)(\d+)(?:[.,](\d+))?(?:[eE]\+?(\d{1,2}))?\s*", re.ASCII)
_RUSSIAN_EXTENSION_BEFORE_DIGITS = re.compile(
    r"\b(?:доб(?:авочн(?:ый|ого|ой))?|внутр(?:енний)?|вн|доп)\.?(?:\s*№)?[\s:.]*(?=\d)",
    re.IGNORECASE,
)
_RUSSIAN_EXTENSION_HINT = re.compile(r"доб|вн|доп", re.IGNORECASE)
# Only after a comma, semicolon or parenthesis: "… 67 89 доб." would otherwise steal digits.
_RUSSIAN_EXTENSION_AFTER_DIGITS = re.compile(
    r"(?:[,;]\s*|\s*\()(\d{1,6})\s*(?:доб|внутр|вн|доп)[а-яё]*\.?\)?\s*$", re.IGNORECASE
)
# "+8 912 345-67-89": a "+" typed before the Russian trunk prefix 8 instead of the country code.
_PLUS_BEFORE_TRUNK_PREFIX = re.compile(r"(?<!\d)\+(?=8(?:[\s\-().]*\d){10}(?![\s\-().]*\d))")
_PHONE_SHAPED = re.compile(r"[\d\s+\-().]*")
_MAX_DIGITS_IN_ONE_NUMBER = 15  # the E.164 limit
# Old Russian local numbers have 5 digits; fewer (a time, a house number) is not a phone at all.
_MIN_DIGITS_OF_A_PHONE_FRAGMENT = 5
_PHONE_LIKE_CHUNK = re.compile(r"\+?\d[\d\s\-().]*")
# A number as written in running text, with an extension once Russian labels became "ext.".
_DIGIT_RUN = re.compile(r"\+?\d(?:[\d\s\-().]*\d)?(?:[\s,]*(?:ext\.?|#)\s*\d{1,6}(?!\d))?")
_RUSSIAN_COUNTRY_CODE = 7
_RUSSIAN_NATIONAL_LENGTH = 10
_REGIONS_OF_RUSSIAN_COUNTRY_CODE = frozenset(
    phonenumbers.region_codes_for_country_code(_RUSSIAN_COUNTRY_CODE)
)
_PLAIN_SEPARATORS = str.maketrans("", "", " \t\u00a0-()")
_NON_GEOGRAPHIC_REGION = "001"
_UNKNOWN_ZONE = "Etc/Unknown"

_COUNTRY_LEVEL_ZONES: dict[int, tuple[str, ...]] = {}

_KIND_BY_TYPE: dict[int, PhoneKind] = {
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
}


def normalize_phone(text: str, default_region: str = "RU") -> ParsedPhone:
    """Parse one cell that should hold a phone number.

    Numbers without a country code are read as numbers of `default_region`. When the cell holds
    text around the number, or several numbers, the first valid number wins.
    Raises PhoneError.
    """
    if not text or text.isspace():
        raise PhoneError(PhoneProblem.EMPTY, text)
    candidate = _undo_spreadsheet_rendering(text)
    parsed = _parse_cell(candidate, default_region)
    if parsed is not None:
        return parsed
    rewritten = _rewrite_russian_habits(candidate, default_region)
    if rewritten != candidate:
        parsed = _parse_cell(rewritten, default_region)
        if parsed is not None:
            return parsed
    for parsed in _search(rewritten, default_region):
        return parsed
    raise _diagnose(text, rewritten, default_region)


def find_phones(text: str, default_region: str = "RU") -> list[ParsedPhone]:
    """Every valid phone number in free text, in order of appearance, without duplicates."""
    if not text or text.isspace():
        return []
    try:
        candidate = _undo_spreadsheet_rendering(text)
    except PhoneError:
        return []
    whole = _parse_cell(candidate, default_region)
    if whole is not None:
        return [whole]
    rewritten = _rewrite_russian_habits(candidate, default_region)
    if rewritten != candidate:
        whole = _parse_cell(rewritten, default_region)
        if whole is not None:
            return [whole]
    found: dict[str, ParsedPhone] = {}
    for parsed in _search(rewritten, default_region):
        found.setdefault(parsed.e164, parsed)
    return list(found.values())


def format_phone(e164: str) -> str:
    """International display form, e.g. "+7 912 345-67-89"; unparseable input comes back as is."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse_cell(text: str, region: str) -> ParsedPhone | None:
    return _parse_plain_russian(text, region) or _parse_whole(text, region)


def _parse_plain_russian(text: str, region: str) -> ParsedPhone | None:
    """The number in a cell holding just a Russian-style number, without phonenumbers.parse.

    Covers the spellings that make up nearly every cell of a Russian lead list ("8 (912)
    345-67-89", "+7 912 345 67 89", "89123456789", "9123456789") and gives the same result as
    parse() for them at a fraction of its cost, which dominates an import. None for anything
    else, including invalid numbers, which then take the general path.
    """
    if region not in _REGIONS_OF_RUSSIAN_COUNTRY_CODE:
        return None
    compact = text.translate(_PLAIN_SEPARATORS)
    if compact.startswith("+7"):
        national = compact[2:]
    elif len(compact) == _RUSSIAN_NATIONAL_LENGTH + 1 and compact[0] in "78":
        # Trunk prefix 8, or the country code 7 typed without the plus.
        national = compact[1:]
    else:
        national = compact
    if (
        len(national) != _RUSSIAN_NATIONAL_LENGTH
        or not (national.isascii() and national.isdigit())
        or national[0] == "0"
    ):
        return None
    number = PhoneNumber(country_code=_RUSSIAN_COUNTRY_CODE, national_number=int(national))
    return _to_parsed_phone(number)


def _parse_whole(text: str, region: str) -> ParsedPhone | None:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if number.extension is not None and len(number.extension) > _MAX_EXTENSION_DIGITS:
        return None
    return _to_parsed_phone(number)


def _search(text: str, region: str) -> Iterator[ParsedPhone]:
    """Valid numbers in free text, in order.

    Each digit run is parsed on its own first, which is several times cheaper than
    PhoneNumberMatcher and enough for "тел. 8-912-345-67-89, после 18:00". From the first run
    that is not a valid number on, the matcher takes over, since it can find a number inside
    a run (a date glued to a number, two numbers separated only by a space).
    """
    if _is_single_phone_shaped(text):
        # Already judged by the whole-cell parse.
        return
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        if _digit_count(run) < _MIN_DIGITS_OF_A_PHONE_FRAGMENT:
            continue
        parsed = _parse_cell(run, region)
        if parsed is None:
            yield from _match(text[match.start() :], region)
            return
        yield parsed


def _match(text: str, region: str) -> Iterator[ParsedPhone]:
    if _is_single_phone_shaped(text):
        # The text is just the run already judged as one number; the matcher would only pick
        # arbitrary digit groups out of a mistyped number.
        return
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        parsed = _to_parsed_phone(match.number)
        if parsed is not None:
            yield parsed


def _is_single_phone_shaped(text: str) -> bool:
    """True for text written like one phone number, with no words or list separators."""
    return (
        _PHONE_SHAPED.fullmatch(text) is not None
        and _digit_count(text) <= _MAX_DIGITS_IN_ONE_NUMBER
    )


def _to_parsed_phone(number: PhoneNumber) -> ParsedPhone | None:
    """The ParsedPhone for a valid number, None for an invalid one."""
    # number_type() is UNKNOWN exactly when is_valid_number() is False, and both do the same
    # metadata matching; calling only number_type() keeps the hot path at one matching pass.
    number_type = phonenumbers.number_type(number)
    country_code = number.country_code
    if number_type == PhoneNumberType.UNKNOWN or country_code is None:
        return None
    region_code = phonenumbers.region_code_for_number(number)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.is_number_type_geographical(number_type, country_code):
        zones = phone_timezones.time_zones_for_geographical_number(number)
    else:
        zones = _country_level_zones(number, country_code)
    return ParsedPhone(
        e164=e164,
        kind=_kind(number_type, region_code, number),
        extension=number.extension or None,
        region_code=None if region_code == _NON_GEOGRAPHIC_REGION else region_code,
        time_zones=() if _UNKNOWN_ZONE in zones else tuple(zones),
    )


def _country_level_zones(number: PhoneNumber, country_code: int) -> tuple[str, ...]:
    # For non-geographic types (which include Russian mobiles) phonenumbers answers with the
    # zones of the whole country code, but only after classifying the number a second time.
    # The answer depends on the country code alone, so remember it.
    zones = _COUNTRY_LEVEL_ZONES.get(country_code)
    if zones is None:
        zones = tuple(phone_timezones.time_zones_for_number(number))
        _COUNTRY_LEVEL_ZONES[country_code] = zones
    return zones


def _kind(number_type: int, region_code: str | None, number: PhoneNumber) -> PhoneKind:
    kind = _KIND_BY_TYPE.get(number_type)
    if kind is not None:
        return kind
    if number_type == PhoneNumberType.FIXED_LINE_OR_MOBILE and region_code == "RU":
        # Russian mobile ranges are exactly the 9xx codes.
        national = str(number.national_number)
        return PhoneKind.MOBILE if national.startswith("9") else PhoneKind.LANDLINE
    return PhoneKind.OTHER


def _undo_spreadsheet_rendering(text: str) -> str:
    """Digits of a number that a spreadsheet stored as a float, e.g. "89123456789.0".

    Text that is not such a rendering is returned unchanged.
    """
    match = _SPREADSHEET_NUMBER.fullmatch(text)
    if match is None:
        return text
    plus, integer_part, fraction, exponent = match.groups()
    fraction = fraction or ""
    if exponent is None:
        if fraction and not fraction.strip("0"):
            return plus + integer_part
        return text
    digits = integer_part + fraction
    shift = int(exponent) - len(fraction)
    if shift < 0:
        kept, dropped = digits[:shift], digits[shift:]
        return plus + kept if not dropped.strip("0") else text
    if shift > 0 and len(digits.lstrip("0")) < _MIN_DIGITS_IN_SCIENTIFIC_RENDERING:
        raise PhoneError(
            PhoneProblem.INVALID,
            text,
            f"{_quote(text)} is a number a spreadsheet rounded for display; "
            "its last digits are lost.",
        )
    return plus + digits + "0" * shift


def _rewrite_russian_habits(text: str, region: str) -> str:
    """Rewrite spellings phonenumbers does not know into ones it does."""
    # The cheap checks spare most cells the slower full patterns.
    if _RUSSIAN_EXTENSION_HINT.search(text) is not None:
        text = _RUSSIAN_EXTENSION_AFTER_DIGITS.sub(r" ext. \1", text)
        text = _RUSSIAN_EXTENSION_BEFORE_DIGITS.sub(" ext. ", text)
    if "+8" in text and region in _REGIONS_OF_RUSSIAN_COUNTRY_CODE:
        text = _PLUS_BEFORE_TRUNK_PREFIX.sub("", text, count=1)
    return text


def _diagnose(original: str, text: str, region: str) -> PhoneError:
    chunks = _PHONE_LIKE_CHUNK.findall(text)
    if not chunks:
        return PhoneError(PhoneProblem.NOT_A_NUMBER, original)
    chunk = max(chunks, key=_digit_count)
    if _digit_count(chunk) < _MIN_DIGITS_OF_A_PHONE_FRAGMENT:
        return PhoneError(PhoneProblem.NOT_A_NUMBER, original)
    try:
        number = phonenumbers.parse(chunk, region)
    except NumberParseException as error:
        return PhoneError(_problem_of_parse_error(error), original)
    return PhoneError(_length_problem(number, has_plus=chunk.startswith("+")), original)


def _digit_count(text: str) -> int:
    return sum(map(str.isdigit, text))


def _problem_of_parse_error(error: NumberParseException) -> PhoneProblem:
    if error.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return PhoneProblem.TOO_SHORT
    if error.error_type == NumberParseException.TOO_LONG:
        return PhoneProblem.TOO_LONG
    if error.error_type == NumberParseException.NOT_A_NUMBER:
        return PhoneProblem.NOT_A_NUMBER
    return PhoneProblem.INVALID


def _length_problem(number: PhoneNumber, *, has_plus: bool) -> PhoneProblem:
    """Classify an invalid number by comparing its length with the country's usual lengths.

    phonenumbers' own is_possible_number_with_reason is too lenient here: Russia's metadata
    admits 14-digit numbers for a tiny special range, so it calls most over-long input possible.
    """
    country_code = number.country_code
    if country_code is None:
        return PhoneProblem.INVALID
    region_code = phonenumbers.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region_code)
    if metadata is None:
        return PhoneProblem.INVALID
    lengths = _usual_lengths(metadata)
    if not lengths:
        return PhoneProblem.INVALID
    national = phonenumbers.national_significant_number(number)
    # A leftover trunk prefix or country code means the user typed it but too few digits after.
    prefixes = [metadata.national_prefix or ""]
    if not has_plus:
        prefixes.append(str(country_code))
    without_prefix = [
        len(national) - len(prefix) for prefix in prefixes if prefix and national.startswith(prefix)
    ]
    if len(national) < min(lengths):
        return PhoneProblem.TOO_SHORT
    if len(national) > max(lengths):
        if any(min(lengths) <= length <= max(lengths) for length in without_prefix):
            return PhoneProblem.INVALID
        return PhoneProblem.TOO_LONG
    if any(length < min(lengths) for length in without_prefix):
        return PhoneProblem.TOO_SHORT
    return PhoneProblem.INVALID


def _usual_lengths(metadata: PhoneMetadata) -> tuple[int, ...]:
    lengths: set[int] = set()
    for description in (metadata.fixed_line, metadata.mobile):
        if description is not None and description.possible_length:
            lengths.update(length for length in description.possible_length if length > 0)
    if not lengths and metadata.general_desc is not None:
        lengths.update(length for length in metadata.general_desc.possible_length if length > 0)
    return tuple(lengths)
