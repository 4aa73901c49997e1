"""What the demo workspace holds: its people, campaigns, offices and lead lists, as plain specs.

Five campaigns: one per shipped campaign preset (resources/campaigns/: a two-step credit-broker
office visit, a two-step property developer, a one-step car dealer and a two-step B2B
fuel-card service, each with its verification criteria) and a one-step cyclic clinic booking
without one. A few leads of the developer's and the car dealer's lists are already verified,
one of them with the operator's override.

Later features add their demo content (visits, hand-offs) as more specs here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from operator_app.core.campaigns import CampaignModel
from operator_app.core.demo_data import geography as geo
from operator_app.core.demo_data.geography import City
from operator_app.core.outcomes import DEFAULT_DISPOSITIONS, DispositionSpec
from operator_app.core.roles import Role

DEMO_PASSWORD = "demo"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


@dataclass(frozen=True, slots=True)
class UserSpec:
    login: str
    display_name: str
    role: Role


DEMO_USERS = (
    UserSpec("operator", "Ольга Кузнецова", Role.OPERATOR),
    UserSpec("seller", "Андрей Волков", Role.SELLER),
    UserSpec("supervisor", "Марина Соколова", Role.SUPERVISOR),
    UserSpec("admin", "Дмитрий Орлов", Role.ADMIN),
)
ADMIN_LOGIN = "admin"
LIST_OWNER_LOGIN = "supervisor"  # supervisors import lists and keep the do-not-call list


@dataclass(frozen=True, slots=True)
class Interval:
    weekday: int  # 0 = Monday
    starts: dt.time
    ends: dt.time


def _every(days: tuple[int, ...], starts: str, ends: str) -> tuple[Interval, ...]:
    return tuple(
        Interval(day, dt.time.fromisoformat(starts), dt.time.fromisoformat(ends)) for day in days
    )


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    name: str
    model: CampaignModel
    time_zone: str
    description: str
    script_file: str | None  # under resources/scripts/
    calling_hours: tuple[Interval, ...]  # in the client's local time
    dispositions: tuple[DispositionSpec, ...]
    company_name: str  # fills {company} in the script
    office_name: str  # the office visits are booked into; fills {office_address}
    is_b2b: bool = False  # its leads are companies, reached through their decision makers
    is_cyclic: bool = False  # the same clients are called again for every next visit
    # Under resources/campaigns/: the campaign is imported from this preset, which must say
    # what the fields above say (a unit test checks); the fields stay for the summary.
    preset_file: str | None = None


CREDIT_BROKER = CampaignSpec(
    name="Кредитный брокер — визит в офис",
    model=CampaignModel.TWO_STEP,
    time_zone="Europe/Moscow",
    description=(
        "Звонки по заявкам на кредит от партнёров. Оператор верифицирует лид (кредитная "
        "история, крупная покупка, готовность платить комиссию брокеру) и записывает клиента "
        "на бесплатную консультацию в офис; встречу проводит кредитный эксперт."
    ),
    script_file="credit_broker_visit.ru.yaml",
    calling_hours=_every(WEEKDAYS, "09:00", "20:00") + _every((SAT,), "10:00", "18:00"),
    dispositions=DEFAULT_DISPOSITIONS,
    company_name="Ясный кредит",
    office_name="Офис на Тверской",
    preset_file="credit_broker.yaml",
)

CLINIC_CHECKUP = CampaignSpec(
    name="Стоматология — плановый осмотр",
    model=CampaignModel.ONE_STEP,
    time_zone="Europe/Moscow",
    description=(
        "Звонки постоянным пациентам клиники, у которых подошёл срок планового осмотра и "
        "профессиональной гигиены: администратор собирает отзыв о прошлом визите и сам "
        "записывает пациента к врачу. Через полгода пациент снова попадает в обзвон."
    ),
    script_file="clinic_booking.ru.yaml",
    calling_hours=_every(WEEKDAYS, "09:00", "20:00") + _every((SAT,), "10:00", "16:00"),
    dispositions=DEFAULT_DISPOSITIONS,
    company_name="Белая улыбка",
    office_name="Клиника на Садовой",
    is_cyclic=True,
)

FUEL_CARDS_B2B = CampaignSpec(
    name="Топливные карты — B2B",
    model=CampaignModel.TWO_STEP,
    time_zone="Europe/Moscow",
    description=(
        "Холодные звонки компаниям со служебным транспортом: оператор проходит секретаря, "
        "выходит на лицо, принимающее решение, квалифицирует компанию и назначает онлайн-"
        "презентацию или встречу с менеджером по продажам."
    ),
    script_file="b2b_decision_maker.ru.yaml",
    calling_hours=_every(WEEKDAYS, "10:00", "17:00"),
    dispositions=DEFAULT_DISPOSITIONS,
    company_name="ТопливоПро",
    office_name="Офис на Тверской",
    is_b2b=True,
    preset_file="b2b_subscription.yaml",
)

PROPERTY_DEVELOPER = CampaignSpec(
    name="Застройщик — ЖК «Северный парк»",
    model=CampaignModel.TWO_STEP,
    time_zone="Europe/Moscow",
    description=(
        "Звонки по заявкам с сайта жилого комплекса: оператор уточняет бюджет, способ оплаты и "
        "сроки покупки и приглашает целевых клиентов в офис продаж, где сделку ведёт менеджер."
    ),
    script_file=None,
    calling_hours=_every(WEEKDAYS, "10:00", "20:00") + _every((SAT, SUN), "11:00", "18:00"),
    dispositions=DEFAULT_DISPOSITIONS,
    company_name="Северный парк",
    office_name="Офис на Тверской",
    preset_file="property_developer.yaml",
)

CAR_DEALER = CampaignSpec(
    name="Автосалон — новые автомобили",
    model=CampaignModel.ONE_STEP,
    time_zone="Europe/Moscow",
    description=(
        "Звонки тем, кто записался на тест-драйв или оставил заявку на сайте автосалона: "
        "менеджер сам уточняет бюджет, кредит и трейд-ин и приглашает в салон."
    ),
    script_file=None,
    calling_hours=_every((*WEEKDAYS, SAT), "10:00", "20:00") + _every((SUN,), "11:00", "17:00"),
    dispositions=DEFAULT_DISPOSITIONS,
    company_name="АвтоМир",
    office_name="Офис на Тверской",
    preset_file="car_dealer.yaml",
)


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    name: str
    kind: str  # seller | room | doctor | group
    user_login: str | None
    capacity: int
    slot_minutes: int
    buffer_minutes: int
    hours: tuple[Interval, ...]  # in the office's time; gaps are breaks


@dataclass(frozen=True, slots=True)
class OfficeSpec:
    name: str
    address: str
    directions: str
    area_code: str  # the office's landline is made up in this code
    time_zone: str
    resources: tuple[ResourceSpec, ...]
    holidays: tuple[dt.date, ...]


TVERSKAYA_OFFICE = OfficeSpec(
    name="Офис на Тверской",
    address="Москва, ул. Тверская, д. 18, стр. 1, офис 305",
    directions=(
        "Метро «Пушкинская», «Тверская» или «Чеховская», выход к ул. Тверской — 3 минуты "
        "пешком. Вход через арку со двора, 3-й этаж, офис 305; на ресепшене назовите фамилию. "
        "Парковка городская, платная."
    ),
    area_code="495",
    time_zone="Europe/Moscow",
    resources=(
        ResourceSpec(
            name="Андрей Волков — кредитный эксперт",
            kind="seller",
            user_login="seller",
            capacity=1,
            slot_minutes=60,
            buffer_minutes=15,
            hours=_every(WEEKDAYS, "10:00", "13:00")
            + _every(WEEKDAYS, "14:00", "19:00")
            + _every((SAT,), "11:00", "16:00"),
        ),
        ResourceSpec(
            name="Семинар «Ипотека без отказов»",
            kind="group",
            user_login=None,
            capacity=8,
            slot_minutes=90,
            buffer_minutes=0,
            hours=_every((WED,), "19:00", "20:30"),
        ),
    ),
    holidays=(
        *(dt.date(2027, 1, day) for day in range(1, 9)),
        dt.date(2027, 2, 23),
        dt.date(2027, 3, 8),
    ),
)

SADOVAYA_CLINIC = OfficeSpec(
    name="Клиника на Садовой",
    address="Москва, ул. Садовая-Кудринская, д. 9, 1-й этаж",
    directions=(
        "Метро «Маяковская» или «Баррикадная» — 7 минут пешком по Садовому кольцу. Вход с "
        "улицы под вывеской «Белая улыбка»; приходите за 10 минут до приёма, чтобы заполнить "
        "анкету."
    ),
    area_code="495",
    time_zone="Europe/Moscow",
    resources=(
        ResourceSpec(
            name="Кресло 1 — гигиенист",
            kind="doctor",
            user_login=None,
            capacity=1,
            slot_minutes=60,
            buffer_minutes=10,
            hours=_every(WEEKDAYS, "09:00", "14:00")
            + _every(WEEKDAYS, "15:00", "21:00")
            + _every((SAT,), "10:00", "16:00"),
        ),
        ResourceSpec(
            name="Кресло 2 — стоматолог-терапевт",
            kind="doctor",
            user_login=None,
            capacity=1,
            slot_minutes=45,
            buffer_minutes=15,
            hours=_every(WEEKDAYS, "10:00", "19:00"),
        ),
    ),
    holidays=(
        *(dt.date(2027, 1, day) for day in range(1, 6)),
        dt.date(2027, 3, 8),
    ),
)


@dataclass(frozen=True, slots=True)
class ListSpec:
    """A lead list and the portrait of the people in it."""

    name: str  # "<year-month> <product> <geography> — <source>", the shared naming logic
    campaign: str  # the name of the campaign its leads are called in
    source: str
    hypothesis: str
    abc_class: str
    priority: int
    size: int
    blocked: int  # how many of its numbers are on the do-not-call list
    purchase: str  # mortgage | car | checkup | fuel: what custom fields and comments talk about
    cities: tuple[tuple[City, int], ...]  # where the people live, with weights
    landline_share: float
    company_share: float


MORTGAGE_MOSCOW = ListSpec(
    name="2026-11 Ипотека Москва — партнёр А",
    campaign=CREDIT_BROKER.name,
    source="Партнёр А: заявки на ипотеку с сайта застройщика",
    hypothesis=(
        "Покупатели новостроек, оставившие заявку на ипотеку на сайте застройщика-партнёра: "
        "многие получают отказ банка или невыгодные условия, и подбор банка брокером доводит "
        "их до сделки."
    ),
    abc_class="A",
    priority=80,
    size=100,
    blocked=2,
    purchase="mortgage",
    cities=(
        (geo.MOSCOW, 60),
        (geo.KHIMKI, 6),
        (geo.MYTISHCHI, 6),
        (geo.BALASHIKHA, 6),
        (geo.PODOLSK, 5),
        (geo.KRASNOGORSK, 5),
        (geo.LYUBERTSY, 5),
    ),
    landline_share=0.12,
    company_share=0.10,
)

CAR_LOANS_REGIONS = ListSpec(
    name="2026-11 Автокредит регионы — партнёр Б",
    campaign=CREDIT_BROKER.name,
    source="Партнёр Б: анкеты на автокредит из автосалонов",
    hypothesis=(
        "Жители регионов, заполнившие анкету на автокредит в автосалоне-партнёре: банков там "
        "меньше, отказов больше, поэтому бесплатный подбор банка им особенно ценен."
    ),
    abc_class="B",
    priority=50,
    size=100,
    blocked=2,
    purchase="car",
    cities=(
        (geo.SAINT_PETERSBURG, 8),
        (geo.KAZAN, 8),
        (geo.NIZHNY_NOVGOROD, 6),
        (geo.KALININGRAD, 5),
        (geo.SAMARA, 8),
        (geo.YEKATERINBURG, 12),
        (geo.CHELYABINSK, 7),
        (geo.PERM, 6),
        (geo.TYUMEN, 5),
        (geo.UFA, 6),
        (geo.OMSK, 6),
        (geo.NOVOSIBIRSK, 10),
        (geo.KRASNOYARSK, 6),
        (geo.IRKUTSK, 5),
        (geo.KHABAROVSK, 4),
        (geo.VLADIVOSTOK, 5),
    ),
    landline_share=0.15,
    company_share=0.14,
)

CLINIC_PATIENTS = ListSpec(
    name="2026-11 Стоматология Москва — пациенты клиники",
    campaign=CLINIC_CHECKUP.name,
    source="База пациентов клиники: последний визит полгода назад и раньше",
    hypothesis=(
        "Пациенты, у которых прошло полгода с профессиональной гигиены: напоминание о "
        "плановом осмотре и запись в удобное время возвращают их в клинику."
    ),
    abc_class="A",
    priority=70,
    size=25,
    blocked=1,
    purchase="checkup",
    cities=((geo.MOSCOW, 20), (geo.KHIMKI, 2), (geo.KRASNOGORSK, 2), (geo.LYUBERTSY, 2)),
    landline_share=0.08,
    company_share=0.0,
)

FUEL_CARDS_COMPANIES = ListSpec(
    name="2026-11 Топливные карты Урал и Сибирь — реестр перевозчиков",
    campaign=FUEL_CARDS_B2B.name,
    source="Открытый реестр: компании с грузовым и служебным транспортом",
    hypothesis=(
        "Компании с собственным автопарком заправляются за наличные или по чекам и теряют "
        "на учёте и НДС: топливная карта с отчётностью для бухгалтерии экономит им время и деньги."
    ),
    abc_class="B",
    priority=60,
    size=25,
    blocked=1,
    purchase="fuel",
    cities=(
        (geo.YEKATERINBURG, 8),
        (geo.CHELYABINSK, 4),
        (geo.TYUMEN, 3),
        (geo.NOVOSIBIRSK, 6),
        (geo.OMSK, 3),
    ),
    landline_share=0.4,
    company_share=1.0,
)

NEW_BUILDINGS_MOSCOW = ListSpec(
    name="2026-11 Новостройки Москва — заявки с сайта ЖК",
    campaign=PROPERTY_DEVELOPER.name,
    source="Сайт ЖК «Северный парк»: заявки на подбор квартиры",
    hypothesis=(
        "Москвичи и жители ближнего Подмосковья, сами оставившие заявку на сайте ЖК: им "
        "нужна квартира в новостройке, и встреча в офисе продаж с расчётом ипотеки доводит их "
        "до брони."
    ),
    abc_class="B",
    priority=40,
    size=12,
    blocked=0,
    purchase="mortgage",
    cities=((geo.MOSCOW, 8), (geo.KHIMKI, 2), (geo.MYTISHCHI, 2)),
    landline_share=0.05,
    company_share=0.0,
)

TEST_DRIVES_MOSCOW = ListSpec(
    name="2026-11 Автосалон Москва — записи на тест-драйв",
    campaign=CAR_DEALER.name,
    source="Сайт автосалона: записи на тест-драйв",
    hypothesis=(
        "Записавшиеся на тест-драйв уже выбрали класс машины: звонок с расчётом кредита и "
        "оценкой трейд-ина переводит интерес в визит в салон."
    ),
    abc_class="C",
    priority=30,
    size=12,
    blocked=0,
    purchase="car",
    cities=((geo.MOSCOW, 8), (geo.PODOLSK, 2), (geo.LYUBERTSY, 2)),
    landline_share=0.05,
    company_share=0.0,
)


@dataclass(frozen=True, slots=True)
class VerificationSpec:
    """A lead already verified in the demo: answers as an operator types them."""

    list_name: str
    lead_index: int  # the lead's position in its generated list
    answers: tuple[tuple[str, str], ...]
    reason: str | None = None  # a non-target reason code of the campaign
    override_verdict: str | None = None
    override_comment: str | None = None


_BROKER_TARGET_ANSWERS = (
    ("purchase", "Квартира или дом (ипотека)"),
    ("amount", "4 800 000"),
    ("credit_history", "Хорошая, просрочек не было"),
    ("broker_fee", "Да, подходит"),
    ("income", "Официально, больше полугода"),
    ("age", "34"),
    ("region", "Москва"),
)

DEMO_VERIFICATIONS = (
    VerificationSpec(MORTGAGE_MOSCOW.name, 3, _BROKER_TARGET_ANSWERS),
    VerificationSpec(
        MORTGAGE_MOSCOW.name,
        4,
        (*_BROKER_TARGET_ANSWERS[:1], ("amount", "2 300 000"), *_BROKER_TARGET_ANSWERS[2:]),
    ),
    VerificationSpec(
        MORTGAGE_MOSCOW.name,
        5,
        (
            *_BROKER_TARGET_ANSWERS[:2],
            ("credit_history", "Были просрочки, сейчас всё закрыто"),
            *_BROKER_TARGET_ANSWERS[3:],
        ),
    ),
    VerificationSpec(
        NEW_BUILDINGS_MOSCOW.name,
        0,
        (
            ("budget", "12 500 000"),
            ("payment", "Ипотека"),
            ("mortgage_approval", "Одобрена"),
            ("credit_history", "да"),
            ("down_payment", "да"),
            ("market", "Новостройка"),
            ("deal_date", "15.03.2027"),
            ("rooms", "2 комнаты"),
        ),
    ),
    VerificationSpec(
        NEW_BUILDINGS_MOSCOW.name,
        1,
        (
            ("budget", "4 200 000"),
            ("payment", "Ипотека"),
            ("down_payment", "нет"),
            ("market", "Рассматривает оба варианта"),
        ),
        reason="small_budget",
    ),
    VerificationSpec(
        TEST_DRIVES_MOSCOW.name,
        0,
        (
            ("budget", "2 800 000"),
            ("payment", "Кредит"),
            ("credit_history", "Хорошая"),
            ("trade_in", "да"),
            ("models", "Haval Jolion, Chery Tiggo 7 Pro"),
            ("timing", "В течение месяца"),
        ),
    ),
    VerificationSpec(
        TEST_DRIVES_MOSCOW.name,
        1,
        (
            ("budget", "900 000"),
            ("payment", "Кредит"),
            ("credit_history", "Хорошая"),
            ("trade_in", "да"),
            ("timing", "В течение трёх месяцев"),
        ),
        override_verdict="target",
        override_comment=(
            "Назвал бюджет без учёта трейд-ина: его машину оценят примерно в 600 тыс. ₽, "
            "вместе выходит на базовую комплектацию."
        ),
    ),
    VerificationSpec(
        TEST_DRIVES_MOSCOW.name,
        2,
        (
            ("budget", "1 500 000"),
            ("payment", "Наличные"),
            ("trade_in", "нет"),
            ("timing", "Просто интересуется"),
        ),
        reason="just_curious",
    ),
)


@dataclass(frozen=True, slots=True)
class HandoffSpec:
    """A verified target lead with a presentation booked with the demo seller, handed off."""

    list_name: str
    lead_index: int  # a lead of DEMO_VERIFICATIONS with a target verdict
    visit_in_workdays: int  # counted from the day the demo is created
    visit_hour: int  # in the office's time
    state: str  # offered | accepted | returned (waiting for the supervisor's arbitration)
    return_reason: str | None = None


DEMO_HANDOFFS = (
    HandoffSpec(MORTGAGE_MOSCOW.name, 3, 1, 11, "offered"),
    HandoffSpec(MORTGAGE_MOSCOW.name, 4, 2, 15, "accepted"),
    HandoffSpec(
        MORTGAGE_MOSCOW.name,
        5,
        1,
        17,
        "returned",
        "На встрече выяснилось: ипотеку клиенту уже одобрил его зарплатный банк, брокер "
        "не нужен — об этом можно было спросить по телефону.",
    ),
)

DEMO_CAMPAIGNS = (CREDIT_BROKER, CLINIC_CHECKUP, FUEL_CARDS_B2B, PROPERTY_DEVELOPER, CAR_DEALER)
DEMO_OFFICES = (TVERSKAYA_OFFICE, SADOVAYA_CLINIC)
DEMO_LISTS = (
    MORTGAGE_MOSCOW,
    CAR_LOANS_REGIONS,
    CLINIC_PATIENTS,
    FUEL_CARDS_COMPANIES,
    NEW_BUILDINGS_MOSCOW,
    TEST_DRIVES_MOSCOW,
)
DO_NOT_CALL_REASON = "Клиент попросил больше не звонить"
