"""Russian cities the demo clients live in: region, INN region code, landline area codes.

Their time zones come from operator_app.core.timezones, as for imported lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    inn_region: str  # the first two digits of INNs registered there
    area_codes: tuple[str, ...] = ()  # landline codes after +7; empty: demo leads use mobiles


MOSCOW = City("Москва", "Москва", "77", ("495", "499"))
KHIMKI = City("Химки", "Московская область", "50")
MYTISHCHI = City("Мытищи", "Московская область", "50")
BALASHIKHA = City("Балашиха", "Московская область", "50")
PODOLSK = City("Подольск", "Московская область", "50")
KRASNOGORSK = City("Красногорск", "Московская область", "50")
LYUBERTSY = City("Люберцы", "Московская область", "50")

SAINT_PETERSBURG = City("Санкт-Петербург", "Санкт-Петербург", "78")
KAZAN = City("Казань", "Республика Татарстан", "16")
NIZHNY_NOVGOROD = City("Нижний Новгород", "Нижегородская область", "52")
KALININGRAD = City("Калининград", "Калининградская область", "39")
SAMARA = City("Самара", "Самарская область", "63")
YEKATERINBURG = City("Екатеринбург", "Свердловская область", "66", ("343",))
CHELYABINSK = City("Челябинск", "Челябинская область", "74")
PERM = City("Пермь", "Пермский край", "59")
TYUMEN = City("Тюмень", "Тюменская область", "72")
UFA = City("Уфа", "Республика Башкортостан", "02")
OMSK = City("Омск", "Омская область", "55")
NOVOSIBIRSK = City("Новосибирск", "Новосибирская область", "54", ("383",))
KRASNOYARSK = City("Красноярск", "Красноярский край", "24")
IRKUTSK = City("Иркутск", "Иркутская область", "38")
KHABAROVSK = City("Хабаровск", "Хабаровский край", "27")
VLADIVOSTOK = City("Владивосток", "Приморский край", "25")
