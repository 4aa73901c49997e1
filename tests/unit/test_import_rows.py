"""The row rules of a lead-list import: one row and a column layout in, one outcome out."""

from __future__ import annotations

import pytest

from operator_app.core.column_mapping import ColumnMapping, Field, MappingError, suggest_mapping
from operator_app.core.importing.mappings import layout_for
from operator_app.core.importing.row_rules import AcceptedRow, RowContext, evaluate_row
from operator_app.core.importing.types import RejectedRow, RowProblem

HEADERS = (
    "ФИО",
    "Телефон",
    "Доп. телефон",
    "Компания",
    "ИНН",
    "Город",
    "Регион",
    "Часовой пояс",
    "E-mail",
    "Должность",
    "Комментарий",
    "Источник",
)
VALID_INN = "7707083893"
WRONG_CHECKSUM_INN = "7707083894"


def context(default_zone: str | None = "Europe/Moscow", region: str = "RU") -> RowContext:
    return RowContext(layout_for(suggest_mapping(HEADERS), HEADERS), region, default_zone)


def row(**values: str) -> list[str]:
    """A row of HEADERS; keyword names are the headers' field names below."""
    names = {
        "name": "ФИО",
        "phone": "Телефон",
        "phone2": "Доп. телефон",
        "company": "Компания",
        "inn": "ИНН",
        "city": "Город",
        "region": "Регион",
        "tz": "Часовой пояс",
        "email": "E-mail",
        "position": "Должность",
        "comment": "Комментарий",
        "source": "Источник",
    }
    cells = dict.fromkeys(HEADERS, "")
    for key, value in values.items():
        cells[names[key]] = value
    return [cells[header] for header in HEADERS]


def accepted(cells: list[str], ctx: RowContext | None = None) -> AcceptedRow:
    outcome = evaluate_row(2, cells, ctx or context())
    assert isinstance(outcome, AcceptedRow), outcome
    return outcome


def rejected(cells: list[str], ctx: RowContext | None = None) -> RejectedRow:
    outcome = evaluate_row(7, cells, ctx or context())
    assert isinstance(outcome, RejectedRow), outcome
    return outcome


@pytest.mark.parametrize(
    "typed",
    ["8 (912) 345-67-89", "+7 912 345 67 89", "89123456789", "+7(912)345-67-89", "79123456789"],
)
def test_phones_as_people_type_them_become_e164(typed: str) -> None:
    result = accepted(row(phone=typed))
    assert [phone.e164 for phone in result.phones] == ["+79123456789"]
    assert result.phones[0].raw == typed
    assert result.phones[0].kind == "mobile"


def test_a_number_inside_text_is_found() -> None:
    result = accepted(row(phone="тел. 8-912-345-67-89, после 18:00"))
    assert [phone.e164 for phone in result.phones] == ["+79123456789"]
    assert result.phones[0].raw == "тел. 8-912-345-67-89, после 18:00"


def test_every_phone_column_and_every_number_in_a_cell_belong_to_the_contact() -> None:
    result = accepted(row(phone="8 912 345-67-89, 8 (343) 222-33-44", phone2="+7 (916) 111-22-33"))
    assert [phone.e164 for phone in result.phones] == [
        "+79123456789",
        "+73432223344",
        "+79161112233",
    ]


def test_the_same_number_twice_in_a_row_is_one_phone() -> None:
    result = accepted(row(phone="89123456789", phone2="+7 912 345 67 89"))
    assert [phone.e164 for phone in result.phones] == ["+79123456789"]


def test_an_extension_is_kept() -> None:
    result = accepted(row(phone="8 (495) 123-45-67 доб. 123"))
    assert result.phones[0].e164 == "+74951234567"
    assert result.phones[0].extension == "123"


def test_the_default_region_reads_numbers_without_a_country_code() -> None:
    result = accepted(row(phone="8 (701) 123-45-67"), context(region="KZ"))
    assert result.phones[0].e164 == "+77011234567"
    assert result.phones[0].region_code == "KZ"


def test_a_row_without_any_phone_is_rejected_naming_the_column() -> None:
    outcome = rejected(row(name="Иванов"))
    assert outcome.problem is RowProblem.NO_VALID_PHONE
    assert outcome.line_number == 7
    assert "'Телефон'" in outcome.reason and "'Доп. телефон'" in outcome.reason
    assert outcome.cells == tuple(row(name="Иванов"))


@pytest.mark.parametrize("typed", ["8 912 345-67", "8912345678901234", "нет телефона"])
def test_a_row_whose_phones_are_not_valid_is_rejected_naming_field_and_value(typed: str) -> None:
    outcome = rejected(row(phone=typed))
    assert outcome.problem is RowProblem.NO_VALID_PHONE
    assert "Телефон" in outcome.reason
    assert f"'{typed}'" in outcome.reason


def test_one_valid_phone_is_enough() -> None:
    result = accepted(row(phone="8 912 345", phone2="8 912 345 67 89"))
    assert [phone.e164 for phone in result.phones] == ["+79123456789"]


def test_an_inn_failing_its_checksum_rejects_the_row_naming_field_and_value() -> None:
    outcome = rejected(row(phone="89123456789", inn=WRONG_CHECKSUM_INN))
    assert outcome.problem is RowProblem.BAD_INN
    assert outcome.reason.startswith("ИНН: ")
    assert WRONG_CHECKSUM_INN in outcome.reason
    assert "check digits" in outcome.reason


def test_an_inn_that_is_not_one_rejects_the_row() -> None:
    outcome = rejected(row(phone="89123456789", inn="12345"))
    assert outcome.problem is RowProblem.BAD_INN
    assert "'12345'" in outcome.reason


def test_a_valid_inn_is_normalised_and_names_the_company() -> None:
    result = accepted(row(phone="89123456789", company='ООО "Ромашка"', inn=f"ИНН {VALID_INN}"))
    assert result.company is not None
    assert result.company.inn == VALID_INN
    assert result.company.name == 'ООО "Ромашка"'


def test_an_inn_without_a_company_name_still_makes_a_company() -> None:
    result = accepted(row(phone="89123456789", inn=VALID_INN))
    assert result.company is not None
    assert result.company.inn == VALID_INN
    assert VALID_INN in result.company.name


def test_no_company_and_no_inn_means_no_company() -> None:
    assert accepted(row(phone="89123456789")).company is None


def test_contact_fields_are_taken_from_their_columns() -> None:
    result = accepted(
        row(
            name="  Иванов Иван ",
            phone="89123456789",
            city="Екатеринбург",
            region="Свердловская обл.",
            email="ivanov@example.ru",
            position="директор",
            comment="перезвонить",
        )
    )
    assert result.full_name == "Иванов Иван"
    assert result.city == "Екатеринбург"
    assert result.region == "Свердловская обл."
    assert result.email == "ivanov@example.ru"
    assert result.position == "директор"
    assert result.comment == "перезвонить"


def test_unmapped_columns_are_kept_as_custom_fields_by_header() -> None:
    result = accepted(row(phone="89123456789", source="выставка"))
    assert result.custom_fields == {"Источник": "выставка"}


def test_empty_custom_columns_are_not_stored() -> None:
    assert accepted(row(phone="89123456789")).custom_fields == {}


def test_an_invalid_email_is_kept_as_a_custom_field_and_does_not_reject() -> None:
    result = accepted(row(phone="89123456789", email="ivanov at mail"))
    assert result.email is None
    assert result.custom_fields["E-mail"] == "ivanov at mail"


def test_an_explicit_time_zone_column_wins_and_is_not_a_guess() -> None:
    result = accepted(row(phone="89123456789", city="Москва", tz="МСК+2"))
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Yekaterinburg", False)
    assert (result.phones[0].time_zone, result.phones[0].time_zone_guessed) == (
        "Asia/Yekaterinburg",
        False,
    )


def test_the_city_gives_the_zone() -> None:
    result = accepted(row(phone="89123456789", city="Новосибирск"))
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Novosibirsk", False)


def test_the_region_gives_the_zone_when_the_city_is_unknown() -> None:
    result = accepted(row(phone="89123456789", region="Свердловская область"))
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Yekaterinburg", False)


def test_a_landline_area_code_gives_the_zone() -> None:
    result = accepted(row(phone="8 (343) 222-33-44"))
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Yekaterinburg", False)


def test_a_mobile_alone_falls_back_to_the_campaign_default_marked_as_guessed() -> None:
    result = accepted(row(phone="89123456789"), context(default_zone="Asia/Omsk"))
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Omsk", True)
    assert result.phones[0].time_zone_guessed is True


def test_each_phone_gets_its_own_zone_and_the_contact_that_of_the_first() -> None:
    result = accepted(
        row(phone="89123456789", phone2="8 (343) 222-33-44"), context(default_zone="Asia/Omsk")
    )
    zones = [(phone.time_zone, phone.time_zone_guessed) for phone in result.phones]
    assert zones == [("Asia/Omsk", True), ("Asia/Yekaterinburg", False)]
    assert (result.time_zone, result.time_zone_guessed) == ("Asia/Omsk", True)


def test_a_name_longer_than_its_column_is_cut_and_kept_whole_as_a_custom_field() -> None:
    long_name = "Иванов " * 60
    result = accepted(row(name=long_name, phone="89123456789"))
    assert len(result.full_name) == 300
    assert result.custom_fields["ФИО"] == long_name.strip()


def test_nul_characters_are_dropped_from_stored_text() -> None:
    result = accepted(row(name="Ива\x00нов", phone="89123456789"))
    assert result.full_name == "Иванов"


def test_rows_shorter_than_the_header_are_read_as_empty_cells() -> None:
    result = evaluate_row(2, ["Иванов", "89123456789"], context())
    assert isinstance(result, AcceptedRow)
    assert result.city is None


def test_a_mapping_without_a_phone_column_cannot_be_laid_out() -> None:
    with pytest.raises(MappingError):
        layout_for(ColumnMapping({"ФИО": Field.NAME}), ["ФИО", "Город"])


def test_several_comment_columns_are_joined() -> None:
    headers = ("Телефон", "Комментарий", "Примечание")
    ctx = RowContext(layout_for(suggest_mapping(headers), headers))
    result = evaluate_row(2, ["89123456789", "первый", "второй"], ctx)
    assert isinstance(result, AcceptedRow)
    assert result.comment == "первый\nвторой"


def test_a_rejection_says_cell_by_cell_what_is_wrong_for_translation() -> None:
    empty = rejected(row(name="Иванов"))
    assert [(i.header, i.value, i.problem) for i in empty.issues] == [
        ("Телефон", "", "empty"),
        ("Доп. телефон", "", "empty"),
    ]
    bad_phone = rejected(row(phone="8 912 345-67", phone2="нет телефона"))
    assert [(i.header, i.value) for i in bad_phone.issues] == [
        ("Телефон", "8 912 345-67"),
        ("Доп. телефон", "нет телефона"),
    ]
    assert [i.problem for i in bad_phone.issues] == ["too_short", "not_a_number"]
    bad_inn = rejected(row(phone="89123456789", inn=WRONG_CHECKSUM_INN))
    assert [(i.header, i.value, i.problem) for i in bad_inn.issues] == [
        ("ИНН", WRONG_CHECKSUM_INN, "checksum")
    ]
