"""Company cards on both backends: a B2B card needs a valid INN; a known INN shows the company,
its contacts and who is working it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from operator_app.core.companies import CompanyInput, CompanyService, InnTaken
from operator_app.core.contacts import ContactRole, InvalidFields
from operator_app.core.errors import NotFound
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import Company
from tests.support.handoff_data import NOW, make_campaign, make_company, make_lead, make_user

SBERBANK = "7707083893"
FROM_REGION_02 = "0274062111"


def companies(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Company)) or 0)


def test_b2b_card_without_inn_is_refused(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    b2b = make_campaign(db, "Топливные карты", b2b=True)
    service = CompanyService(db)
    for inn in (None, "", "   "):
        with pytest.raises(InvalidFields) as caught:
            service.save_company(operator, CompanyInput("ООО Ромашка", inn=inn), b2b)
        assert [(i.field, i.problem) for i in caught.value.issues] == [("inn", "required")]
    assert companies(db) == 0


def test_b2b_card_with_a_mistyped_inn_is_refused_with_the_reason(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    b2b = make_campaign(db, "Топливные карты", b2b=True)
    with pytest.raises(InvalidFields) as caught:
        CompanyService(db).save_company(operator, CompanyInput(" ", inn="7707083894"), b2b)
    assert [(i.field, i.problem) for i in caught.value.issues] == [
        ("name", "empty"),
        ("inn", "checksum"),
    ]
    assert "check digits" in caught.value.issues[1].message
    assert companies(db) == 0


def test_b2b_card_with_a_valid_inn_is_saved_normalized(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    b2b = make_campaign(db, "Топливные карты", b2b=True)
    saved = CompanyService(db).save_company(
        operator, CompanyInput("ООО Башнефть", inn="ИНН 274062111", city="Уфа"), b2b
    )
    assert (saved.name, saved.inn, saved.city) == ("ООО Башнефть", FROM_REGION_02, "Уфа")


def test_outside_b2b_the_inn_is_optional(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    b2c = make_campaign(db, "Кредиты", b2b=False)
    service = CompanyService(db)
    assert service.save_company(operator, CompanyInput("ИП Иванов"), b2c).inn is None
    assert service.save_company(operator, CompanyInput("ИП Петров")).inn is None
    with pytest.raises(NotFound):
        service.save_company(operator, CompanyInput("ИП Сидоров"), 999_999)


def test_an_inn_of_another_company_is_refused_naming_it(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    b2b = make_campaign(db, "Топливные карты", b2b=True)
    existing = make_company(db, "ПАО Сбербанк", SBERBANK)
    service = CompanyService(db)
    with pytest.raises(InnTaken) as caught:
        service.save_company(operator, CompanyInput("Сбер", inn=" 7707083893 "), b2b)
    assert (caught.value.company_id, caught.value.company_name) == (existing, "ПАО Сбербанк")
    assert "ПАО Сбербанк" in str(caught.value)
    other = service.save_company(operator, CompanyInput("Другая", inn=FROM_REGION_02), b2b)
    with pytest.raises(InnTaken):
        service.save_company(
            operator, CompanyInput("Другая", inn=SBERBANK, company_id=other.company_id), b2b
        )
    # Updating the company itself with its own INN is fine.
    renamed = service.save_company(
        operator, CompanyInput("ПАО «Сбербанк»", inn=SBERBANK, company_id=existing), b2b
    )
    assert renamed.name == "ПАО «Сбербанк»"
    assert companies(db) == 2


def test_existing_inn_shows_contacts_and_who_is_working_it(db: Database) -> None:
    me = make_user(db, "Ольга", Role.OPERATOR)
    colleague = make_user(db, "Пётр", Role.OPERATOR)
    fuel = make_campaign(db, "Топливные карты", b2b=True)
    leasing = make_campaign(db, "Лизинг", b2b=True)
    company = make_company(db, "ПАО Сбербанк", SBERBANK)
    held = make_lead(
        db,
        fuel,
        "Секретарь Мария",
        company_id=company,
        role="secretary",
        owner_id=colleague.user_id,
        claimed_by_id=colleague.user_id,
        claimed_until=NOW + dt.timedelta(minutes=20),
        state="new",
    )
    stale = make_lead(
        db,
        leasing,
        "Директор Игорь",
        company_id=company,
        role="decision_maker",
        claimed_by_id=me.user_id,
        claimed_until=NOW - dt.timedelta(minutes=5),
        state="callback",
    )
    make_lead(db, fuel, "Чужой клиент", company_id=make_company(db, "Другая", FROM_REGION_02))

    overview = CompanyService(db).find_by_inn(me, "ИНН 7707083893", now=NOW)

    assert overview is not None
    assert overview.company.company_id == company
    assert [(c.full_name, c.role) for c in overview.contacts] == [
        ("Директор Игорь", ContactRole.DECISION_MAKER),
        ("Секретарь Мария", ContactRole.SECRETARY),
    ]
    by_lead = {item.lead_id: item for item in overview.work}
    assert set(by_lead) == {held, stale}
    assert by_lead[held].campaign_id == fuel
    assert by_lead[held].state == "new"
    assert by_lead[held].owner_name == "Пётр"
    assert by_lead[held].claimed_by_name == "Пётр"
    assert by_lead[stale].claimed_by_id is None  # the claim expired: nobody holds it now
    assert overview.being_worked


def test_unknown_inn_is_none_and_bad_inn_is_a_field_error(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    service = CompanyService(db)
    assert service.find_by_inn(operator, SBERBANK) is None
    with pytest.raises(InvalidFields) as caught:
        service.find_by_inn(operator, "12345")
    assert caught.value.fields() == ("inn",)


def save_at_once(url: str, operators: list[Actor], inn: str, campaign: int) -> list[str]:
    """Each operator saves a new card with the same INN at the same moment, on its own
    connection."""
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(operators))
    databases = [Database(url) for _ in operators]

    def save(database: Database, actor: Actor) -> None:
        start.wait()
        try:
            CompanyService(database).save_company(
                actor, CompanyInput(f"Компания {actor.display_name}", inn=inn), campaign
            )
            outcome = "saved"
        except InnTaken:
            outcome = "taken"
        except Exception as error:  # reported through the compared outcomes
            outcome = repr(error)
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=save, args=(database, actor))
        for database, actor in zip(databases, operators, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.dispose()
    return sorted(outcomes)


def test_two_operators_saving_one_inn_at_once_get_one_company(db: Database) -> None:
    b2b = make_campaign(db, "Топливные карты", b2b=True)
    operators = [make_user(db, name, Role.OPERATOR) for name in ("Ольга", "Пётр")]
    for round_, inn in enumerate((SBERBANK, FROM_REGION_02, "7830002293")):
        assert save_at_once(db.url, operators, inn, b2b) == ["saved", "taken"]
        assert companies(db) == round_ + 1
