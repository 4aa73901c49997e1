"""B2B company cards: identified by INN, shown with their contacts and whoever works them.

In a B2B campaign a card cannot be saved without a valid INN (checksum). One INN belongs to
one company: typing an INN that is already known refuses the save with `InnTaken`, and the
GUI shows `find_by_inn`'s overview instead, so two operators never chase the same company
without knowing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operator_app.core.company_ids import InnError, normalize_inn
from operator_app.core.contacts import ContactView, FieldIssue, InvalidFields, contact_view
from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Company
from operator_app.storage.repositories import company_queries as cq
from operator_app.storage.repositories import contact_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "CompanyInput",
    "CompanyOverview",
    "CompanyService",
    "CompanyView",
    "CompanyWork",
    "InnTaken",
]


class InnTaken(ValidationFailed):
    """The INN already belongs to another company, named here; show its overview instead."""

    def __init__(self, inn: str, company_id: int, company_name: str) -> None:
        self.inn = inn
        self.company_id = company_id
        self.company_name = company_name
        super().__init__(
            "inn", "taken", f"the INN {inn} already belongs to '{company_name}' (id {company_id})"
        )


@dataclass(frozen=True, slots=True)
class CompanyInput:
    """The company card form; `company_id` None creates a company, otherwise it is updated."""

    name: str
    inn: str | None = None
    city: str | None = None
    region: str | None = None
    time_zone: str | None = None
    company_id: int | None = None


@dataclass(frozen=True, slots=True)
class CompanyView:
    company_id: int
    name: str
    inn: str | None
    city: str | None
    region: str | None
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class CompanyWork:
    """One lead of the company's contacts: the campaign, its state, and who holds it."""

    lead_id: int
    contact_id: int
    contact_name: str
    campaign_id: int | None
    campaign_name: str | None
    state: str
    owner_id: int | None
    owner_name: str | None
    claimed_by_id: int | None
    """The operator holding the lead right now (an unexpired claim), else None."""
    claimed_by_name: str | None
    claimed_until: dt.datetime | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CompanyOverview:
    company: CompanyView
    contacts: tuple[ContactView, ...]
    """Decision makers first, then influencers, secretaries and others."""
    work: tuple[CompanyWork, ...]
    """The company's leads in every campaign, the most recently touched first."""

    @property
    def being_worked(self) -> bool:
        """True when some operator holds one of its leads at this moment."""
        return any(item.claimed_by_id is not None for item in self.work)


def _view(company: Company) -> CompanyView:
    return CompanyView(
        company.id, company.name, company.inn, company.city, company.region, company.time_zone
    )


def _blank_to_none(value: str | None) -> str | None:
    return None if value is None else (value.strip() or None)


def _work(row: cq.WorkRow, now: dt.datetime) -> CompanyWork:
    held = (
        row.claimed_by_id is not None and row.claimed_until is not None and row.claimed_until > now
    )
    return CompanyWork(
        lead_id=row.lead_id,
        contact_id=row.contact_id,
        contact_name=row.contact_name,
        campaign_id=row.campaign_id,
        campaign_name=row.campaign_name,
        state=row.state,
        owner_id=row.owner_id,
        owner_name=row.owner_name,
        claimed_by_id=row.claimed_by_id if held else None,
        claimed_by_name=row.claimed_by_name if held else None,
        claimed_until=row.claimed_until if held else None,
        updated_at=row.updated_at,
    )


def _checked_inn(data: CompanyInput, b2b: bool) -> str | None:
    """The card's INN, normalized (None when blank outside B2B). Raises InvalidFields listing
    every bad field of the card."""
    issues: list[FieldIssue] = []
    if not data.name.strip():
        issues.append(FieldIssue("name", "empty", "the company name must not be empty"))
    inn: str | None = None
    if data.inn is not None and data.inn.strip():
        try:
            inn = normalize_inn(data.inn)
        except InnError as error:
            issues.append(FieldIssue("inn", error.problem.value, str(error)))
    elif b2b:
        issues.append(
            FieldIssue("inn", "required", "a B2B campaign needs the company's INN to save it")
        )
    if issues:
        raise InvalidFields(issues)
    return inn


def _is_b2b(session: Session, campaign_id: int | None) -> bool:
    if campaign_id is None:
        return False
    b2b = session.scalar(select(Campaign.is_b2b).where(Campaign.id == campaign_id))
    if b2b is None:
        raise NotFound(f"campaign {campaign_id} does not exist")
    return bool(b2b)


def _refuse_taken_inn(session: Session, inn: str, own_id: int | None) -> None:
    owner = session.execute(select(Company.id, Company.name).where(Company.inn == inn)).first()
    if owner is not None and owner.id != own_id:
        raise InnTaken(inn, owner.id, owner.name)


def _normalized_inn(text: str) -> str:
    try:
        return normalize_inn(text)
    except InnError as error:
        raise InvalidFields([FieldIssue("inn", error.problem.value, str(error))]) from error


class CompanyService:
    """Finding and saving company cards; every method checks the actor's permission."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def find_by_inn(
        self, actor: Actor, inn: str, *, now: dt.datetime | None = None
    ) -> CompanyOverview | None:
        """The company with this INN and who works it, or None when the INN is new.

        Raises InvalidFields (field "inn") when the text is not a valid INN.
        """
        require(actor, Permission.WORK_QUEUE)
        digits = _normalized_inn(inn)
        with self._db.session() as session:
            company = session.scalar(select(Company).where(Company.inn == digits))
            if company is None:
                return None
            return self._overview(session, company, now or utcnow())

    def overview(
        self, actor: Actor, company_id: int, *, now: dt.datetime | None = None
    ) -> CompanyOverview:
        """The company, its contacts and who works it. Raises NotFound."""
        require(actor, Permission.WORK_QUEUE)
        with self._db.session() as session:
            company = session.get(Company, company_id)
            if company is None:
                raise NotFound(f"company {company_id} does not exist")
            return self._overview(session, company, now or utcnow())

    def save_company(
        self, actor: Actor, data: CompanyInput, campaign_id: int | None = None
    ) -> CompanyView:
        """Create or update a company card, within `campaign_id`'s rules.

        In a B2B campaign the INN is required. Raises InvalidFields listing every bad field,
        then InnTaken when the INN belongs to another company, NotFound for an unknown campaign
        or company. Nothing is written on any error.
        """
        require(actor, Permission.WORK_QUEUE)
        try:
            with write_session(self._db) as session:
                inn = _checked_inn(data, _is_b2b(session, campaign_id))
                if inn is not None:
                    _refuse_taken_inn(session, inn, data.company_id)
                company = self._company_for(session, data.company_id)
                company.name = data.name.strip()
                company.inn = inn
                company.city = _blank_to_none(data.city)
                company.region = _blank_to_none(data.region)
                company.time_zone = _blank_to_none(data.time_zone)
                session.flush()
                return _view(company)
        except IntegrityError:
            # Another operator saved the same INN between our check and our insert.
            inn = _checked_inn(data, b2b=False)
            if inn is not None:
                with self._db.session() as session:
                    _refuse_taken_inn(session, inn, data.company_id)
            raise

    @staticmethod
    def _company_for(session: Session, company_id: int | None) -> Company:
        if company_id is None:
            company = Company(name="")
            session.add(company)
            return company
        existing = session.get(Company, company_id)
        if existing is None:
            raise NotFound(f"company {company_id} does not exist")
        return existing

    @staticmethod
    def _overview(session: Session, company: Company, now: dt.datetime) -> CompanyOverview:
        contacts = q.contacts_by_company(session, [company.id])[company.id]
        work = cq.work_on_company(session, company.id)
        return CompanyOverview(
            company=_view(company),
            contacts=tuple(contact_view(row) for row in contacts),
            work=tuple(_work(row, now) for row in work),
        )
