"""Keeps `leads.client_zone` equal to the client's own time zone.

The client's zone is the contact's zone, else the zone of its first phone that has one
(NULL when neither has one: the campaign's zone applies). The queue reads it from the lead
row so that "is it calling time for this client" needs no join. Changes made through ORM
sessions are followed by the hook below; bulk writers call `client_zone_of` for the rows
they insert, or `refresh_client_zones` after a Core-level change of contacts or phones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from itertools import chain
from typing import Any, Final

from sqlalchemy import Connection, ScalarSelect, Table, bindparam, event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from operator_app.storage.models import Contact, Lead, Phone

LEADS: Final[Table] = Lead.__table__  # type: ignore[assignment]
CONTACTS: Final[Table] = Contact.__table__  # type: ignore[assignment]
PHONES: Final[Table] = Phone.__table__  # type: ignore[assignment]


def client_zone_of(contact_zone: str | None, phone_zones: Sequence[str | None]) -> str | None:
    """The rule, for rows a bulk writer is about to insert (phones in insertion order)."""
    return contact_zone or next((zone for zone in phone_zones if zone), None)


def _zone_of_contact() -> ScalarSelect[Any]:
    first_phone_zone = (
        select(PHONES.c.time_zone)
        .where(PHONES.c.contact_id == CONTACTS.c.id, PHONES.c.time_zone.is_not(None))
        .order_by(PHONES.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(func.coalesce(CONTACTS.c.time_zone, first_phone_zone))
        .where(CONTACTS.c.id == LEADS.c.contact_id)
        .scalar_subquery()
    )


def refresh_client_zones(connection: Connection, contact_ids: Collection[int]) -> None:
    """Recompute the zone of every lead of these contacts."""
    if not contact_ids:
        return
    connection.execute(
        LEADS.update()
        .where(LEADS.c.contact_id.in_(bindparam("contact_ids", expanding=True)))
        .values(client_zone=_zone_of_contact()),
        {"contact_ids": sorted(contact_ids)},
    )


def _changed(obj: object, *attributes: str) -> bool:
    state = instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _contacts_touched(
    new: Iterable[object], dirty: Iterable[object], deleted: Iterable[object]
) -> set[int]:
    new_objects = set(map(id, new))
    touched: set[int] = set()
    for obj in chain(new, dirty, deleted):
        created = id(obj) in new_objects
        if isinstance(obj, Lead) and created:
            touched.add(obj.contact_id)
        elif isinstance(obj, Contact) and not created and _changed(obj, "time_zone"):
            touched.add(obj.id)
        elif isinstance(obj, Phone) and (
            created or obj in deleted or _changed(obj, "time_zone", "contact_id")
        ):
            touched.add(obj.contact_id)
            history = instance_state(obj).attrs.contact_id.history
            touched.update(history.deleted or ())
    touched.discard(None)  # type: ignore[arg-type]
    return touched


@event.listens_for(Session, "after_flush")
def _follow_zone_changes(session: Session, _flush_context: Any) -> None:
    deleted = list(session.deleted)
    touched = _contacts_touched(list(session.new), list(session.dirty), deleted)
    if touched:
        refresh_client_zones(session.connection(), touched)
