"""Phone numbers written the many ways people type them, kept only when they are valid.

Candidates are random; each goes through the app's own normalize_phone, so the demo holds
exactly what an import of the same cells would have accepted.
"""

from __future__ import annotations

import random

from operator_app.core.phones import ParsedPhone, PhoneError, PhoneKind, normalize_phone

# Codes Russian mobile operators actually hand out.
_MOBILE_CODES = (
    *range(900, 907), 908, 909, *range(910, 940), *range(950, 954), 958,
    *range(960, 970), 977, 978, *range(980, 990), *range(991, 1000),
)  # fmt: skip
_MAX_TRIES = 1000


def _spell(rng: random.Random, code: str, number: str) -> str:
    """The ten national digits as a person or a spreadsheet might have written them."""
    a, b, c = number[:3], number[3:5], number[5:]
    return rng.choice(
        (
            f"+7 ({code}) {a}-{b}-{c}",
            f"8 ({code}) {a}-{b}-{c}",
            f"8 {code} {a} {b} {c}",
            f"8-{code}-{a}-{b}-{c}",
            f"8{code}{number}",
            f"+7{code}{number}",
            f"7 {code} {number}",
        )
    )


def _valid(raw: str, kind: PhoneKind, taken: set[str]) -> ParsedPhone | None:
    try:
        parsed = normalize_phone(raw)
    except PhoneError:
        return None
    if parsed.kind is not kind or parsed.e164 in taken:
        return None
    taken.add(parsed.e164)
    return parsed


def mobile_phone(rng: random.Random, taken: set[str]) -> tuple[str, ParsedPhone]:
    """A valid mobile number not in `taken` (which it joins): (as typed, parsed)."""
    for _ in range(_MAX_TRIES):
        code = str(rng.choice(_MOBILE_CODES))
        raw = _spell(rng, code, f"{rng.randint(0, 9_999_999):07d}")
        parsed = _valid(raw, PhoneKind.MOBILE, taken)
        if parsed is not None:
            return raw, parsed
    raise RuntimeError("no valid mobile number found; the phone metadata changed?")


def landline_phone(
    rng: random.Random, area_code: str, taken: set[str], *, extension: str | None = None
) -> tuple[str, ParsedPhone]:
    """A valid landline number with a seven-digit local part in `area_code` (e.g. "495")."""
    for _ in range(_MAX_TRIES):
        raw = _spell(rng, area_code, f"{rng.randint(2_000_000, 9_999_999)}")
        if extension is not None:
            raw += f" доб. {extension}"
        parsed = _valid(raw, PhoneKind.LANDLINE, taken)
        if parsed is not None:
            return raw, parsed
    raise RuntimeError(f"no valid landline number found in the area code {area_code}")
