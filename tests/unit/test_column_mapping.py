"""Suggesting, checking, resolving and saving which column feeds which lead field."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from operator_app.core.column_mapping import (
    MULTI_FIELDS,
    ColumnMapping,
    Field,
    MappingError,
    MappingProblem,
    ResolvedMapping,
    suggest_mapping,
)

RUSSIAN_HEADERS = [
    "№",
    "ФИО",
    "Телефон",
    "Моб. телефон",
    "Телефон 2",
    "Доп. телефон",
    "Компания",
    "ИНН",
    "Город",
    "Область",
    "Часовой пояс",
    "E-mail",
    "Должность",
    "Комментарий",
    "Примечание",
    "Источник",
]


def test_realistic_russian_headers() -> None:
    mapping = suggest_mapping(RUSSIAN_HEADERS)

    assert dict(mapping.fields) == {
        "№": Field.CUSTOM,
        "ФИО": Field.NAME,
        "Телефон": Field.PHONE,
        "Моб. телефон": Field.PHONE,
        "Телефон 2": Field.PHONE,
        "Доп. телефон": Field.PHONE,
        "Компания": Field.COMPANY,
        "ИНН": Field.INN,
        "Город": Field.CITY,
        "Область": Field.REGION,
        "Часовой пояс": Field.TIMEZONE,
        "E-mail": Field.EMAIL,
        "Должность": Field.POSITION,
        "Комментарий": Field.COMMENT,
        "Примечание": Field.COMMENT,
        "Источник": Field.CUSTOM,
    }
    mapping.validate(RUSSIAN_HEADERS)


def test_realistic_english_headers() -> None:
    headers = [
        "Full name",
        "Phone",
        "Mobile",
        "Phone2",
        "Organization",
        "TIN",
        "Town",
        "State",
        "UTC offset",
        "Email",
        "Job title",
        "Notes",
        "Lead source",
    ]

    assert list(suggest_mapping(headers).fields.values()) == [
        Field.NAME,
        Field.PHONE,
        Field.PHONE,
        Field.PHONE,
        Field.COMPANY,
        Field.INN,
        Field.CITY,
        Field.REGION,
        Field.TIMEZONE,
        Field.EMAIL,
        Field.POSITION,
        Field.COMMENT,
        Field.CUSTOM,
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО", Field.NAME),
        ("Имя", Field.NAME),
        ("Контактное лицо", Field.NAME),
        ("Клиент", Field.NAME),
        ("Name", Field.NAME),
        ("Contact", Field.NAME),
        ("ТЕЛЕФОН", Field.PHONE),
        ("Тел.", Field.PHONE),
        ("Мобильный", Field.PHONE),
        ("Телефон №3", Field.PHONE),
        ("Tel", Field.PHONE),
        ("Phone 2", Field.PHONE),
        ("Телефон ЛПР", Field.PHONE),
        ("Контактный телефон", Field.PHONE),
        ("Организация", Field.COMPANY),
        ("Наименование", Field.COMPANY),
        ("Название компании", Field.COMPANY),
        ("Company", Field.COMPANY),
        ("INN", Field.INN),
        ("ИНН организации", Field.INN),
        ("Населённый пункт", Field.CITY),
        ("City", Field.CITY),
        ("Регион", Field.REGION),
        ("Субъект", Field.REGION),
        ("Region", Field.REGION),
        ("Таймзона", Field.TIMEZONE),
        ("Time zone", Field.TIMEZONE),
        ("TZ", Field.TIMEZONE),
        ("Email", Field.EMAIL),
        ("Эл. почта", Field.EMAIL),
        ("Почта", Field.EMAIL),
        ("Электронная почта", Field.EMAIL),
        ("Position", Field.POSITION),
        ("Title", Field.POSITION),
        ("Должность ЛПР", Field.POSITION),
        ("Comment", Field.COMMENT),
        ("Note", Field.COMMENT),
        ("Комментарий оператора", Field.COMMENT),
    ],
)
def test_one_header_is_recognised(header: str, field: Field) -> None:
    assert suggest_mapping([header]).fields[header] is field


@pytest.mark.parametrize(
    "header",
    [
        "Телефон проверен",
        "Статус телефона",
        "Телефонный код",
        "Дата звонка",
        "Номер",
        "ЛПР",
        "Рабочий",
        "ИНН/КПП",
        "Почтовый индекс",
        "Адрес",
        "",
    ],
)
def test_headers_that_only_resemble_a_field_stay_custom(header: str) -> None:
    assert suggest_mapping([header]).fields[header] is Field.CUSTOM


def test_a_single_valued_field_goes_to_the_exact_header_then_the_leftmost() -> None:
    mapping = suggest_mapping(["ФИО ЛПР", "Email 2", "ФИО", "Email", "Имя", "Клиент"])

    assert dict(mapping.fields) == {
        "ФИО ЛПР": Field.CUSTOM,
        "Email 2": Field.CUSTOM,
        "ФИО": Field.NAME,
        "Email": Field.EMAIL,
        "Имя": Field.CUSTOM,
        "Клиент": Field.CUSTOM,
    }


def test_suggestion_keeps_header_order() -> None:
    assert list(suggest_mapping(RUSSIAN_HEADERS).fields) == RUSSIAN_HEADERS


# --- validation -----------------------------------------------------------------------------


def problem_of(mapping: ColumnMapping, headers: list[str]) -> MappingError:
    with pytest.raises(MappingError) as caught:
        mapping.validate(headers)
    return caught.value


def test_a_mapping_without_a_phone_column_is_refused() -> None:
    error = problem_of(ColumnMapping({"ФИО": Field.NAME}), ["ФИО", "Город"])

    assert error.problem is MappingProblem.NO_PHONE
    assert isinstance(error, ValueError)


def test_a_single_valued_field_from_two_columns_is_refused() -> None:
    mapping = ColumnMapping({"ФИО": Field.NAME, "Имя": Field.NAME, "Телефон": Field.PHONE})

    error = problem_of(mapping, ["ФИО", "Имя", "Телефон"])

    assert error.problem is MappingProblem.DUPLICATE_FIELD
    assert error.detail == "name"
    assert "'ФИО'" in str(error) and "'Имя'" in str(error)


def test_several_phone_comment_and_custom_columns_are_fine() -> None:
    headers = ["Тел 1", "Тел 2", "Прим 1", "Прим 2", "A", "B", "C", "D"]
    fields = [Field.PHONE, Field.PHONE, Field.COMMENT, Field.COMMENT]
    fields += [Field.CUSTOM, Field.CUSTOM, Field.IGNORE, Field.IGNORE]

    ColumnMapping(dict(zip(headers, fields, strict=True))).validate(headers)


def test_a_mapped_column_missing_from_the_file_is_refused() -> None:
    mapping = ColumnMapping({"Телефон": Field.PHONE, "Город": Field.CITY})

    error = problem_of(mapping, ["Телефон", "Регион"])

    assert error.problem is MappingProblem.UNKNOWN_COLUMN
    assert error.detail == "Город"


def test_an_ignored_column_may_be_missing_from_the_file() -> None:
    ColumnMapping({"Телефон": Field.PHONE, "Служебное": Field.IGNORE}).validate(["Телефон"])


# --- resolving to column indexes ------------------------------------------------------------


def test_columns_for_resolves_indexes_of_this_file() -> None:
    mapping = ColumnMapping(
        {
            "Телефон": Field.PHONE,
            "Моб": Field.PHONE,
            "ФИО": Field.NAME,
            "ИНН": Field.INN,
            "Заметка": Field.COMMENT,
            "Источник": Field.CUSTOM,
            "Менеджер": Field.CUSTOM,
            "Служебное": Field.IGNORE,
        }
    )
    # Columns moved since the mapping was saved, and a new one appeared.
    headers = ["Менеджер", "ФИО", "Новая", "Моб", "Служебное", "Телефон", "Источник", "ИНН"]
    headers.append("Заметка")

    assert mapping.columns_for(headers) == ResolvedMapping(
        phone=(3, 5),
        name=1,
        company=None,
        inn=7,
        city=None,
        region=None,
        timezone=None,
        email=None,
        position=None,
        comment=(8,),
        custom=(("Менеджер", 0), ("Источник", 6)),
    )


def test_columns_for_validates_first() -> None:
    with pytest.raises(MappingError) as caught:
        ColumnMapping({"ФИО": Field.NAME}).columns_for(["ФИО"])

    assert caught.value.problem is MappingProblem.NO_PHONE


# --- saving ---------------------------------------------------------------------------------


def test_json_round_trip_is_stable_and_readable() -> None:
    first = ColumnMapping({"Телефон": Field.PHONE, "ФИО": Field.NAME, "Город": Field.CITY})
    same_in_other_order = ColumnMapping(
        {"Город": Field.CITY, "ФИО": Field.NAME, "Телефон": Field.PHONE}
    )

    text = first.to_json()

    assert text == same_in_other_order.to_json()
    assert "Телефон" in text  # kept readable, not \\u-escaped
    assert json.loads(text) == {
        "version": 1,
        "fields": {"Город": "city", "Телефон": "phone", "ФИО": "name"},
    }
    assert ColumnMapping.from_json(text) == first


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"version": 1}',
        '{"version": 2, "fields": {}}',
        '{"version": 1, "fields": {"Телефон": "telephone"}}',
        '{"version": 1, "fields": {"Телефон": null}}',
        '{"version": 1, "fields": {"Телефон": ["phone"]}}',
    ],
)
def test_a_damaged_saved_mapping_is_reported(text: str) -> None:
    with pytest.raises(MappingError) as caught:
        ColumnMapping.from_json(text)

    assert caught.value.problem is MappingProblem.MALFORMED


def test_a_mapping_cannot_be_changed_after_creation() -> None:
    source = {"Телефон": Field.PHONE}
    mapping = ColumnMapping(source)
    source["ФИО"] = Field.NAME

    assert dict(mapping.fields) == {"Телефон": Field.PHONE}
    with pytest.raises(TypeError):
        mapping.fields["ФИО"] = Field.NAME  # type: ignore[index]
    assert hash(mapping) == hash(ColumnMapping({"Телефон": Field.PHONE}))


# --- properties -----------------------------------------------------------------------------

_HEADER = st.text(alphabet=st.sampled_from(list("ТелфонИНФОemailPh 2.-ёЁ")), max_size=12)


@given(st.lists(_HEADER, unique=True, max_size=12))
def test_suggestions_never_break_the_one_column_rule(headers: list[str]) -> None:
    mapping = suggest_mapping(headers)

    assert list(mapping.fields) == headers
    if Field.PHONE in mapping.fields.values():
        mapping.validate(headers)
    single = [field for field in mapping.fields.values() if field not in MULTI_FIELDS]
    assert len(single) == len(set(single))


@given(st.dictionaries(st.text(max_size=20), st.sampled_from(list(Field)), max_size=10))
def test_any_mapping_survives_json(fields: dict[str, Field]) -> None:
    mapping = ColumnMapping(fields)

    assert ColumnMapping.from_json(mapping.to_json()) == mapping
