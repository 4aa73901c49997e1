"""Russian personal names with matching gender forms, and e-mail addresses made from them."""

from __future__ import annotations

import random
from dataclasses import dataclass

_MALE_FIRST = (
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Виктор",
    "Владимир", "Вячеслав", "Георгий", "Денис", "Дмитрий", "Евгений", "Егор", "Иван",
    "Игорь", "Илья", "Кирилл", "Константин", "Максим", "Михаил", "Никита", "Николай",
    "Олег", "Павел", "Роман", "Руслан", "Сергей", "Станислав", "Тимур", "Юрий",
)  # fmt: skip
_FEMALE_FIRST = (
    "Алина", "Алла", "Анастасия", "Анна", "Валентина", "Валерия", "Вера", "Виктория",
    "Галина", "Дарья", "Екатерина", "Елена", "Жанна", "Ирина", "Карина", "Ксения",
    "Лариса", "Любовь", "Людмила", "Марина", "Мария", "Надежда", "Наталья", "Нина",
    "Оксана", "Ольга", "Полина", "Светлана", "Софья", "Татьяна", "Юлия", "Яна",
)  # fmt: skip
# A father's name gives the son's and the daughter's patronymic; the forms are irregular enough
# (Илья → Ильич / Ильинична, Лев → Львович) to be listed rather than derived.
_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"), ("Анатольевич", "Анатольевна"), ("Борисович", "Борисовна"),
    ("Валерьевич", "Валерьевна"), ("Викторович", "Викторовна"),
    ("Владимирович", "Владимировна"), ("Геннадьевич", "Геннадьевна"),
    ("Дмитриевич", "Дмитриевна"), ("Евгеньевич", "Евгеньевна"), ("Иванович", "Ивановна"),
    ("Игоревич", "Игоревна"), ("Ильич", "Ильинична"), ("Львович", "Львовна"),
    ("Михайлович", "Михайловна"), ("Никитич", "Никитична"), ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"), ("Павлович", "Павловна"), ("Петрович", "Петровна"),
    ("Романович", "Романовна"), ("Сергеевич", "Сергеевна"), ("Юрьевич", "Юрьевна"),
)  # fmt: skip
# Masculine forms; feminine ones follow the rules in _feminine().
_SURNAMES = (
    "Абрамов", "Александров", "Алексеев", "Андреев", "Афанасьев", "Баранов", "Белов",
    "Белых", "Беляев", "Богданов", "Борисов", "Васильев", "Виноградов", "Волков",
    "Воробьёв", "Гаврилов", "Герасимов", "Голубев", "Горбунов", "Григорьев", "Гусев",
    "Давыдов", "Денисов", "Дмитриев", "Егоров", "Ершов", "Жуков", "Журавлёв", "Зайцев",
    "Захаров", "Зуев", "Ильин", "Исаев", "Казаков", "Калинин", "Карпов", "Ковалёв",
    "Козлов", "Комаров", "Кондратьев", "Королёв", "Кравченко", "Крылов", "Кудрявцев",
    "Кузнецов", "Кузьмин", "Лебедев", "Макаров", "Максимов", "Медведев", "Мельников",
    "Миронов", "Михайлов", "Морозов", "Никитин", "Николаев", "Новиков", "Орлов",
    "Осипов", "Павлов", "Петров", "Поляков", "Пономарёв", "Попов", "Романов", "Савельев",
    "Седых", "Семёнов", "Сергеев", "Смирнов", "Соболев", "Соколов", "Соловьёв",
    "Сорокин", "Степанов", "Тарасов", "Тимофеев", "Титов", "Тихонов", "Трофимов",
    "Фёдоров", "Филиппов", "Фролов", "Шевченко", "Щербаков", "Яковлев",
    "Ковальский", "Вишневский", "Островский", "Высоцкий", "Чернышевский", "Толстой",
)  # fmt: skip


def _feminine(surname: str) -> str:
    if surname.endswith(("ский", "цкий", "ской", "цкой")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # Белых, Седых, Шевченко do not change


@dataclass(frozen=True, slots=True)
class Person:
    last: str
    first: str
    patronymic: str
    female: bool

    @property
    def full_name(self) -> str:
        """The order Russian lists use: surname, first name, patronymic."""
        return f"{self.last} {self.first} {self.patronymic}"

    @property
    def polite_name(self) -> str:
        """How a client is addressed on the phone: first name and patronymic."""
        return f"{self.first} {self.patronymic}"


def random_person(rng: random.Random) -> Person:
    female = rng.random() < 0.5
    surname = rng.choice(_SURNAMES)
    patronymic_male, patronymic_female = rng.choice(_PATRONYMICS)
    if female:
        return Person(_feminine(surname), rng.choice(_FEMALE_FIRST), patronymic_female, female=True)
    return Person(surname, rng.choice(_MALE_FIRST), patronymic_male, female=False)


_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
_MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru")


def transliterate(text: str) -> str:
    return "".join(_TRANSLIT.get(char, char) for char in text.lower())


def email_for(person: Person, rng: random.Random) -> str:
    first, last = transliterate(person.first), transliterate(person.last)
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}.{last}",
            f"{last}.{first[0]}",
            f"{first}{last}{rng.randint(70, 99)}",
            f"{last}_{rng.randint(1, 999)}",
        )
    )
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"
