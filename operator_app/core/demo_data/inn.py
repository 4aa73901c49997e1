"""Taxpayer numbers (ИНН) with correct check digits, for made-up companies and entrepreneurs.

The check digit of each prefix is its weighted digit sum modulo 11, then modulo 10.
"""

from __future__ import annotations

import random

_COMPANY_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_PERSON_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_PERSON_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def check_digit(digits: str, weights: tuple[int, ...]) -> str:
    if len(digits) != len(weights):
        raise ValueError(f"{len(weights)} digits expected, got {digits!r}")
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))
    return str(total % 11 % 10)


def _tax_office(rng: random.Random, region: str) -> str:
    """Region code and the number of a tax office in it: the first four digits of an INN."""
    if len(region) != 2 or not region.isdigit():
        raise ValueError(f"a region code has two digits, got {region!r}")
    return f"{region}{rng.randint(1, 51):02d}"


def company_inn(rng: random.Random, region: str) -> str:
    """A 10-digit INN of an organisation registered in `region` (e.g. "77" for Moscow)."""
    body = _tax_office(rng, region) + f"{rng.randint(0, 99_999):05d}"
    return body + check_digit(body, _COMPANY_WEIGHTS)


def person_inn(rng: random.Random, region: str) -> str:
    """A 12-digit INN of a person, e.g. an individual entrepreneur (ИП)."""
    body = _tax_office(rng, region) + f"{rng.randint(0, 999_999):06d}"
    body += check_digit(body, _PERSON_WEIGHTS_11)
    return body + check_digit(body, _PERSON_WEIGHTS_12)
