"""Writing one batch of kept rows: companies, contacts, phones, leads and their audit rows.

Ids are reserved up front so every table gets one bulk insert per batch (no RETURNING),
with no per-row statements and no ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection

from operator_app.core.importing.row_rules import AcceptedRow, CompanyRecord
from operator_app.storage.base import utcnow
from operator_app.storage.client_zones import client_zone_of
from operator_app.storage.lead_states import LeadState
from operator_app.storage.repositories import import_queries as queries

__all__ = ["LEAD_STATE_BLOCKED", "LEAD_STATE_NEW", "BatchWriter", "ListTarget"]

# Plain strings: drivers may write an enum member by its name rather than its value.
LEAD_STATE_NEW: Final = LeadState.NEW.value
LEAD_STATE_BLOCKED: Final = LeadState.BLOCKED.value
_LEAD_SOURCE: Final = "list"
_AUDIT_ACTION: Final = "imported"

_CONTACT_COLUMNS: Final = (
    "id",
    "company_id",
    "full_name",
    "position",
    "email",
    "city",
    "region",
    "time_zone",
    "time_zone_guessed",
    "comment",
    "custom_fields",
)
_PHONE_COLUMNS: Final = (
    "contact_id",
    "e164",
    "kind",
    "extension",
    "region_code",
    "time_zone",
    "time_zone_guessed",
    "raw",
)

_CompanyKey = tuple[str, str]
"""("inn", digits) or, for a company without an INN, ("name", case-folded name)."""


@dataclass(frozen=True, slots=True)
class ListTarget:
    """Where the leads go and who creates them."""

    list_id: int
    campaign_id: int | None
    priority: int
    user_id: int | None


class BatchWriter:
    """Writes kept rows; remembers companies across batches so an INN gets one company."""

    def __init__(self, connection: Connection, target: ListTarget) -> None:
        self._connection = connection
        self._target = target
        self._company_ids: dict[_CompanyKey, int] = {}

    def write(self, rows: Sequence[AcceptedRow], blocked: Sequence[bool]) -> list[int]:
        """Insert the rows; returns the new lead ids, parallel to `rows`."""
        if not rows:
            return []
        connection = self._connection
        now = utcnow()
        company_ids = self._companies(rows, now)
        contact_ids = queries.reserve_ids(connection, queries.CONTACTS, len(rows))
        lead_ids = queries.reserve_ids(connection, queries.LEADS, len(rows))

        contacts: list[tuple[Any, ...]] = []
        phones: list[tuple[Any, ...]] = []
        leads: list[tuple[int, int, str, str | None]] = []
        for row, is_blocked, company_id, contact_id, lead_id in zip(
            rows, blocked, company_ids, contact_ids, lead_ids, strict=True
        ):
            contacts.append(
                (
                    contact_id,
                    company_id,
                    row.full_name,
                    row.position,
                    row.email,
                    row.city,
                    row.region,
                    row.time_zone,
                    row.time_zone_guessed,
                    row.comment,
                    row.custom_fields,
                )
            )
            for phone in row.phones:
                phones.append(
                    (
                        contact_id,
                        phone.e164,
                        phone.kind,
                        phone.extension,
                        phone.region_code,
                        phone.time_zone,
                        phone.time_zone_guessed,
                        phone.raw,
                    )
                )
            state = LEAD_STATE_BLOCKED if is_blocked else LEAD_STATE_NEW
            zone = client_zone_of(row.time_zone, [phone.time_zone for phone in row.phones])
            leads.append((lead_id, contact_id, state, zone))

        target = self._target
        queries.insert_rows(
            connection, queries.CONTACTS, _CONTACT_COLUMNS, contacts, {"created_at": now}
        )
        queries.insert_rows(connection, queries.PHONES, _PHONE_COLUMNS, phones, {"verified": False})
        queries.insert_rows(
            connection,
            queries.LEADS,
            ("id", "contact_id", "state", "client_zone"),
            leads,
            {
                "campaign_id": target.campaign_id,
                "list_id": target.list_id,
                "source": _LEAD_SOURCE,
                "priority": target.priority,
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            },
        )
        # The rows storage.audit.audit_rows describes, one INSERT per state so that "after"
        # is serialised once; a created lead had no state before, so "before" stays NULL.
        for state in (LEAD_STATE_NEW, LEAD_STATE_BLOCKED):
            queries.insert_rows(
                connection,
                queries.AUDIT_LOG,
                ("entity_id",),
                [
                    (lead_id,)
                    for lead_id, _contact_id, lead_state, _zone in leads
                    if lead_state == state
                ],
                {
                    "at": now,
                    "user_id": target.user_id,
                    "entity": "lead",
                    "action": _AUDIT_ACTION,
                    "after": {"state": state},
                },
            )
        return list(lead_ids)

    def _companies(self, rows: Sequence[AcceptedRow], now: dt.datetime) -> list[int | None]:
        """Each row's company id: this import's, an existing one with the INN, or a new one."""
        known = self._company_ids
        wanted_inns = {
            row.company.inn
            for row in rows
            if row.company is not None
            and row.company.inn is not None
            and ("inn", row.company.inn) not in known
        }
        if wanted_inns:
            for inn, company_id in queries.companies_by_inn(self._connection, wanted_inns).items():
                known["inn", inn] = company_id

        new: dict[_CompanyKey, CompanyRecord] = {}
        for row in rows:
            if row.company is not None:
                key = _company_key(row.company)
                if key not in known and key not in new:
                    new[key] = row.company
        if new:
            ids = queries.reserve_ids(self._connection, queries.COMPANIES, len(new))
            records = []
            for (key, company), company_id in zip(new.items(), ids, strict=True):
                known[key] = company_id
                records.append(
                    (
                        company_id,
                        company.name,
                        company.inn,
                        company.city,
                        company.region,
                        company.time_zone,
                    )
                )
            queries.insert_rows(
                self._connection,
                queries.COMPANIES,
                ("id", "name", "inn", "city", "region", "time_zone"),
                records,
                {"created_at": now},
            )
        return [None if row.company is None else known[_company_key(row.company)] for row in rows]


def _company_key(company: CompanyRecord) -> _CompanyKey:
    if company.inn is not None:
        return ("inn", company.inn)
    return ("name", " ".join(company.name.casefold().split()))
