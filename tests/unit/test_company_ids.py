from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn

from operator_app.core.company_ids import (
    InnError,
    InnProblem,
    inn_kind,
    is_valid_inn,
    normalize_inn,
)

SBERBANK = "7707083893"  # a real company INN
COMPANY_FROM_REGION_02 = "0274062111"  # starts with the zero spreadsheets drop
INDIVIDUAL = "500100732259"
INDIVIDUAL_FROM_REGION_02 = "027812345646"


@pytest.mark.parametrize(
    ("text", "inn"),
    [
        (SBERBANK, SBERBANK),
        ("ИНН 7707083893", SBERBANK),
        ("инн: 7707083893", SBERBANK),
        ("INN 7707083893", SBERBANK),
        ("ИНН7707083893", SBERBANK),
        (" 7707 083 893 ", SBERBANK),
        ("7707-083-893", SBERBANK),
        ("7707083893.0", SBERBANK),
        ("7.707083893E9", SBERBANK),
        ("7707083893/770701001", SBERBANK),
        ("ИНН/КПП 7707083893 / 770701001", SBERBANK),
        ("7830002293", "7830002293"),
        (INDIVIDUAL, INDIVIDUAL),
        ("500100732259.0", INDIVIDUAL),
        ("5.00100732259E+11", INDIVIDUAL),
        (COMPANY_FROM_REGION_02, COMPANY_FROM_REGION_02),
    ],
)
def test_normalize_inn_accepts_the_ways_an_inn_arrives(text: str, inn: str) -> None:
    assert normalize_inn(text) == inn


@pytest.mark.parametrize(
    ("text", "inn"),
    [
        ("274062111", COMPANY_FROM_REGION_02),
        ("274062111.0", COMPANY_FROM_REGION_02),
        ("27812345646", INDIVIDUAL_FROM_REGION_02),
    ],
)
def test_a_leading_zero_lost_in_a_spreadsheet_is_restored(text: str, inn: str) -> None:
    assert normalize_inn(text) == inn


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", InnProblem.EMPTY),
        ("   ", InnProblem.EMPTY),
        ("ИНН", InnProblem.EMPTY),
        ("ИНН: ", InnProblem.EMPTY),
        ("7707083894", InnProblem.CHECKSUM),
        ("500100732258", InnProblem.CHECKSUM),
        ("12345", InnProblem.FORMAT),
        ("абв", InnProblem.FORMAT),
        ("77070838931", InnProblem.FORMAT),
        ("7707083893 ООО Ромашка", InnProblem.FORMAT),
        ("274062112", InnProblem.FORMAT),  # padding with a zero does not make it valid
        ("5.001E+11", InnProblem.FORMAT),  # rounded by the spreadsheet: digits lost
        ("７７０７０８３８９３", InnProblem.FORMAT),  # full-width digits
    ],
)
def test_rejections_carry_a_reason(text: str, problem: InnProblem) -> None:
    with pytest.raises(InnError) as raised:
        normalize_inn(text)

    assert raised.value.problem is problem
    assert raised.value.text == text


def test_an_inn_error_is_a_value_error_with_an_english_sentence() -> None:
    with pytest.raises(ValueError, match=r"'7707083894' is not a valid INN"):
        normalize_inn("7707083894")


def test_is_valid_inn() -> None:
    assert is_valid_inn("ИНН 7707083893")
    assert not is_valid_inn("7707083894")
    assert not is_valid_inn("")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (SBERBANK, "company"),
        ("274062111", "company"),
        (INDIVIDUAL, "individual"),
        ("27812345646", "individual"),
    ],
)
def test_inn_kind(text: str, kind: str) -> None:
    assert inn_kind(text) == kind


def test_inn_kind_of_something_that_is_not_an_inn_raises() -> None:
    with pytest.raises(InnError):
        inn_kind("12345")


# --- properties ---------------------------------------------------------------------------


@st.composite
def valid_inns(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        body = draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
        return body + stdnum_inn.calc_company_check_digit(body)
    body = draw(st.from_regex(r"[0-9]{10}", fullmatch=True))
    return body + stdnum_inn.calc_personal_check_digits(body)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789 -.,/EeИНН", max_size=20)))
def test_normalize_inn_raises_nothing_but_inn_error(text: str) -> None:
    try:
        inn = normalize_inn(text)
    except InnError as error:
        assert isinstance(error.problem, InnProblem)
    else:
        assert len(inn) in (10, 12)
        assert stdnum_inn.is_valid(inn)


@settings(max_examples=300, deadline=None)
@given(valid_inns())
def test_every_valid_inn_survives_labels_floats_and_lost_zeros(inn: str) -> None:
    assert normalize_inn(inn) == inn
    assert normalize_inn(f"ИНН {inn}") == inn
    assert normalize_inn(f"{inn}.0") == inn
    if inn.startswith("0") and not inn.startswith("00"):
        assert normalize_inn(inn[1:]) == inn


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9]{10}|[0-9]{12}", fullmatch=True))
def test_digits_of_the_right_length_are_accepted_exactly_when_the_checksum_holds(
    digits: str,
) -> None:
    assert is_valid_inn(digits) == stdnum_inn.is_valid(digits)
