from __future__ import annotations

import csv
import zoneinfo
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operator_app.core.phones import normalize_phone
from operator_app.core.timezones import (
    PLACES_FILE,
    TzResolution,
    TzSource,
    parse_zone,
    resolve_timezone,
    zone_for_place,
)
from operator_app.resources import resource_path


def _place_rows() -> list[dict[str, str]]:
    with resource_path(*PLACES_FILE).open(encoding="utf-8", newline="") as places:
        return list(csv.DictReader(places))


# --- the places file ----------------------------------------------------------------------


def test_resource_path_points_into_the_resources_folder() -> None:
    path = resource_path("regions", "ru_places.csv")

    assert path.is_file()
    assert path.parent.name == "regions"


def test_places_file_has_the_documented_columns_and_kinds() -> None:
    rows = _place_rows()

    assert list(rows[0]) == ["name", "kind", "zone"]
    assert {row["kind"] for row in rows} == {"region", "city"}


def test_places_file_lists_all_89_federal_subjects_once() -> None:
    regions = [row["name"] for row in _place_rows() if row["kind"] == "region"]

    assert len(regions) == 89
    assert len(set(regions)) == 89


def test_places_file_lists_each_name_once() -> None:
    names = [(row["name"], row["kind"]) for row in _place_rows()]

    assert len(names) == len(set(names))


CIS_CAPITALS = {
    "Минск",
    "Алматы",
    "Астана",
    "Ташкент",
    "Бишкек",
    "Ереван",
    "Баку",
    "Душанбе",
    "Кишинёв",
}
WINTER, SUMMER = datetime(2025, 1, 15), datetime(2025, 7, 15)


def test_every_zone_in_the_places_file_is_a_real_zone() -> None:
    for row in _place_rows():
        assert zoneinfo.ZoneInfo(row["zone"]).utcoffset(WINTER) is not None, row["name"]


def test_russian_places_are_between_utc_plus_2_and_plus_12_all_year() -> None:
    for row in _place_rows():
        if row["name"] in CIS_CAPITALS:
            continue
        zone = zoneinfo.ZoneInfo(row["zone"])
        offset = zone.utcoffset(WINTER)
        assert offset is not None
        assert timedelta(hours=2) <= offset <= timedelta(hours=12), row["name"]
        assert zone.utcoffset(SUMMER) == offset, row["name"]


def test_every_place_in_the_file_resolves_to_its_own_zone() -> None:
    for row in _place_rows():
        assert zone_for_place(row["name"]) == row["zone"], row["name"]


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        ("Калининградская область", "Europe/Kaliningrad"),
        ("Москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("Республика Крым", "Europe/Simferopol"),
        ("Севастополь", "Europe/Simferopol"),
        ("Самарская область", "Europe/Samara"),
        ("Удмуртская Республика", "Europe/Samara"),
        ("Волгоградская область", "Europe/Volgograd"),
        ("Астраханская область", "Europe/Astrakhan"),
        ("Саратовская область", "Europe/Saratov"),
        ("Ульяновская область", "Europe/Ulyanovsk"),
        ("Кировская область", "Europe/Kirov"),
        ("Свердловская область", "Asia/Yekaterinburg"),
        ("Республика Башкортостан", "Asia/Yekaterinburg"),
        ("Пермский край", "Asia/Yekaterinburg"),
        ("Оренбургская область", "Asia/Yekaterinburg"),
        ("Ханты-Мансийский автономный округ — Югра", "Asia/Yekaterinburg"),
        ("Омская область", "Asia/Omsk"),
        ("Новосибирская область", "Asia/Novosibirsk"),
        ("Алтайский край", "Asia/Barnaul"),
        ("Республика Алтай", "Asia/Barnaul"),
        ("Томская область", "Asia/Tomsk"),
        ("Кемеровская область — Кузбасс", "Asia/Novokuznetsk"),
        ("Красноярский край", "Asia/Krasnoyarsk"),
        ("Республика Тыва", "Asia/Krasnoyarsk"),
        ("Иркутская область", "Asia/Irkutsk"),
        ("Республика Бурятия", "Asia/Irkutsk"),
        ("Забайкальский край", "Asia/Chita"),
        ("Республика Саха (Якутия)", "Asia/Yakutsk"),
        ("Амурская область", "Asia/Yakutsk"),
        ("Приморский край", "Asia/Vladivostok"),
        ("Хабаровский край", "Asia/Vladivostok"),
        ("Еврейская автономная область", "Asia/Vladivostok"),
        ("Сахалинская область", "Asia/Sakhalin"),
        ("Магаданская область", "Asia/Magadan"),
        ("Камчатский край", "Asia/Kamchatka"),
        ("Чукотский автономный округ", "Asia/Anadyr"),
    ],
)
def test_region_zones(region: str, zone: str) -> None:
    assert zone_for_place(region) == zone


@pytest.mark.parametrize(
    ("city", "region"),
    [
        ("Екатеринбург", "Свердловская область"),
        ("Кемерово", "Кемеровская область — Кузбасс"),
        ("Новокузнецк", "Кемеровская область — Кузбасс"),
        ("Ижевск", "Удмуртская Республика"),
        ("Благовещенск", "Амурская область"),
        ("Биробиджан", "Еврейская автономная область"),
        ("Анадырь", "Чукотский автономный округ"),
        ("Барнаул", "Алтайский край"),
        ("Чита", "Забайкальский край"),
        ("Тольятти", "Самарская область"),
        ("Энгельс", "Саратовская область"),
        ("Волжский", "Волгоградская область"),
        ("Норильск", "Красноярский край"),
    ],
)
def test_a_city_has_the_zone_of_its_region(city: str, region: str) -> None:
    assert zone_for_place(city) == zone_for_place(region)


# --- zone_for_place -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("г. Москва", "Europe/Moscow"),
        ("город Москва", "Europe/Moscow"),
        ("МОСКВА", "Europe/Moscow"),
        ("Москва г", "Europe/Moscow"),
        ("г Новосибирск", "Asia/Novosibirsk"),
        ("Екатеринбург, Свердловская обл.", "Asia/Yekaterinburg"),
        ("Россия, г. Казань", "Europe/Moscow"),
        ("Свердловская обл.", "Asia/Yekaterinburg"),
        ("обл. Свердловская", "Asia/Yekaterinburg"),
        ("Респ. Башкортостан", "Asia/Yekaterinburg"),
        ("Башкортостан респ", "Asia/Yekaterinburg"),
        ("Башкирия", "Asia/Yekaterinburg"),
        ("Алтайский край", "Asia/Barnaul"),
        ("Ханты-Мансийский АО - Югра", "Asia/Yekaterinburg"),
        ("ХМАО-Югра", "Asia/Yekaterinburg"),
        ("Ямало-Ненецкий АО", "Asia/Yekaterinburg"),
        ("Ненецкий а.о.", "Europe/Moscow"),
        ("Еврейская АО", "Asia/Vladivostok"),
        ("Саха /Якутия/", "Asia/Yakutsk"),
        ("Якутия", "Asia/Yakutsk"),
        ("Северная Осетия-Алания", "Europe/Moscow"),
        ("Чувашия", "Europe/Moscow"),
        ("Кузбасс", "Asia/Novokuznetsk"),
        ("Орел", "Europe/Moscow"),
        ("Орёл", "Europe/Moscow"),
        ("Ростов на Дону", "Europe/Moscow"),
        ("С.-Петербург", "Europe/Moscow"),
        ("СПб", "Europe/Moscow"),
        ("Нижний  Новгород", "Europe/Moscow"),
        ("Н. Новгород", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("Moscow, Russia", "Europe/Moscow"),
        ("Saint Petersburg", "Europe/Moscow"),
        ("St. Petersburg", "Europe/Moscow"),
        ("Yekaterinburg", "Asia/Yekaterinburg"),
        ("Ekaterinburg", "Asia/Yekaterinburg"),
        ("Novosibirsk", "Asia/Novosibirsk"),
        ("Kazan", "Europe/Moscow"),
        ("Vladivostok", "Asia/Vladivostok"),
        ("Минск", "Europe/Minsk"),
        ("Алматы", "Asia/Almaty"),
        ("Астана", "Asia/Almaty"),
        ("Ташкент", "Asia/Tashkent"),
        ("Бишкек", "Asia/Bishkek"),
    ],
)
def test_zone_for_place_tolerates_how_people_write_places(text: str, zone: str) -> None:
    assert zone_for_place(text) == zone


@pytest.mark.parametrize("text", ["", "  ", "Нью-Йорк", "г.", "область", "Октябрьский район"])
def test_zone_for_place_of_unknown_places_is_none(text: str) -> None:
    assert zone_for_place(text) is None


# --- parse_zone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("europe/moscow", "Europe/Moscow"),
        (" Asia/Yekaterinburg ", "Asia/Yekaterinburg"),
        ("MSK", "Europe/Moscow"),
        ("МСК", "Europe/Moscow"),
        ("мск", "Europe/Moscow"),
        ("МСК+2", "Asia/Yekaterinburg"),
        ("МСК +4", "Asia/Krasnoyarsk"),
        ("MSK+7", "Asia/Vladivostok"),
        ("MSK-1", "Europe/Kaliningrad"),
        ("МСК−1", "Europe/Kaliningrad"),
        ("МСК+1 ч", "Europe/Samara"),
        ("UTC+5", "Asia/Yekaterinburg"),
        ("GMT+3", "Europe/Moscow"),
        ("+03:00", "Europe/Moscow"),
        ("+0300", "Europe/Moscow"),
        ("UTC+12", "Asia/Kamchatka"),
        ("UTC+05:30", "Asia/Kolkata"),
        ("UTC+1", "Etc/GMT-1"),
        ("GMT-5", "Etc/GMT+5"),
        ("UTC-12", "Etc/GMT+12"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC", "Etc/UTC"),
        ("UTC+0", "Etc/UTC"),
    ],
)
def test_parse_zone(text: str, zone: str) -> None:
    assert parse_zone(text) == zone


@pytest.mark.parametrize(
    "text", ["", "3", "Europe/Atlantis", "UTC+15", "UTC+05:61", "UTC+05:17", "Москва?", "MSK+x"]
)
def test_parse_zone_of_what_it_does_not_understand_is_none(text: str) -> None:
    assert parse_zone(text) is None


@pytest.mark.parametrize("hours", range(-12, 15))
def test_fixed_offsets_give_zones_with_that_offset(hours: int) -> None:
    zone = parse_zone(f"UTC{hours:+d}")

    assert zone is not None
    assert zoneinfo.ZoneInfo(zone).utcoffset(WINTER) == timedelta(hours=hours)


# --- resolve_timezone ---------------------------------------------------------------------

MOBILE = normalize_phone("8 912 345 67 89")
YEKATERINBURG_LANDLINE = normalize_phone("8 343 123 45 67")


def test_explicit_zone_beats_everything() -> None:
    resolution = resolve_timezone(
        explicit="МСК+2",
        city="Москва",
        region="Омская область",
        phone=YEKATERINBURG_LANDLINE,
        default="Europe/Moscow",
    )

    assert resolution == TzResolution("Asia/Yekaterinburg", guessed=False, source=TzSource.EXPLICIT)


def test_a_place_name_in_the_explicit_column_counts_as_explicit() -> None:
    resolution = resolve_timezone(
        explicit="Новосибирск", city=None, region=None, phone=None, default=None
    )

    assert resolution == TzResolution("Asia/Novosibirsk", guessed=False, source=TzSource.EXPLICIT)


def test_an_unreadable_explicit_zone_falls_through_to_the_city() -> None:
    resolution = resolve_timezone(
        explicit="уточнить", city="Омск", region=None, phone=None, default=None
    )

    assert resolution == TzResolution("Asia/Omsk", guessed=False, source=TzSource.PLACE)


def test_city_beats_region_and_phone() -> None:
    resolution = resolve_timezone(
        explicit=None,
        city="Владивосток",
        region="Свердловская область",
        phone=YEKATERINBURG_LANDLINE,
        default="Europe/Moscow",
    )

    assert resolution == TzResolution("Asia/Vladivostok", guessed=False, source=TzSource.PLACE)


def test_region_is_used_when_the_city_is_unknown() -> None:
    resolution = resolve_timezone(
        explicit=None,
        city="пос. Неизвестный",
        region="Омская обл.",
        phone=YEKATERINBURG_LANDLINE,
        default="Europe/Moscow",
    )

    assert resolution == TzResolution("Asia/Omsk", guessed=False, source=TzSource.PLACE)


def test_a_landline_decides_by_its_area_code() -> None:
    resolution = resolve_timezone(
        explicit=None, city=None, region=None, phone=YEKATERINBURG_LANDLINE, default="Europe/Moscow"
    )

    assert resolution == TzResolution("Asia/Yekaterinburg", guessed=False, source=TzSource.PHONE)


def test_a_russian_mobile_cannot_decide_so_the_default_is_a_guess() -> None:
    resolution = resolve_timezone(
        explicit=None, city=None, region=None, phone=MOBILE, default="Asia/Novosibirsk"
    )

    assert resolution == TzResolution("Asia/Novosibirsk", guessed=True, source=TzSource.DEFAULT)


def test_a_russian_mobile_without_a_default_leaves_the_zone_unknown() -> None:
    resolution = resolve_timezone(explicit=None, city=None, region=None, phone=MOBILE, default=None)

    assert resolution == TzResolution(None, guessed=True, source=TzSource.NONE)


def test_nothing_at_all_leaves_the_zone_unknown() -> None:
    resolution = resolve_timezone(explicit="", city="", region="", phone=None, default="not a zone")

    assert resolution == TzResolution(None, guessed=True, source=TzSource.NONE)


def test_the_default_may_be_written_loosely() -> None:
    resolution = resolve_timezone(explicit=None, city=None, region=None, phone=None, default="МСК")

    assert resolution == TzResolution("Europe/Moscow", guessed=True, source=TzSource.DEFAULT)


# --- properties ---------------------------------------------------------------------------

_zone_like_text = st.text(alphabet="UTCGMSKМСКutc+-−:0123456789 /Europe", max_size=20)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), _zone_like_text))
def test_parse_zone_never_raises_and_returns_only_real_zones(text: str) -> None:
    zone = parse_zone(text)

    if zone is not None:
        zoneinfo.ZoneInfo(zone)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_zone_for_place_never_raises(text: str) -> None:
    zone = zone_for_place(text)

    assert zone is None or isinstance(zone, str)
