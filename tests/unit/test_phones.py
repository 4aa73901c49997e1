from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from operator_app.core.phones import (
    ParsedPhone,
    PhoneError,
    PhoneKind,
    PhoneProblem,
    find_phones,
    format_phone,
    normalize_phone,
)

MOBILE = "+79123456789"


@pytest.mark.parametrize(
    "text",
    [
        "8 (912) 345-67-89",
        "+7 912 345 67 89",
        "+7 (912) 345-67-89",
        "+7(912)345-67-89",
        "89123456789",
        "79123456789",
        "9123456789",
        "7 912 345 67 89",
        "8-912-345-67-89",
        "8 912 345 67 89 ",
        "+8 912 345 67 89",
        "\u00a08\u00a0912\u00a0345\u00a067\u00a089",
    ],
)
def test_russian_ways_of_writing_a_mobile_number(text: str) -> None:
    parsed = normalize_phone(text)

    assert parsed.e164 == MOBILE
    assert parsed.kind is PhoneKind.MOBILE
    assert parsed.extension is None
    assert parsed.region_code == "RU"


@pytest.mark.parametrize(
    "text", ["89123456789.0", "8.9123456789E10", "8,9123456789E+10", "79123456789.00"]
)
def test_numbers_a_spreadsheet_stored_as_floats(text: str) -> None:
    assert normalize_phone(text).e164 == MOBILE


def test_a_foreign_number_stored_as_a_float_keeps_its_country() -> None:
    assert normalize_phone("+375291234567.0").e164 == "+375291234567"


def test_a_float_the_spreadsheet_rounded_is_rejected_not_guessed() -> None:
    with pytest.raises(PhoneError) as raised:
        normalize_phone("8.91235E+10")

    assert raised.value.problem is PhoneProblem.INVALID
    assert "rounded" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "extension"),
    [
        ("8 912 345-67-89 доб. 123", "123"),
        ("8 912 345-67-89 доб 123", "123"),
        ("8 912 345-67-89 добавочный 77", "77"),
        ("+7 912 345 67 89 ext. 45", "45"),
        ("+7 912 345 67 89 #12", "12"),
        ("+7 912 345 67 89, 123 внутр.", "123"),
        ("8 (912) 345-67-89 вн. 45", "45"),
        ("8 912 345 67 89 внутр. 4567", "4567"),
        ("8 912 345 67 89 (доб. 12)", "12"),
    ],
)
def test_extensions(text: str, extension: str) -> None:
    parsed = normalize_phone(text)

    assert parsed.e164 == MOBILE
    assert parsed.extension == extension


@pytest.mark.parametrize(
    ("text", "e164", "zone"),
    [
        ("8 495 123-45-67", "+74951234567", "Europe/Moscow"),
        ("8 (343) 123-45-67", "+73431234567", "Asia/Yekaterinburg"),
        ("(383) 123-45-67", "+73831234567", "Asia/Novosibirsk"),
        ("+7 (3452) 12-34-56", "+73452123456", "Asia/Yekaterinburg"),
    ],
)
def test_a_landline_has_the_single_zone_of_its_area_code(text: str, e164: str, zone: str) -> None:
    parsed = normalize_phone(text)

    assert parsed.e164 == e164
    assert parsed.kind is PhoneKind.LANDLINE
    assert parsed.time_zones == (zone,)


def test_a_russian_mobile_number_maps_to_many_zones() -> None:
    zones = normalize_phone("8 912 345 67 89").time_zones

    assert len(zones) > 1
    assert {"Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok"} <= set(zones)


def test_a_kazakh_number_shares_country_code_7_but_is_kazakh() -> None:
    parsed = normalize_phone("+7 701 123 45 67")

    assert parsed.e164 == "+77011234567"
    assert parsed.region_code == "KZ"
    assert parsed.kind is PhoneKind.MOBILE


def test_a_toll_free_number_is_neither_mobile_nor_landline() -> None:
    assert normalize_phone("8-800-555-35-35").kind is PhoneKind.OTHER


def test_a_non_geographic_number_has_no_region_and_no_zones() -> None:
    parsed = normalize_phone("+800 1234 5678")

    assert parsed.region_code is None
    assert parsed.time_zones == ()


def test_default_region_decides_numbers_without_a_country_code() -> None:
    parsed = normalize_phone("8 029 123-45-67", default_region="BY")

    assert parsed.e164 == "+375291234567"
    assert parsed.region_code == "BY"


@pytest.mark.parametrize(
    "text",
    [
        "тел. 8-912-345-67-89, после 18:00",
        "моб. +7 912 345-67-89 (звонить утром)",
        "Иванов 89123456789",
        "89123456789 Ivan",
        "звонить 12.03.2024 на 8 912 345 67 89",
    ],
)
def test_a_number_inside_text(text: str) -> None:
    assert normalize_phone(text).e164 == MOBILE


def test_the_first_of_several_numbers_wins() -> None:
    parsed = normalize_phone("89123456789; 8 (495) 123-45-67")

    assert parsed.e164 == MOBILE
    assert parsed.extension is None


def test_a_second_number_glued_on_with_a_semicolon_is_not_an_extension() -> None:
    parsed = normalize_phone("89123456789;84951234567")

    assert parsed.e164 == MOBILE
    assert parsed.extension is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", PhoneProblem.EMPTY),
        ("   ", PhoneProblem.EMPTY),
        ("нет", PhoneProblem.NOT_A_NUMBER),
        ("уточнить", PhoneProblem.NOT_A_NUMBER),
        ("позвонить после 18:00", PhoneProblem.NOT_A_NUMBER),
        ("8 912 345 67 8", PhoneProblem.TOO_SHORT),
        ("8 (912) 345-67", PhoneProblem.TOO_SHORT),
        ("+7 912 345 67 8", PhoneProblem.TOO_SHORT),
        ("7 912 345 67 8", PhoneProblem.TOO_SHORT),
        ("8 912 345", PhoneProblem.TOO_SHORT),
        ("тел. 8 912 345 67, Иван", PhoneProblem.TOO_SHORT),
        ("891234567890123", PhoneProblem.TOO_LONG),
        ("8 912 345 67 89 0", PhoneProblem.TOO_LONG),
        ("+7912345678901", PhoneProblem.TOO_LONG),
        ("8 (012) 345-67-89", PhoneProblem.INVALID),
    ],
)
def test_rejections_carry_a_reason(text: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as raised:
        normalize_phone(text)

    assert raised.value.problem is problem
    assert raised.value.text == text


def test_a_phone_error_is_a_value_error_with_an_english_sentence() -> None:
    with pytest.raises(ValueError, match=r"'8 912 345' has too few digits"):
        normalize_phone("8 912 345")


def test_a_long_input_is_shortened_in_the_message_but_kept_in_text() -> None:
    text = "нет номера " * 20

    with pytest.raises(PhoneError) as raised:
        normalize_phone(text)

    assert raised.value.text == text
    assert len(str(raised.value)) < 120


def test_find_phones_returns_every_number_in_order_without_duplicates() -> None:
    text = "звонить 8 912 345 67 89 или +7 (495) 123-45-67 доб. 12, или снова 89123456789"

    found = find_phones(text)

    assert [phone.e164 for phone in found] == [MOBILE, "+74951234567"]
    assert found[1].extension == "12"


@pytest.mark.parametrize(
    "text",
    ["89123456789 89123456780", "89123456789, 89123456780", "8 912 345 67 89 / 8 912 345 67 80"],
)
def test_find_phones_splits_lists_of_numbers(text: str) -> None:
    assert [phone.e164 for phone in find_phones(text)] == [MOBILE, "+79123456780"]


def test_find_phones_in_a_single_number_cell() -> None:
    assert [phone.e164 for phone in find_phones("8 (912) 345-67-89 доб. 5")] == [MOBILE]


@pytest.mark.parametrize("text", ["", "  ", "нет телефона", "8 912 345 67 8", "8.91235E+10"])
def test_find_phones_finds_nothing_in_text_without_a_valid_number(text: str) -> None:
    assert find_phones(text) == []


def test_a_mistyped_number_does_not_yield_some_digit_group_inside_it() -> None:
    assert find_phones("3 014 - 093 638.9-3014") == []


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        (MOBILE, "+7 912 345-67-89"),
        ("+74951234567", "+7 495 123-45-67"),
        ("+375291234567", "+375 29 123-45-67"),
    ],
)
def test_format_phone(e164: str, shown: str) -> None:
    assert format_phone(e164) == shown


def test_format_phone_returns_what_it_cannot_parse() -> None:
    assert format_phone("не номер") == "не номер"


def test_parsed_phone_is_immutable() -> None:
    parsed = normalize_phone(MOBILE)

    with pytest.raises(AttributeError):
        parsed.e164 = "+70000000000"  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------

_PHONE_ALPHABET = "0123456789 +-().,;#/:xXE" + "доб.внутрext"
_phone_like_text = st.text(alphabet=_PHONE_ALPHABET, max_size=40)
_any_text = st.one_of(st.text(max_size=80), _phone_like_text)


@settings(max_examples=400, deadline=None)
@given(_any_text)
def test_normalize_phone_raises_nothing_but_phone_error(text: str) -> None:
    try:
        parsed = normalize_phone(text)
    except PhoneError as error:
        assert isinstance(error.problem, PhoneProblem)
        assert str(error)
    else:
        assert isinstance(parsed, ParsedPhone)
        assert parsed.e164.startswith("+")


@settings(max_examples=400, deadline=None)
@given(_any_text)
def test_find_phones_never_raises_and_returns_distinct_numbers(text: str) -> None:
    found = find_phones(text)

    assert len({phone.e164 for phone in found}) == len(found)


@settings(max_examples=400, deadline=None)
@given(_any_text)
def test_find_phones_agrees_with_normalize_phone(text: str) -> None:
    found = find_phones(text)
    try:
        first = normalize_phone(text)
    except PhoneError:
        assert found == []
    else:
        assert found[0] == first


@settings(max_examples=200, deadline=None)
@given(_any_text)
def test_a_normalized_number_normalizes_to_itself(text: str) -> None:
    try:
        parsed = normalize_phone(text)
    except PhoneError:
        return
    again = normalize_phone(parsed.e164)

    assert (again.e164, again.kind, again.region_code) == (
        parsed.e164,
        parsed.kind,
        parsed.region_code,
    )


_NATIONAL_LAYOUTS = [
    "8 ({0}) {1}-{2}-{3}",
    "+7 {0} {1} {2} {3}",
    "+7({0}){1}-{2}-{3}",
    "8{0}{1}{2}{3}",
    "7{0}{1}{2}{3}",
    "{0}{1}{2}{3}",
    "8-{0}-{1}-{2}-{3}",
]


@settings(max_examples=500, deadline=None)
@given(
    national=st.from_regex(r"[1-9][0-9]{9}", fullmatch=True),
    layout=st.sampled_from(_NATIONAL_LAYOUTS),
)
@example(national="1089000000", layout="8 ({0}) {1}-{2}-{3}")  # the 8-10 dial-abroad prefix
def test_agrees_with_phonenumbers_on_plain_russian_numbers(national: str, layout: str) -> None:
    text = layout.format(national[:3], national[3:6], national[6:8], national[8:])
    try:
        reference = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        # "8 10…" is how Russia dials abroad: phonenumbers reads what follows as a country
        # code and gives up. No such number is valid; the app refuses it too.
        reference = None

    if reference is not None and phonenumbers.is_valid_number(reference):
        parsed = normalize_phone(text)
        assert parsed.e164 == phonenumbers.format_number(
            reference, phonenumbers.PhoneNumberFormat.E164
        )
        assert parsed.region_code == phonenumbers.region_code_for_number(reference)
    else:
        with pytest.raises(PhoneError):
            normalize_phone(text)
