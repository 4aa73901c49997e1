"""Working out a lead's time zone from what an import row offers.

Sources, most trusted first: an explicit time-zone column, the city, the region, the phone
number, and finally the campaign's default zone.
"""

from __future__ import annotations

import csv
import functools
import re
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from operator_app.core.phones import ParsedPhone
from operator_app.resources import resource_path

__all__ = [
    "TzResolution",
    "TzSource",
    "parse_zone",
    "resolve_timezone",
    "zone_for_place",
]


class TzSource(StrEnum):
    """Where a resolved zone came from. The values are stable codes for the UI and storage."""

    EXPLICIT = "explicit"
    """The row's own time-zone column."""
    PLACE = "place"
    """The row's city or region."""
    PHONE = "phone"
    """The phone number's area code (only when it points to a single zone)."""
    DEFAULT = "default"
    """The campaign's default zone."""
    NONE = "none"
    """Nothing usable: the zone is unknown."""


@dataclass(frozen=True, slots=True)
class TzResolution:
    zone: str | None
    """IANA zone name, or None when unknown."""
    guessed: bool
    """True when the zone is an assumption (the campaign default) or unknown."""
    source: TzSource


PLACES_FILE = ("regions", "ru_places.csv")
PLACE_KINDS = frozenset({"region", "city"})

# One zone per UTC offset in whole hours, for "МСК+2"-style input and for plain offsets that
# Russia uses. Named after the official Russian zone of that offset.
_RUSSIAN_ZONE_BY_UTC_OFFSET: dict[int, str] = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Krasnoyarsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}
_MOSCOW_UTC_OFFSET = 3
# Etc/GMT±h exists only for whole hours; these are places without daylight saving time that
# use the common fractional offsets all year.
_ZONE_BY_FRACTIONAL_OFFSET_MINUTES: dict[int, str] = {
    3 * 60 + 30: "Asia/Tehran",
    4 * 60 + 30: "Asia/Kabul",
    5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu",
    6 * 60 + 30: "Asia/Yangon",
    8 * 60 + 45: "Australia/Eucla",
    9 * 60 + 30: "Australia/Darwin",
    -(9 * 60 + 30): "Pacific/Marquesas",
}
_MIN_ETC_OFFSET_HOURS = -12
_MAX_ETC_OFFSET_HOURS = 14

_DASHES = re.compile(r"[‐‑‒–—―−]")
_SPACES = re.compile(r"\s+")
_MOSCOW_RELATIVE = re.compile(
    r"(?:msk|мск|московское время|moscow time)"
    r"(?:\s*([+-])\s*(\d{1,2})(?::?00)?)?(?:\s*(?:ч|час|часа|часов|h))?\.?"
)
_UTC_RELATIVE = re.compile(
    r"(?:(?:utc|gmt|гмт)\s*)?([+-])\s*(\d{1,2})(?:(?::|\.|\s?)(\d{2}))?(?:\s*(?:ч|час|часа|часов|h))?"
)
_UTC_ITSELF = frozenset({"utc", "gmt", "z", "гмт"})

# Tokens that name the kind of place rather than the place: "г. Москва", "Свердловская обл.".
_PLACE_TYPE_WORDS = frozenset(
    {
        "г", "гор", "город", "пгт", "рп", "пос", "поселок", "с", "село", "ст", "станица",
        "д", "дер", "деревня", "обл", "область", "респ", "республика", "край", "кр", "ао",
        "авт", "автономный", "автономная", "округ", "city",
    }
)  # fmt: skip
_PART_SEPARATORS = re.compile(r"[,;/()\[\]]|\s-\s")
_ABBREVIATED_OKRUG = re.compile(r"\bа\.\s*о\.")
_NOT_WORD_CHARS = re.compile(r"[^\w\s]|_")

# Other names people type for places in the data file, mapped to the file's name.
_PLACE_ALIASES: dict[str, str] = {
    # Colloquial and abbreviated Russian names.
    "спб": "Санкт-Петербург",
    "питер": "Санкт-Петербург",
    "петербург": "Санкт-Петербург",
    "ленинград": "Санкт-Петербург",
    "мск": "Москва",
    "подмосковье": "Московская область",
    "мо": "Московская область",
    "екб": "Екатеринбург",
    "нск": "Новосибирск",
    "н новгород": "Нижний Новгород",
    "нижний": "Нижний Новгород",
    "новгород": "Великий Новгород",
    "ростов": "Ростов-на-Дону",
    "н челны": "Набережные Челны",
    "челны": "Набережные Челны",
    "петропавловск камчатский": "Петропавловск-Камчатский",
    "южно сахалинск": "Южно-Сахалинск",
    "комсомольск": "Комсомольск-на-Амуре",
    "башкирия": "Республика Башкортостан",
    "татария": "Республика Татарстан",
    "удмуртия": "Удмуртская Республика",
    "чечня": "Чеченская Республика",
    "кабардино балкария": "Кабардино-Балкарская Республика",
    "кбр": "Кабардино-Балкарская Республика",
    "карачаево черкесия": "Карачаево-Черкесская Республика",
    "кчр": "Карачаево-Черкесская Республика",
    "тува": "Республика Тыва",
    "якутия": "Республика Саха (Якутия)",
    "крым": "Республика Крым",
    "днр": "Донецкая Народная Республика",
    "лнр": "Луганская Народная Республика",
    "хмао": "Ханты-Мансийский автономный округ — Югра",
    "хмао югра": "Ханты-Мансийский автономный округ — Югра",
    "янао": "Ямало-Ненецкий автономный округ",
    "ямал": "Ямало-Ненецкий автономный округ",
    "нао": "Ненецкий автономный округ",
    "чао": "Чукотский автономный округ",
    "чукотка": "Чукотский автономный округ",
    "еао": "Еврейская автономная область",
    "кузбасс": "Кемеровская область — Кузбасс",
    "кемеровская": "Кемеровская область — Кузбасс",
    "камчатка": "Камчатский край",
    "приморье": "Приморский край",
    "забайкалье": "Забайкальский край",
    "ставрополье": "Ставропольский край",
    "кубань": "Краснодарский край",
    "алма ата": "Алматы",
    "нур султан": "Астана",
    # Latin spellings of the biggest cities.
    "moscow": "Москва",
    "moskva": "Москва",
    "saint petersburg": "Санкт-Петербург",
    "st petersburg": "Санкт-Петербург",
    "sankt peterburg": "Санкт-Петербург",
    "petersburg": "Санкт-Петербург",
    "novosibirsk": "Новосибирск",
    "yekaterinburg": "Екатеринбург",
    "ekaterinburg": "Екатеринбург",
    "kazan": "Казань",
    "krasnoyarsk": "Красноярск",
    "nizhny novgorod": "Нижний Новгород",
    "nizhniy novgorod": "Нижний Новгород",
    "chelyabinsk": "Челябинск",
    "ufa": "Уфа",
    "samara": "Самара",
    "rostov on don": "Ростов-на-Дону",
    "rostov na donu": "Ростов-на-Дону",
    "krasnodar": "Краснодар",
    "omsk": "Омск",
    "voronezh": "Воронеж",
    "perm": "Пермь",
    "volgograd": "Волгоград",
    "saratov": "Саратов",
    "tyumen": "Тюмень",
    "tolyatti": "Тольятти",
    "togliatti": "Тольятти",
    "makhachkala": "Махачкала",
    "barnaul": "Барнаул",
    "izhevsk": "Ижевск",
    "khabarovsk": "Хабаровск",
    "ulyanovsk": "Ульяновск",
    "irkutsk": "Иркутск",
    "vladivostok": "Владивосток",
    "yaroslavl": "Ярославль",
    "stavropol": "Ставрополь",
    "sevastopol": "Севастополь",
    "naberezhnye chelny": "Набережные Челны",
    "tomsk": "Томск",
    "kemerovo": "Кемерово",
    "orenburg": "Оренбург",
    "novokuznetsk": "Новокузнецк",
    "ryazan": "Рязань",
    "cheboksary": "Чебоксары",
    "tula": "Тула",
    "penza": "Пенза",
    "lipetsk": "Липецк",
    "kaliningrad": "Калининград",
    "kirov": "Киров",
    "astrakhan": "Астрахань",
    "sochi": "Сочи",
    "kursk": "Курск",
    "ulan ude": "Улан-Удэ",
    "tver": "Тверь",
    "magnitogorsk": "Магнитогорск",
    "yakutsk": "Якутск",
    "bryansk": "Брянск",
    "surgut": "Сургут",
    "ivanovo": "Иваново",
    "vladimir": "Владимир",
    "simferopol": "Симферополь",
    "belgorod": "Белгород",
    "kaluga": "Калуга",
    "chita": "Чита",
    "grozny": "Грозный",
    "smolensk": "Смоленск",
    "kurgan": "Курган",
    "vologda": "Вологда",
    "arkhangelsk": "Архангельск",
    "murmansk": "Мурманск",
    "petrozavodsk": "Петрозаводск",
    "syktyvkar": "Сыктывкар",
    "yuzhno sakhalinsk": "Южно-Сахалинск",
    "petropavlovsk kamchatsky": "Петропавловск-Камчатский",
    "magadan": "Магадан",
    "anadyr": "Анадырь",
    "blagoveshchensk": "Благовещенск",
    "norilsk": "Норильск",
    "minsk": "Минск",
    "almaty": "Алматы",
    "astana": "Астана",
    "tashkent": "Ташкент",
    "bishkek": "Бишкек",
}


def parse_zone(text: str) -> str | None:
    """The IANA zone a time-zone cell means, or None if it is not understood.

    Understands IANA names in any letter case, Moscow-relative notation ("МСК+2", "MSK-1"),
    and UTC offsets ("UTC+5", "GMT+3", "+03:00", "UTC+05:30"). An offset that a Russian zone
    uses maps to that zone; other whole-hour offsets map to "Etc/GMT-5"-style zones.
    """
    return _parse_zone(text)


def zone_for_place(text: str) -> str | None:
    """The IANA zone of a Russian region or city (or a CIS capital), or None if unknown.

    Tolerates letter case, ё/е, type words ("г.", "город", "обл.", "респ.", "край", "АО"),
    a comma-separated region after the city, common abbreviations, and Latin spellings of the
    biggest cities.
    """
    return _zone_for_place(text)


def resolve_timezone(
    *,
    explicit: str | None,
    city: str | None,
    region: str | None,
    phone: ParsedPhone | None,
    default: str | None,
) -> TzResolution:
    """The lead's zone from the first source that decides it, most trusted source first.

    An explicit column holding a place name ("Екатеринбург") is honoured as explicit. A phone
    decides only when it maps to exactly one zone, as a landline's area code does; Russian
    mobile numbers map to every Russian zone, so they fall through to the campaign default.
    """
    if explicit:
        zone = parse_zone(explicit) or zone_for_place(explicit)
        if zone is not None:
            return TzResolution(zone, guessed=False, source=TzSource.EXPLICIT)
    for place in (city, region):
        if place:
            zone = zone_for_place(place)
            if zone is not None:
                return TzResolution(zone, guessed=False, source=TzSource.PLACE)
    if phone is not None and len(phone.time_zones) == 1:
        return TzResolution(phone.time_zones[0], guessed=False, source=TzSource.PHONE)
    default_zone = parse_zone(default) if default else None
    if default_zone is not None:
        return TzResolution(default_zone, guessed=True, source=TzSource.DEFAULT)
    return TzResolution(None, guessed=True, source=TzSource.NONE)


@functools.lru_cache(maxsize=1024)
def _parse_zone(text: str) -> str | None:
    cleaned = _SPACES.sub(" ", _DASHES.sub("-", text)).strip()
    if not cleaned:
        return None
    lowered = cleaned.lower()
    if lowered in _UTC_ITSELF:
        return "Etc/UTC"
    own = _own_zones_by_lowercase_name().get(lowered)
    if own is not None:
        return own
    moscow_relative = _MOSCOW_RELATIVE.fullmatch(lowered)
    if moscow_relative is not None:
        sign, hours = moscow_relative.groups()
        shift = 0 if hours is None else int(hours) * (-1 if sign == "-" else 1)
        return _zone_for_offset_minutes((_MOSCOW_UTC_OFFSET + shift) * 60)
    utc_relative = _UTC_RELATIVE.fullmatch(lowered)
    if utc_relative is not None:
        sign, hours, minutes = utc_relative.groups()
        if minutes is not None and int(minutes) >= 60:
            return None
        total = int(hours) * 60 + int(minutes or 0)
        return _zone_for_offset_minutes(-total if sign == "-" else total)
    return _system_zones_by_lowercase_name().get(lowered)


def _zone_for_offset_minutes(minutes: int) -> str | None:
    hours, remainder = divmod(abs(minutes), 60)
    if remainder:
        return _ZONE_BY_FRACTIONAL_OFFSET_MINUTES.get(minutes)
    signed_hours = hours if minutes >= 0 else -hours
    russian = _RUSSIAN_ZONE_BY_UTC_OFFSET.get(signed_hours)
    if russian is not None:
        return russian
    if signed_hours == 0:
        return "Etc/UTC"
    if not _MIN_ETC_OFFSET_HOURS <= signed_hours <= _MAX_ETC_OFFSET_HOURS:
        return None
    # POSIX convention: Etc/GMT-5 is five hours *ahead* of UTC.
    return f"Etc/GMT{-signed_hours:+d}"


@functools.cache
def _own_zones_by_lowercase_name() -> dict[str, str]:
    # The zones this module produces itself: accepted even where the system has no time-zone
    # database (Windows without the tzdata package), and without scanning the database.
    names = {
        *_RUSSIAN_ZONE_BY_UTC_OFFSET.values(),
        *_ZONE_BY_FRACTIONAL_OFFSET_MINUTES.values(),
        *_place_index().values(),
    }
    return {name.lower(): name for name in names}


@functools.cache
def _system_zones_by_lowercase_name() -> dict[str, str]:
    # Listing the database takes a noticeable moment, so only unusual names get here.
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@functools.lru_cache(maxsize=4096)
def _zone_for_place(text: str) -> str | None:
    index = _place_index()
    for key in _place_keys(text):
        zone = index.get(key)
        if zone is not None:
            return zone
    return None


def _place_keys(text: str) -> list[str]:
    """Lookup keys for a place, most specific first: the whole text, then each part.

    "Екатеринбург, Свердловская обл." gives "екатеринбург свердловская", "екатеринбург",
    "свердловская"; "Республика Саха (Якутия)" gives "саха якутия", "саха", "якутия".
    """
    normalized = _DASHES.sub("-", text.lower().replace("ё", "е"))
    normalized = _ABBREVIATED_OKRUG.sub(" ао ", normalized)
    part_keys = [key for key in map(_part_key, _PART_SEPARATORS.split(normalized)) if key]
    if not part_keys:
        return []
    return list(dict.fromkeys([" ".join(part_keys), *part_keys]))


def _part_key(part: str) -> str:
    words = _NOT_WORD_CHARS.sub(" ", part).split()
    return " ".join(word for word in words if word not in _PLACE_TYPE_WORDS)


@functools.cache
def _place_index() -> dict[str, str]:
    """Lookup key → IANA zone, built from the places file and the aliases."""
    index: dict[str, str] = {}
    zone_by_name: dict[str, str] = {}
    path = resource_path(*PLACES_FILE)
    with path.open(encoding="utf-8", newline="") as places:
        for row in csv.DictReader(places):
            name, kind, zone = row["name"].strip(), row["kind"].strip(), row["zone"].strip()
            if kind not in PLACE_KINDS:
                raise ValueError(f"{path}: {name!r} has unknown kind {kind!r}")
            zone_by_name[name] = zone
            for key in _place_keys(name):
                _add_key(index, key, zone, path.name)
    for alias, name in _PLACE_ALIASES.items():
        _add_key(index, alias, zone_by_name[name], "aliases")
    return index


def _add_key(index: dict[str, str], key: str, zone: str, origin: str) -> None:
    existing = index.setdefault(key, zone)
    if existing != zone:
        raise ValueError(f"{origin}: {key!r} would mean both {existing} and {zone}")
