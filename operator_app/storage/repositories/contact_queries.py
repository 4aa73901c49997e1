"""Contacts with their phones, read in batches for cards, company overviews and hand-offs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.storage.models import Contact, Phone

__all__ = ["ContactRow", "PhoneRow", "contacts_by_company", "contacts_by_id"]


@dataclass(frozen=True, slots=True)
class PhoneRow:
    phone_id: int
    contact_id: int
    e164: str
    kind: str
    extension: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    contact_id: int
    company_id: int | None
    full_name: str
    role: str | None
    position: str | None
    email: str | None
    comment: str | None
    phones: tuple[PhoneRow, ...]


def contacts_by_id(session: Session, contact_ids: Collection[int]) -> dict[int, ContactRow]:
    """The contacts with these ids, each with its phones in the order they were added."""
    if not contact_ids:
        return {}
    contacts = session.scalars(
        select(Contact).where(Contact.id.in_(contact_ids)).order_by(Contact.id)
    ).all()
    return {row.contact_id: row for row in _with_phones(session, list(contacts))}


def contacts_by_company(
    session: Session, company_ids: Collection[int]
) -> dict[int, list[ContactRow]]:
    """Every contact of each company (decision makers first, then by id), with phones."""
    if not company_ids:
        return {}
    contacts = session.scalars(
        select(Contact).where(Contact.company_id.in_(company_ids)).order_by(Contact.id)
    ).all()
    grouped: dict[int, list[ContactRow]] = {company_id: [] for company_id in company_ids}
    for row in sorted(_with_phones(session, list(contacts)), key=_role_order):
        if row.company_id is not None:
            grouped[row.company_id].append(row)
    return grouped


_ROLE_ORDER = {"decision_maker": 0, "influencer": 1, "secretary": 2, "other": 3}


def _role_order(row: ContactRow) -> tuple[int, int]:
    return (_ROLE_ORDER.get(row.role or "", len(_ROLE_ORDER)), row.contact_id)


def _with_phones(session: Session, contacts: list[Contact]) -> list[ContactRow]:
    phones: dict[int, list[PhoneRow]] = {contact.id: [] for contact in contacts}
    if contacts:
        for phone in session.scalars(
            select(Phone).where(Phone.contact_id.in_(list(phones))).order_by(Phone.id)
        ):
            phones[phone.contact_id].append(
                PhoneRow(
                    phone.id,
                    phone.contact_id,
                    phone.e164,
                    phone.kind,
                    phone.extension,
                    bool(phone.verified),
                )
            )
    return [
        ContactRow(
            contact_id=contact.id,
            company_id=contact.company_id,
            full_name=contact.full_name,
            role=contact.role,
            position=contact.position,
            email=contact.email,
            comment=contact.comment,
            phones=tuple(phones[contact.id]),
        )
        for contact in contacts
    ]
