"""The call card on both backends: the client, company, phones, zone, list and history."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from operator_app.core.call_card import display_phone, load_call_card, queue_filters
from operator_app.core.calls import CapturedAnswer, FinishedCall, record_call
from operator_app.core.demo import create_demo_workspace
from operator_app.core.errors import NotFound
from operator_app.core.users import UserService
from operator_app.storage.database import Database
from operator_app.storage.models import Company, Contact, Lead, LeadList

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def a_company_lead(db: Database) -> int:
    with db.session() as session:
        return session.scalars(
            select(Lead.id)
            .join(Contact, Contact.id == Lead.contact_id)
            .where(Contact.company_id.is_not(None))
            .order_by(Lead.id)
            .limit(1)
        ).one()


def test_the_card_shows_the_client_and_where_they_came_from(db: Database) -> None:
    create_demo_workspace(db)
    lead_id = a_company_lead(db)
    card = load_call_card(db, lead_id)
    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        contact = session.get_one(Contact, lead.contact_id)
        company = session.get_one(Company, contact.company_id)
        lead_list = session.get_one(LeadList, lead.list_id)
    assert (card.lead_id, card.client_name) == (lead_id, contact.full_name)
    assert (card.company_name, card.company_inn) == (company.name, company.inn)
    assert (card.list_name, card.hypothesis) == (lead_list.name, lead_list.hypothesis)
    assert card.campaign_name and card.selling_company
    assert card.office_address
    assert card.phones and all(phone.e164.startswith("+") for phone in card.phones)
    assert card.zone  # the contact's, company's, a phone's or the campaign's zone
    assert card.script is not None and card.script_version_id is not None
    assert card.attempts == () and card.earlier_answers == ()
    values = card.placeholders("Ольга")
    assert values["client_name"] == contact.full_name
    assert values["operator_name"] == "Ольга"
    assert values["company"] == card.selling_company
    assert values["office_address"] == card.office_address


def test_earlier_calls_and_answers_are_on_the_card(db: Database) -> None:
    create_demo_workspace(db)
    operator = UserService(db).authenticate("operator", "demo")
    lead_id = a_company_lead(db)
    phone_id = load_call_card(db, lead_id).phones[0].phone_id
    record_call(
        db,
        operator,
        FinishedCall(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead_id,
            phone_id=phone_id,
            script_version_id=None,
            started_at=NOW - dt.timedelta(minutes=5),
            ended_at=NOW - dt.timedelta(minutes=1),
            talk_seconds=200,
            disposition="refused",
            reason="Дорого",
            notes="Предложить рассрочку",
            answers=(
                CapturedAnswer("greeting", "contact", NOW - dt.timedelta(minutes=4), answer="Да"),
                CapturedAnswer(
                    "greeting", "contact", NOW - dt.timedelta(minutes=3), objection_id="expensive"
                ),
            ),
        ),
    )
    card = load_call_card(db, lead_id)
    assert len(card.attempts) == 1
    attempt = card.attempts[0]
    assert (attempt.operator, attempt.disposition, attempt.reason, attempt.notes) == (
        operator.display_name,
        "refused",
        "Дорого",
        "Предложить рассрочку",
    )
    assert [(a.answer, a.objection_id) for a in card.earlier_answers] == [
        (None, "expensive"),
        ("Да", None),
    ]


def test_a_missing_lead_is_reported(db: Database) -> None:
    with pytest.raises(NotFound):
        load_call_card(db, 424242)


def test_the_queue_filters_list_campaigns_and_their_lists(db: Database) -> None:
    create_demo_workspace(db)
    filters = queue_filters(db)
    assert len(filters.campaigns) >= 1
    campaign_ids = {choice.id for choice in filters.campaigns}
    assert filters.lists and all(choice.campaign_id in campaign_ids for choice in filters.lists)


def test_russian_numbers_are_shown_grouped() -> None:
    assert display_phone("+79123456789") == "+7 912 345-67-89"
    assert display_phone("+4930123456") == "+4930123456"
