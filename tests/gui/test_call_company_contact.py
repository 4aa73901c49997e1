"""Who is on the line: the company card (INN checked as typed, a known INN shows who works
the company) and the contact (role, phones, e-mail, consents)."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from operator_app.core.companies import CompanyService
from operator_app.core.consent import ConsentService
from operator_app.core.contacts import ContactRole, ContactService
from operator_app.core.roles import Actor, Role
from operator_app.gui.call.company_panel import CompanyPanel
from operator_app.gui.call.contact_panel import ContactPanel
from operator_app.gui.i18n import Translations
from operator_app.storage.database import Database
from operator_app.storage.models import Company, Consent, Contact, Phone
from tests.gui.helpers import add_user
from tests.gui.verification_data import Space, build_space
from tests.support.handoff_data import make_company, make_lead

SBERBANK = "7707083893"


@pytest.fixture
def space(sqlite_db: Database, admin: Actor) -> Space:
    return build_space(sqlite_db, admin, b2b=True)


def company_panel(qtbot: QtBot, db: Database, space: Space) -> CompanyPanel:
    panel = CompanyPanel(CompanyService(db), space.operator)
    qtbot.addWidget(panel)
    panel.load(None, space.campaign_id, b2b=True)
    return panel


def companies(db: Database) -> list[tuple[str, str | None]]:
    with db.session() as session:
        return [(c.name, c.inn) for c in session.scalars(select(Company).order_by(Company.id))]


def test_a_b2b_card_needs_a_valid_inn_checked_as_typed(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = company_panel(qtbot, sqlite_db, space)
    assert panel._inn_caption.text() == "INN *:"
    panel.name.setText("ООО Ромашка")
    panel.save()
    assert panel.save_task is None
    assert panel.inn_error.text() == "A B2B campaign needs the company's INN to save the card."
    assert panel.name.text() == "ООО Ромашка"
    panel.inn.setText("77070838")
    assert panel.inn_error.text() == "An INN has 10 digits (company) or 12 digits (individual)."
    panel.inn.setText("7707083894")
    assert panel.inn_error.text() == "The check digits do not match: probably a typo."
    panel.save()
    assert panel.save_task is None
    assert panel.message.text() == "Correct the fields marked in red first."
    assert companies(sqlite_db) == []
    panel.inn.setText(SBERBANK)
    assert panel.inn_error.isHidden()
    qtbot.waitUntil(lambda: panel.lookup_task is None, timeout=10_000)
    assert panel.found_box.isHidden()  # a new INN
    with qtbot.waitSignal(panel.saved, timeout=10_000) as blocker:
        panel.save_button.click()
    assert blocker.args[0].inn == SBERBANK
    assert companies(sqlite_db) == [("ООО Ромашка", SBERBANK)]
    assert panel.message.text() == "The company was saved."


def test_a_known_inn_shows_the_company_its_contacts_and_who_works_it(
    qtbot: QtBot, sqlite_db: Database, space: Space, admin: Actor, translations: Translations
) -> None:
    colleague = add_user(sqlite_db, admin, "vera", Role.OPERATOR)
    company_id = make_company(sqlite_db, "ПАО Сбербанк", SBERBANK)
    make_lead(
        sqlite_db,
        space.campaign_id,
        "Герман Греф",
        company_id=company_id,
        role=ContactRole.DECISION_MAKER.value,
        claimed_by_id=colleague.user_id,
        claimed_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10),
    )
    panel = company_panel(qtbot, sqlite_db, space)
    panel.inn.setText(SBERBANK)
    qtbot.waitUntil(lambda: panel.found is not None, timeout=10_000)
    assert not panel.found_box.isHidden()
    text = panel.found_box.text()
    assert "This INN belongs to ПАО Сбербанк (INN 7707083893)." in text
    assert "Contacts: Герман Греф (Decision maker)" in text
    assert "User vera is working it now (Credits)." in text
    with qtbot.waitSignal(panel.saved) as blocker:
        panel.use_found_button.click()
    assert blocker.args[0].company_id == company_id
    assert panel.company_id == company_id
    assert panel.name.text() == "ПАО Сбербанк"
    assert panel.found is None


def test_saving_a_taken_inn_shows_the_owner(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    make_company(sqlite_db, "ПАО Сбербанк", SBERBANK)
    panel = company_panel(qtbot, sqlite_db, space)
    panel.name.setText("Сбер")
    panel.inn.setText(SBERBANK)
    panel.save()
    qtbot.waitUntil(lambda: panel.save_task is None and panel.found is not None, timeout=10_000)
    assert panel.inn_error.text() == "This INN already belongs to another company."
    assert panel.name.text() == "Сбер"
    assert companies(sqlite_db) == [("ПАО Сбербанк", SBERBANK)]


def contact_panel(qtbot: QtBot, db: Database, space: Space) -> ContactPanel:
    panel = ContactPanel(ContactService(db), ConsentService(db), space.operator)
    qtbot.addWidget(panel)
    contact = ContactService(db).get(space.operator, space.contact_id)
    panel.load(contact, ConsentService(db).current(space.contact_id))
    return panel


def test_bad_phones_and_e_mail_are_explained_as_typed_and_kept_on_save(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = contact_panel(qtbot, sqlite_db, space)
    assert panel.full_name.text() == "Иван Петров"
    panel.email.setText("ivan.example.ru")
    assert panel.email_error.text() == "An e-mail address needs an @, like name@example.ru."
    panel.phones[0].text.setText("+7 912 345")
    assert panel.phones[0].error.text() == "Digits are missing: the number looks cut off."
    panel.full_name.setText("")
    panel.save()
    qtbot.waitUntil(lambda: panel.save_task is None, timeout=10_000)
    assert panel.message.text() == "Correct the fields marked in red; nothing was saved."
    assert panel.name_error.text() == "Enter the contact's name."
    assert panel.email.text() == "ivan.example.ru"
    assert panel.phones[0].text.text() == "+7 912 345"
    assert not panel.phones[0].error.isHidden()
    with sqlite_db.session() as session:
        contact = session.get(Contact, space.contact_id)
        assert contact is not None and contact.full_name == "Иван Петров"
        assert contact.email is None


def test_a_contact_is_saved_with_role_phones_and_consents(
    qtbot: QtBot, sqlite_db: Database, space: Space, translations: Translations
) -> None:
    panel = contact_panel(qtbot, sqlite_db, space)
    assert panel.consent_status.text() == ("Personal data: never asked\nReminders: never asked")
    panel.role.setCurrentIndex(panel.role.findData(ContactRole.DECISION_MAKER.value))
    panel.position.setText("Директор")
    panel.email.setText("Ivan@Example.RU")
    assert panel.email_error.isHidden()
    panel.phones[0].text.setText("+7 912 345-67-89")
    panel.phones[0].verified.setChecked(True)
    panel.add_phone("8 (495) 123-45-67")
    panel.personal_data.setChecked(True)
    panel.channel.setCurrentIndex(panel.channel.findData("phone_call"))
    with qtbot.waitSignal(panel.saved, timeout=10_000) as blocker:
        panel.save_button.click()
    view = blocker.args[0]
    assert view.role is ContactRole.DECISION_MAKER
    assert view.email == "Ivan@example.ru"
    assert panel.message.text() == "The contact was saved."
    assert panel.consent_status.text().startswith("Personal data: given ")
    assert ", Olga, Phone call\nReminders: never asked" in panel.consent_status.text()
    with sqlite_db.session() as session:
        phones = session.execute(
            select(Phone.e164, Phone.verified).where(Phone.contact_id == space.contact_id)
        ).all()
        assert len(phones) == 2
        consents = session.execute(
            select(Consent.kind, Consent.granted, Consent.channel, Consent.taken_by_id)
        ).all()
    assert [tuple(c) for c in consents] == [
        ("personal_data", True, "phone_call", space.operator.user_id)
    ]
    # Saving again without changes records no second consent.
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save()
    assert panel.consents_heard() == ()
