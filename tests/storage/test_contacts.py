"""Saving contacts on both backends: roles, e-mail, E.164 phones marked verified, every bad
field reported at once, nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from operator_app.core.consent import ConsentChannel, ConsentGiven, ConsentKind, ConsentService
from operator_app.core.contacts import (
    ContactInput,
    ContactRole,
    ContactService,
    InvalidFields,
    PhoneInput,
)
from operator_app.core.errors import NotFound, PermissionDenied
from operator_app.core.roles import Role
from operator_app.storage.database import Database
from operator_app.storage.models import Consent, Contact, Phone
from tests.support.handoff_data import make_company, make_user

SBERBANK = "7707083893"


def count(db: Database, model: type[Contact] | type[Phone]) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_new_contact_with_role_email_and_verified_phone(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    company = make_company(db, "ПАО Сбербанк", SBERBANK)
    saved = ContactService(db).save_contact(
        operator,
        ContactInput(
            full_name="  Анна Смирнова ",
            role=ContactRole.DECISION_MAKER,
            position="Финансовый директор",
            email=" Anna@Sber.RU",
            phones=(
                PhoneInput("8 (912) 345-67-89", verified=True),
                PhoneInput("+7 495 500-55-50 доб. 12"),
            ),
            company_id=company,
        ),
    )
    assert saved.full_name == "Анна Смирнова"
    assert saved.role is ContactRole.DECISION_MAKER
    assert saved.email == "Anna@sber.ru"
    assert saved.company_id == company
    assert [(p.e164, p.kind, p.extension, p.verified) for p in saved.phones] == [
        ("+79123456789", "mobile", None, True),
        ("+74955005550", "landline", "12", False),
    ]
    assert ContactService(db).get(operator, saved.contact_id) == saved


def test_update_keeps_staying_phones_marks_them_verified_and_drops_removed(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    service = ContactService(db)
    first = service.save_contact(
        operator,
        ContactInput("Анна", phones=(PhoneInput("89123456789"), PhoneInput("8 916 123-45-67"))),
    )
    kept_id = first.phones[0].phone_id
    second = service.save_contact(
        operator,
        ContactInput(
            "Анна Смирнова",
            role=ContactRole.SECRETARY,
            phones=(PhoneInput("+7 912 345 67 89", verified=True), PhoneInput("8 903 000-00-01")),
            contact_id=first.contact_id,
        ),
    )
    assert second.contact_id == first.contact_id
    assert second.role is ContactRole.SECRETARY
    assert [(p.e164, p.verified) for p in second.phones] == [
        ("+79123456789", True),
        ("+79030000001", False),
    ]
    assert second.phones[0].phone_id == kept_id
    assert count(db, Phone) == 2


def test_every_bad_field_is_reported_and_nothing_is_written(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    with pytest.raises(InvalidFields) as caught:
        ContactService(db).save_contact(
            operator,
            ContactInput(
                full_name=" ",
                email="anna.sber.ru",
                phones=(
                    PhoneInput("89123456789"),
                    PhoneInput("8 912 345"),
                    PhoneInput("+7 912 345-67-89"),
                ),
            ),
        )
    issues = {(i.field, i.problem) for i in caught.value.issues}
    assert issues == {
        ("full_name", "empty"),
        ("email", "missing_at"),
        ("phones[1]", "too_short"),
        ("phones[2]", "duplicate"),
    }
    assert count(db, Contact) == 0
    assert count(db, Phone) == 0


def test_failed_update_leaves_the_contact_untouched(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    service = ContactService(db)
    saved = service.save_contact(
        operator, ContactInput("Анна", phones=(PhoneInput("89123456789"),))
    )
    with pytest.raises(InvalidFields):
        service.save_contact(
            operator,
            ContactInput("Анна", email="bad@", phones=(), contact_id=saved.contact_id),
        )
    assert service.get(operator, saved.contact_id) == saved


def test_unknown_company_or_contact(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    service = ContactService(db)
    with pytest.raises(InvalidFields) as caught:
        service.save_contact(operator, ContactInput("Анна", company_id=999_999))
    assert caught.value.fields() == ("company_id",)
    with pytest.raises(NotFound):
        service.save_contact(operator, ContactInput("Анна", contact_id=999_999))
    assert count(db, Contact) == 0


def test_admin_without_queue_work_may_not_save_contacts(db: Database) -> None:
    admin = make_user(db, "Админ", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        ContactService(db).save_contact(admin, ContactInput("Анна"))


def test_consents_heard_on_the_call_are_saved_with_the_contact(db: Database) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    given = (
        ConsentGiven(ConsentKind.PERSONAL_DATA, True, ConsentChannel.PHONE_CALL),
        ConsentGiven(ConsentKind.REMINDERS, False, ConsentChannel.PHONE_CALL),
    )
    with pytest.raises(InvalidFields):
        ContactService(db).save_contact(
            operator, ContactInput("Анна", email="anna@", consents=given)
        )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Consent)) == 0

    saved = ContactService(db).save_contact(operator, ContactInput("Анна", consents=given))
    summary = ConsentService(db).current(saved.contact_id)
    assert summary.personal_data.granted
    assert summary.personal_data.latest is not None
    assert summary.personal_data.latest.taken_by_name == "Ольга"
    assert summary.reminders.withdrawn
