"""The bulk queries of a lead-list import: set-based lookups per batch and Core inserts.

Every function takes the Connection of the import's single transaction. Lookups take whole
batches of keys and run one IN query per chunk on an indexed column, so an import never loads
the phones already in the database and never queries row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Dialect,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute

from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    Campaign,
    Company,
    Contact,
    DoNotCall,
    ImportMapping,
    Lead,
    LeadList,
    Phone,
    User,
)

__all__ = [
    "AUDIT_LOG",
    "COMPANIES",
    "CONTACTS",
    "LEADS",
    "PHONES",
    "ListNameTaken",
    "bulk_transaction",
    "campaign_by_name",
    "companies_by_inn",
    "do_not_call_numbers",
    "existing_user_id",
    "first_active_admin_id",
    "insert_list",
    "insert_rows",
    "lead_ids_by_phone",
    "list_name_taken",
    "load_mapping",
    "reserve_ids",
    "store_mapping",
    "update_list_counts",
]

COMPANIES: Final[Table] = Company.__table__  # type: ignore[assignment]
CONTACTS: Final[Table] = Contact.__table__  # type: ignore[assignment]
PHONES: Final[Table] = Phone.__table__  # type: ignore[assignment]
LEADS: Final[Table] = Lead.__table__  # type: ignore[assignment]
AUDIT_LOG: Final[Table] = AuditEntry.__table__  # type: ignore[assignment]

# Well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
_KEYS_PER_QUERY: Final = 5000

_T = TypeVar("_T")


class ListNameTaken(Exception):
    """Another list with this name was created while the import was starting."""


@contextmanager
def bulk_transaction(database: Database) -> Iterator[Connection]:
    """One transaction for a whole import: committed on success, rolled back on any error.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): ids are reserved by reading
    the current maximum, which is only safe while no other writer can run.
    """
    with (
        database.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection,
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            # Foreign-key checks run cached plans. Planned while a referenced table was small
            # (companies in a new database, or rows this import just added), a plan scans the
            # whole table, and every inserted row then pays for a scan that grows with the
            # import. Re-plan, this time by index.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("DISCARD PLANS")
        yield connection


def _chunks(keys: Iterable[_T]) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for key in keys:
        chunk.append(key)
        if len(chunk) == _KEYS_PER_QUERY:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _among(
    connection: Connection, column: QueryableAttribute[Any], keys: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN keys`; on PostgreSQL as `= ANY(array)`, one parameter that is cheaper to
    send and plan than thousands."""
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(None, keys, type_=ARRAY(column.type)))
    return column.in_(keys)


def existing_user_id(connection: Connection, user_id: int) -> int | None:
    """The id when such a user exists (created_by columns may only point at real users)."""
    found = connection.scalar(select(User.id).where(User.id == user_id))
    return found


def first_active_admin_id(database: Database) -> int | None:
    with database.engine.connect() as connection:
        return connection.scalar(
            select(User.id)
            .where(User.role == "admin", User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        )


def campaign_by_name(connection: Connection, name: str) -> tuple[int, str] | None:
    """(id, default time zone) of the campaign with this name."""
    row = connection.execute(
        select(Campaign.id, Campaign.time_zone).where(Campaign.name == name)
    ).first()
    return None if row is None else (row[0], row[1])


def list_name_taken(connection: Connection, name: str) -> bool:
    return connection.scalar(select(LeadList.id).where(LeadList.name == name)) is not None


def insert_list(connection: Connection, values: Mapping[str, Any]) -> int:
    """Insert a lead_lists row and return its id; raises ListNameTaken on a name clash."""
    try:
        list_id = connection.scalar(insert(LeadList).values(**values).returning(LeadList.id))
    except IntegrityError as error:
        raise ListNameTaken(str(values.get("name"))) from error
    assert list_id is not None
    return int(list_id)


def update_list_counts(connection: Connection, list_id: int, counts: Mapping[str, int]) -> None:
    connection.execute(
        update(LeadList)
        .where(LeadList.id == list_id)
        .values(
            rows_read=counts["read"],
            rows_imported=counts["imported"],
            rows_duplicate=counts["duplicates"],
            rows_rejected=counts["rejected"],
            rows_blocked=counts["blocked"],
        )
    )


def lead_ids_by_phone(connection: Connection, numbers: Iterable[str]) -> dict[str, int | None]:
    """For each number already in phones: the lowest id of a lead of its contact (None if the
    contact has no lead). Numbers not in the database are absent from the result."""
    # Two index lookups rather than one join: with a join PostgreSQL may choose to scan all
    # leads for every batch.
    contact_by_number: dict[str, int] = {}
    for chunk in _chunks(numbers):
        phones = connection.execute(
            select(Phone.e164, Phone.contact_id).where(_among(connection, Phone.e164, chunk))
        )
        for e164, contact_id in phones:
            contact_by_number.setdefault(e164, contact_id)
    lead_by_contact: dict[int, int] = {}
    for contacts in _chunks(set(contact_by_number.values())):
        leads = connection.execute(
            select(Lead.contact_id, func.min(Lead.id))
            .where(_among(connection, Lead.contact_id, contacts))
            .group_by(Lead.contact_id)
        )
        for contact_id, lead_id in leads:
            lead_by_contact[contact_id] = lead_id
    return {e164: lead_by_contact.get(contact_id) for e164, contact_id in contact_by_number.items()}


def do_not_call_numbers(connection: Connection, numbers: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(numbers):
        found.update(
            connection.scalars(
                select(DoNotCall.e164).where(_among(connection, DoNotCall.e164, chunk))
            )
        )
    return found


def companies_by_inn(connection: Connection, inns: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(inns):
        rows = connection.execute(
            select(Company.inn, Company.id).where(_among(connection, Company.inn, chunk))
        )
        for inn, company_id in rows:
            found[inn] = company_id
    return found


def reserve_ids(connection: Connection, table: Table, count: int) -> Sequence[int]:
    """Primary keys for `count` new rows, so related rows can be inserted without RETURNING.

    PostgreSQL draws them from the column's sequence. SQLite continues after the current
    maximum, which is safe because bulk_transaction holds the write lock.
    """
    if count <= 0:
        return ()
    if connection.dialect.name == "postgresql":
        sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        return list(
            connection.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            )
        )
    highest = connection.scalar(select(func.max(table.c.id))) or 0
    return range(highest + 1, highest + 1 + count)


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """One executemany INSERT of `rows` (values in the order of `columns`); `constants` are
    values every row shares.

    This is the importer's hot path, so it goes to the driver directly: each value is
    converted by its column type's bind processor as SQLAlchemy would (JSON, UTC datetimes,
    booleans), a shared value only once, and the driver gets plain tuples.
    """
    if not rows:
        return
    dialect = connection.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    constants = dict(constants or {})
    if placeholder is None:  # a driver this app does not ship with: let SQLAlchemy do it all
        connection.execute(
            insert(table), [{**constants, **dict(zip(columns, row, strict=True))} for row in rows]
        )
        return
    processors = [_bind_processor(table, name, dialect) for name in columns]
    shared = tuple(
        value if process is None else process(value)
        for value, process in (
            (value, _bind_processor(table, name, dialect)) for name, value in constants.items()
        )
    )
    converting = [(index, process) for index, process in enumerate(processors) if process]
    if converting:
        prepared = []
        for row in rows:
            values = list(row)
            for index, process in converting:
                values[index] = process(values[index])
            prepared.append((*values, *shared))
    else:
        prepared = [(*row, *shared) for row in rows]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in (*columns, *constants))
    if dialect.driver == "psycopg":
        # COPY takes rows about ten times faster than row-by-row INSERTs on PostgreSQL.
        psycopg_connection: Any = connection.connection.driver_connection
        with (
            psycopg_connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy,
        ):
            for record in prepared:
                copy.write_row(record)
        return
    placeholders = ", ".join([placeholder] * (len(columns) + len(constants)))
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({names}) VALUES ({placeholders})", prepared
    )


_PLACEHOLDERS: Final = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _bind_processor(table: Table, column: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    column_type = table.c[column].type
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def load_mapping(database: Database, source: str) -> dict[str, Any] | None:
    with database.engine.connect() as connection:
        return connection.scalar(
            select(ImportMapping.mapping).where(ImportMapping.source == source)
        )


def store_mapping(database: Database, source: str, mapping: dict[str, Any]) -> None:
    """Insert or replace the saved mapping of a source."""
    with database.engine.begin() as connection:
        updated = connection.execute(
            update(ImportMapping)
            .where(ImportMapping.source == source)
            .values(mapping=mapping, updated_at=utcnow())
        )
        if updated.rowcount == 0:
            connection.execute(
                insert(ImportMapping).values(source=source, mapping=mapping, updated_at=utcnow())
            )
