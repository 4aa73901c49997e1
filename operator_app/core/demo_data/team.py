"""The supervisor's side of the demo, as plain specs: the calling team, plans and KPI weights.

The demo's last 14 days (operator_app.core.demo_data.history) are worked by this team on the
credit broker's two lists, so a supervisor can compare operators, lists and the two versions
of its script. Plans and weights follow the domain notes: a lead generator's scorecard is
40 % held presentations, 40 % leads and 20 % talk minutes, and a part below 80 % of its plan
counts zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from operator_app.core.demo_data.workspace import (
    CAR_LOANS_REGIONS,
    CREDIT_BROKER,
    MORTGAGE_MOSCOW,
)
from operator_app.core.roles import Role

HISTORY_DAYS = 14
HISTORY_CAMPAIGN = CREDIT_BROKER.name
HISTORY_LISTS = (MORTGAGE_MOSCOW.name, CAR_LOANS_REGIONS.name)
SELLER_LOGIN = "seller"
REVIEWER_LOGIN = "supervisor"
SPLIT_SHARE_B = 50  # percent of the leads the script's second version gets
SPLIT_STARTED_DAYS_AGO = 7  # version 2 was published a week ago; the split runs since then


@dataclass(frozen=True, slots=True)
class CallerSpec:
    """An operator of the calling team and how they work (the numbers drive the history)."""

    login: str
    display_name: str
    new_leads_per_day: int  # fresh list leads taken each working day
    reach: float  # the chance a dial is answered
    skill: float  # 0..1: how often the client stays in the conversation rather than drops
    mortgage_share: float  # the share of fresh leads taken from the mortgage list (A)
    created: bool  # False: the demo's own operator, already a user


TEAM = (
    CallerSpec("operator", "Ольга Кузнецова", 4, 0.6, 0.8, 0.6, created=False),
    CallerSpec("petrova", "Анна Петрова", 4, 0.55, 0.6, 0.5, created=True),
    CallerSpec("ivanov", "Игорь Иванов", 5, 0.45, 0.35, 0.4, created=True),
)


@dataclass(frozen=True, slots=True)
class PlanSpec:
    """A daily plan of a role, or of one person (login) that beats their role's."""

    metric: str  # a KPI metric code: calls, talk_minutes, leads, held_visits, sales ...
    per_day: str  # a decimal, as written
    role: Role | None = None
    login: str | None = None


PLANS = (
    PlanSpec("held_visits", "0.8", role=Role.OPERATOR),
    PlanSpec("leads", "1.2", role=Role.OPERATOR),
    PlanSpec("talk_minutes", "30", role=Role.OPERATOR),
    PlanSpec("calls", "10", role=Role.OPERATOR),
    # The newcomer's first month: a lighter plan of his own.
    PlanSpec("held_visits", "0.5", login="ivanov"),
    PlanSpec("leads", "0.8", login="ivanov"),
    PlanSpec("held_visits", "2.0", role=Role.SELLER),
    PlanSpec("sales", "0.8", role=Role.SELLER),
)


@dataclass(frozen=True, slots=True)
class WeightSpec:
    role: Role
    metric: str
    weight: str  # a fraction of the scorecard; a role's weights sum to 1
    cutoff: str  # the fraction of plan below which this part counts zero


KPI_WEIGHTS = (
    WeightSpec(Role.OPERATOR, "held_visits", "0.4", "0.8"),
    WeightSpec(Role.OPERATOR, "leads", "0.4", "0.8"),
    WeightSpec(Role.OPERATOR, "talk_minutes", "0.2", "0.8"),
    WeightSpec(Role.SELLER, "sales", "0.6", "0.8"),
    WeightSpec(Role.SELLER, "held_visits", "0.4", "0.8"),
)

# Version 2 of the broker's script: the teaser ends with a call to action offering two times,
# the change the split tests.
TEASER_STEP = "teaser"
TEASER_V2 = (
    "{client_name}, по вашей ситуации я вижу как минимум два-три банка, где шансы на одобрение "
    "высокие, а платёж будет ниже, чем вы рассчитываете. Наш эксперт за 40 минут в офисе "
    "({office_address}) посчитает варианты и соберёт пакет документов — консультация бесплатная. "
    "Вам удобнее завтра в первой половине дня или послезавтра после обеда?"
)

NOTES = (
    "Просит звонить после 18:00, днём на работе",
    "Говорил за рулём, разговор короткий",
    "Супруга тоже участвует в решении, придут вместе",
    "Уже был у другого брокера, остался недоволен",
    "Спрашивал про рефинансирование текущего кредита",
    "Нужен платёж не больше 30 000 ₽ в месяц",
    "Плохо слышно, перезванивал со второго номера",
)
REFUSAL_REASONS = (
    "Передумал брать кредит",
    "Решил обратиться в свой зарплатный банк",
    "Не хочет ехать в офис",
    "Уже получил одобрение сам",
    "Не устраивает комиссия брокера",
)
HUNG_UP_REASON = "Клиент прервал разговор"
# The broker's non-target reasons (its campaign preset), by the step that found them.
NOT_TARGET_REASONS = {
    "q_purchase": "Нужна небольшая сумма",
    "q_debts_plan": "Текущие долги не закрыть",
    "q_broker_fee": "Не готов платить комиссию брокеру",
    "number_source": "Не оставлял заявку, нет потребности",
}
NOT_TARGET_OTHER = "Кредитная история испорчена безнадёжно"
NO_SUITABLE_ANSWERS = (
    "Спросил, можно ли оформить кредит на маму-пенсионерку",
    "Хочет сначала узнать точную ставку по телефону",
    "Говорит, что работает вахтой и дохода нет полгода",
    "Спросил, работаете ли вы с военной ипотекой",
    "Интересуется, можно ли без первоначального взноса и без справок",
)
FREE_TEXT_ANSWERS = (
    "Работает в IT, доход около 180 тыс. ₽",
    "Взнос — материнский капитал и 600 тыс. ₽ накоплений",
    "Два года назад был отказ в Сбербанке",
    "Зарплата частично в конверте",
)
NO_SHOW_REASONS = (
    "Задержали на работе, забыл предупредить",
    "Заболел ребёнок",
    "Передумал, решил подождать до весны",
    "Не нашёл офис и уехал",
    "Не дозвонились: телефон выключен",
)
NO_SALE_COMMENTS = (
    "Условия банков не устроили, думает",
    "Ждёт решения по своей заявке в банке",
    "Недостаточно дохода для нужной суммы",
)
SALE_COMMENTS = (
    "Договор на подбор ипотеки подписан",
    "Подписан договор, пакет документов собран",
    "Договор на автокредит, одобрение в двух банках",
)
RETURN_REASON = (
    "На встрече выяснилось, что клиенту нужно всего 250 тыс. ₽ — нецелевой, "
    "об этом можно было спросить по телефону."
)
RETURN_OVERRULED_REASON = "Клиент опоздал на 40 минут, считаю лид недобросовестным"
ARBITRATION_COMMENTS = {
    "return_upheld": "Согласна: сумму нужно было уточнить на квалификации.",
    "return_overruled": "Клиент пришёл, опоздание — не повод для возврата лида.",
}
REVIEW_COMMENTS = {
    "good": (
        "Отличный звонок: все S- и P-вопросы заданы, тизер с чётким призывом к действию.",
        "Хорошо отработано возражение, клиент записан, напоминание согласовано.",
    ),
    "fair": (
        "Контакт установлен хорошо, но P-вопросы пропущены — клиент не увидел проблему.",
        "Тизер без призыва к действию: предложите два конкретных времени.",
    ),
    "poor": (
        "Не прозвучало, кто звонит и откуда номер; клиент сразу закрылся.",
        "Слишком рано перешли к комиссии брокера, разговор оборвался на квалификации.",
    ),
}
