"""The people of a demo lead list: names, valid phones, cities, companies with valid INNs.

Time zones are resolved exactly as an import resolves them (operator_app.core.timezones):
the city, else a landline's area code, else the campaign's default — then marked as a guess,
since a Russian mobile number says nothing about where its owner lives. The contact's zone is
that of the number dialled first.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from operator_app.core.demo_data.geography import MOSCOW, NOVOSIBIRSK, YEKATERINBURG, City
from operator_app.core.demo_data.inn import company_inn, person_inn
from operator_app.core.demo_data.people import Person, email_for, random_person
from operator_app.core.demo_data.phones import landline_phone, mobile_phone
from operator_app.core.demo_data.workspace import ListSpec
from operator_app.core.phones import ParsedPhone, PhoneKind
from operator_app.core.timezones import resolve_timezone

_NO_CITY_SHARE = 0.12
_SECOND_PHONE_SHARE = 0.15
_EMAIL_SHARE = 0.15
_COMMENT_SHARE = 0.2
_CUSTOM_FIELDS_SHARE = 0.25
_PREFERRED_HOURS_SHARE = 0.06
_SHARED_COMPANY_SHARE = 0.15  # a second contact of a company already in the list
# Landlines of clients whose city the list does not say: the zone comes from the area code.
_AREA_CODES_WITHOUT_CITY = (
    MOSCOW.area_codes[0],
    YEKATERINBURG.area_codes[0],
    NOVOSIBIRSK.area_codes[0],
)

_COMPANY_WORDS = (
    ("Северный", "Уральский", "Сибирский", "Городской", "Первый", "Новый", "Ясный", "Прямой"),
    ("Альянс", "Стандарт", "Вектор", "Ресурс", "Мастер", "Профиль", "Маршрут", "Сервис"),
)
_COMPANY_POSITIONS = ("генеральный директор", "собственник", "финансовый директор")
_ENTREPRENEUR = "индивидуальный предприниматель"
_ACCOUNTANT = "главный бухгалтер"

# "{a}" is the feminine past-tense ending, left empty for a man.
_CREDIT_COMMENTS = (
    "Удобно звонить после 18:00 по местному времени",
    "Оставил{a} заявку ночью, просил{a} перезвонить днём",
    "Уже получал{a} отказ в банке",
    "Есть действующий потребительский кредит",
    "Звонить на мобильный, рабочий — только для связи с бухгалтерией",
)
_COMMENTS = {
    "mortgage": (
        *_CREDIT_COMMENTS,
        "Семья с двумя детьми, интересует семейная ипотека",
        "Первоначальный взнос — от продажи старой квартиры",
        "Есть материнский капитал",
    ),
    "car": (
        *_CREDIT_COMMENTS,
        "Есть автомобиль в трейд-ин",
        "Хочет платёж не больше 25 000 ₽ в месяц",
        "Интересует автомобиль с пробегом",
    ),
    "checkup": (
        "Удобно приходить по субботам",
        "Боится анестезии, записывать к одному и тому же врачу",
        "Просил{a} напоминать в мессенджере, а не звонком",
        "Жалуется на чувствительность зубов после прошлой чистки",
        "Приходит вместе с ребёнком",
    ),
    "fuel": (
        "Секретарь просит присылать предложения на общую почту",
        "Решение принимает собственник, бывает в офисе по вторникам",
        "Сейчас заправляются по чекам, бухгалтерия недовольна",
        "Договор с другим поставщиком карт до конца квартала",
        "Есть филиал в соседнем регионе",
    ),
}
_CARS = (
    "Lada Vesta",
    "Haval Jolion",
    "Chery Tiggo 7 Pro",
    "Geely Coolray",
    "Kia Rio",
    "Hyundai Solaris",
    "Toyota Camry",
)
_PROPERTY = ("новостройка", "вторичное жильё", "дом с участком")
_DENTAL_SERVICES = ("профессиональная гигиена", "лечение кариеса", "осмотр и консультация")
_DENTISTS = ("Иванова Е. С.", "Лебедев К. А.", "Григорьева Н. П.")
_FUEL_SUPPLIERS = ("заправки за наличные", "карты другого поставщика", "чеки и авансовые отчёты")
_PREFERRED_HOURS: tuple[dict[str, Any], ...] = (
    {"weekdays": [5], "from": "11:00", "to": "15:00"},
    {"weekdays": [0, 1, 2, 3, 4], "from": "18:00", "to": "19:00"},
    {"weekdays": [1, 3], "from": "10:00", "to": "13:00"},
)


@dataclass(frozen=True, slots=True)
class DemoPhone:
    raw: str  # as the list had it
    e164: str
    kind: PhoneKind
    extension: str | None
    region_code: str | None
    time_zone: str
    time_zone_guessed: bool


@dataclass(frozen=True, slots=True)
class DemoCompany:
    name: str
    inn: str
    city: str | None
    region: str | None
    time_zone: str


@dataclass(frozen=True, slots=True)
class DemoLead:
    full_name: str
    phones: tuple[DemoPhone, ...]
    city: str | None
    region: str | None
    time_zone: str
    time_zone_guessed: bool
    company: DemoCompany | None = None
    role: str | None = None  # decision_maker | influencer
    position: str | None = None
    email: str | None = None
    comment: str | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    preferred_hours: dict[str, Any] | None = None
    blocked: bool = False  # its number is on the do-not-call list


def _format_rubles(amount: int) -> str:
    return f"{amount:,}".replace(",", " ")


class _ListGenerator:
    def __init__(
        self,
        spec: ListSpec,
        rng: random.Random,
        default_zone: str,
        taken_phones: set[str],
        taken_inns: set[str],
    ) -> None:
        self.spec = spec
        self.rng = rng
        self.default_zone = default_zone
        self.taken_phones = taken_phones
        self.taken_inns = taken_inns
        self.companies: list[DemoCompany] = []

    def leads(self) -> list[DemoLead]:
        leads = [self.lead(city) for city in self._city_deck()]
        for index in self.rng.sample(range(len(leads)), self.spec.blocked):
            leads[index] = replace(leads[index], blocked=True)
        return leads

    def lead(self, city: City | None) -> DemoLead:
        rng = self.rng
        person = random_person(rng)
        phones = tuple(self._phone(raw, parsed, city) for raw, parsed in self._phones(city))
        zone, guessed = phones[0].time_zone, phones[0].time_zone_guessed
        lead = DemoLead(
            full_name=person.full_name,
            phones=phones,
            city=city.name if city else None,
            region=city.region if city else None,
            time_zone=zone,
            time_zone_guessed=guessed,
            email=email_for(person, rng) if rng.random() < _EMAIL_SHARE else None,
            comment=self._comment(person) if rng.random() < _COMMENT_SHARE else None,
            custom_fields=self._custom_fields() if rng.random() < _CUSTOM_FIELDS_SHARE else {},
            preferred_hours=(
                dict(rng.choice(_PREFERRED_HOURS))
                if rng.random() < _PREFERRED_HOURS_SHARE
                else None
            ),
        )
        if rng.random() < self.spec.company_share:
            lead = self._with_company(lead, person, city or MOSCOW, zone)
        return lead

    def _city_deck(self) -> list[City | None]:
        """Where each lead lives, shuffled: every city of the list at least once, the rest by
        weight, and some leads without a city (their time zone must come from elsewhere)."""
        size = self.spec.size
        without_city = round(size * _NO_CITY_SHARE)
        with_city = size - without_city
        total = sum(weight for _city, weight in self.spec.cities)
        shares = [(city, with_city * weight / total) for city, weight in self.spec.cities]
        counts = {city.name: max(1, int(share)) for city, share in shares}
        by_remainder = sorted(shares, key=lambda item: int(item[1]) - item[1])
        for city, _share in by_remainder[: max(0, with_city - sum(counts.values()))]:
            counts[city.name] += 1
        deck: list[City | None] = [None] * without_city
        for city, _weight in self.spec.cities:
            deck += [city] * counts[city.name]
        self.rng.shuffle(deck)
        return deck[:size]

    def _phones(self, city: City | None) -> list[tuple[str, ParsedPhone]]:
        rng = self.rng
        area_codes = city.area_codes if city else _AREA_CODES_WITHOUT_CITY
        if area_codes and rng.random() < self.spec.landline_share * (1 if city else 3):
            first = landline_phone(rng, rng.choice(area_codes), self.taken_phones)
        else:
            first = mobile_phone(rng, self.taken_phones)
        phones = [first]
        if rng.random() < _SECOND_PHONE_SHARE:
            if first[1].kind is PhoneKind.MOBILE and area_codes and city is not None:
                extension = str(rng.randint(100, 499))
                phones.append(
                    landline_phone(
                        rng, rng.choice(area_codes), self.taken_phones, extension=extension
                    )
                )
            else:
                phones.append(mobile_phone(rng, self.taken_phones))
        return phones

    def _phone(self, raw: str, parsed: ParsedPhone, city: City | None) -> DemoPhone:
        resolution = resolve_timezone(
            explicit=None,
            city=city.name if city else None,
            region=city.region if city else None,
            phone=parsed,
            default=self.default_zone,
        )
        if resolution.zone is None:
            raise ValueError(f"the default time zone {self.default_zone!r} is not a zone")
        return DemoPhone(
            raw=raw,
            e164=parsed.e164,
            kind=parsed.kind,
            extension=parsed.extension,
            region_code=parsed.region_code,
            time_zone=resolution.zone,
            time_zone_guessed=resolution.guessed,
        )

    def _comment(self, person: Person) -> str:
        pool = _COMMENTS[self.spec.purchase]
        return self.rng.choice(pool).format(a="а" if person.female else "")

    def _custom_fields(self) -> dict[str, str]:
        rng = self.rng
        if self.spec.purchase == "mortgage":
            return {
                "Сумма кредита, ₽": _format_rubles(rng.randrange(3_000_000, 15_000_000, 100_000)),
                "Объект": rng.choice(_PROPERTY),
                "Первоначальный взнос, %": str(rng.choice((10, 15, 20, 30))),
            }
        if self.spec.purchase == "checkup":
            return {
                "Последний визит": f"{rng.randint(1, 28):02d}.{rng.randint(1, 5):02d}.2026",
                "Процедура": rng.choice(_DENTAL_SERVICES),
                "Врач": rng.choice(_DENTISTS),
            }
        if self.spec.purchase == "fuel":
            return {
                "Машин в автопарке": str(rng.randint(3, 60)),
                "Топливо в месяц, л": _format_rubles(rng.randrange(1_000, 30_000, 500)),
                "Как заправляются сейчас": rng.choice(_FUEL_SUPPLIERS),
            }
        return {
            "Сумма кредита, ₽": _format_rubles(rng.randrange(700_000, 3_500_000, 50_000)),
            "Автомобиль": rng.choice(_CARS),
            "Трейд-ин": rng.choice(("да", "нет")),
        }

    def _with_company(self, lead: DemoLead, person: Person, city: City, zone: str) -> DemoLead:
        rng = self.rng
        if self.companies and rng.random() < _SHARED_COMPANY_SHARE:
            company = rng.choice(self.companies)
            return replace(lead, company=company, role="influencer", position=_ACCOUNTANT)
        if rng.random() < 0.5:
            inn = self._unique_inn(lambda: person_inn(rng, city.inn_region))
            name, position = f"ИП {person.full_name}", _ENTREPRENEUR
        else:
            inn = self._unique_inn(lambda: company_inn(rng, city.inn_region))
            adjective, noun = (rng.choice(words) for words in _COMPANY_WORDS)
            name, position = f"ООО «{adjective} {noun}»", rng.choice(_COMPANY_POSITIONS)
        company = DemoCompany(name, inn, lead.city, lead.region, zone)
        self.companies.append(company)
        return replace(lead, company=company, role="decision_maker", position=position)

    def _unique_inn(self, make: Callable[[], str]) -> str:
        while True:
            inn = make()
            if inn not in self.taken_inns:
                self.taken_inns.add(inn)
                return inn


def generate_list(
    spec: ListSpec,
    rng: random.Random,
    *,
    default_zone: str,
    taken_phones: set[str],
    taken_inns: set[str],
) -> list[DemoLead]:
    """`spec.size` leads; their phones and INNs join the taken sets so lists never overlap."""
    return _ListGenerator(spec, rng, default_zone, taken_phones, taken_inns).leads()
