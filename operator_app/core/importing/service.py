"""Importing a lead list: one transaction that lands every valid row of a file, or none.

Rows stream from the file in batches. Each batch is evaluated row by row (pure rules), then
checked against the database with one lookup per kind (known numbers, do-not-call numbers,
companies by INN) and written with one bulk insert per table. Cancelling between batches, or
any error, rolls the whole import back.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Final

import phonenumbers
from sqlalchemy import Connection

from operator_app.core.column_mapping import ColumnMapping
from operator_app.core.errors import ValidationFailed
from operator_app.core.importing.classify import PhoneRegistry, classify_batch
from operator_app.core.importing.mappings import layout_for, save_mapping, saved_mapping
from operator_app.core.importing.row_rules import AcceptedRow, RowContext, evaluate_row
from operator_app.core.importing.types import (
    ABC_CLASSES,
    CancelCheck,
    DuplicateRow,
    ImportCancelled,
    ImportOptions,
    ImportReport,
    ProgressCallback,
    RejectedRow,
)
from operator_app.core.importing.writer import BatchWriter, ListTarget
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.tabular import Table
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import import_queries as queries

__all__ = ["BATCH_ROWS", "import_list", "save_mapping", "saved_mapping"]

BATCH_ROWS: Final = 2000
# The zone of a client nothing else tells, when the list goes to no campaign: Moscow time,
# as for a campaign created without one. It is always marked as a guess.
FALLBACK_TIME_ZONE: Final = "Europe/Moscow"

_LIST_NAME_WIDTH: Final = 200
_SOURCE_WIDTH: Final = 300
_PRIORITY_RANGE: Final = range(0, 32768)  # a SMALLINT that is never negative


def import_list(
    database: Database,
    actor: Actor,
    table: Table,
    mapping: ColumnMapping,
    options: ImportOptions,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportReport:
    """Import every row of `table` into a new list named options.list_name.

    Raises PermissionDenied, ValidationFailed (list name taken, unknown campaign, bad
    options), MappingError, TableError (the file became unreadable), ImportCancelled.
    """
    require(actor, Permission.IMPORT_LISTS)
    list_name = _check_options(options)
    layout = layout_for(mapping, table.info.headers)
    source = (options.source or table.info.path.name)[:_SOURCE_WIDTH]
    total = table.info.row_count

    with queries.bulk_transaction(database) as connection:
        target, default_zone = _create_list(connection, actor, list_name, source, options)
        run = _ImportRun(
            connection, target, RowContext(layout, options.default_region, default_zone)
        )
        for batch in _batches(table):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            run.add(batch)
            if progress is not None:
                progress(run.read, max(total, run.read))
        if progress is not None and run.read != total:
            progress(run.read, run.read)  # the row count was an estimate: end at 100 %
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        report = run.report()
        queries.update_list_counts(connection, target.list_id, report.counts())
    return report


def _create_list(
    connection: Connection, actor: Actor, list_name: str, source: str, options: ImportOptions
) -> tuple[ListTarget, str]:
    """Insert the lead_lists row; returns where leads go and the clients' default zone."""
    if queries.list_name_taken(connection, list_name):
        raise _list_name_taken(list_name)
    campaign_id, default_zone = None, FALLBACK_TIME_ZONE
    if options.campaign_name is not None:
        campaign = queries.campaign_by_name(connection, options.campaign_name)
        if campaign is None:
            raise ValidationFailed(
                "campaign", "unknown", f"there is no campaign named '{options.campaign_name}'"
            )
        campaign_id, default_zone = campaign
    user_id = queries.existing_user_id(connection, actor.user_id)
    try:
        list_id = queries.insert_list(
            connection,
            {
                "name": list_name,
                "source": source,
                "hypothesis": (options.hypothesis or "").strip() or None,
                "abc_class": options.abc_class,
                "priority": options.priority,
                "campaign_id": campaign_id,
                "created_at": utcnow(),
                "created_by_id": user_id,
            },
        )
    except queries.ListNameTaken as error:
        raise _list_name_taken(list_name) from error
    return ListTarget(list_id, campaign_id, options.priority, user_id), default_zone


class _ImportRun:
    """The rows of one import so far: evaluates, sorts and writes batch after batch."""

    def __init__(self, connection: Connection, target: ListTarget, context: RowContext) -> None:
        self._connection = connection
        self._target = target
        self._context = context
        self._writer = BatchWriter(connection, target)
        self._registry = PhoneRegistry()
        self._lead_by_line: dict[int, int] = {}
        self._rejected: list[RejectedRow] = []
        self._duplicates: list[DuplicateRow] = []
        self.read = 0
        self._kept = 0
        self._blocked = 0

    def add(self, batch: list[tuple[int, list[str]]]) -> None:
        context = self._context
        accepted: list[AcceptedRow] = []
        for line_number, cells in batch:
            outcome = evaluate_row(line_number, cells, context)
            if isinstance(outcome, RejectedRow):
                self._rejected.append(outcome)
            else:
                accepted.append(outcome)
        unseen = self._registry.unseen(accepted)
        verdict = classify_batch(
            accepted,
            self._registry,
            queries.lead_ids_by_phone(self._connection, unseen),
            queries.do_not_call_numbers(self._connection, unseen),
        )
        lead_ids = self._writer.write(verdict.kept, verdict.blocked)
        for row, lead_id, is_blocked in zip(verdict.kept, lead_ids, verdict.blocked, strict=True):
            self._lead_by_line[row.line_number] = lead_id
            self._blocked += is_blocked
        self._kept += len(verdict.kept)
        for pending in verdict.duplicates:
            matched_lead = pending.matched_lead_id
            if pending.matched_line_number is not None:
                # An earlier row of this file: name the lead it became as well.
                matched_lead = self._lead_by_line[pending.matched_line_number]
            self._duplicates.append(
                DuplicateRow(
                    pending.line_number, pending.e164, matched_lead, pending.matched_line_number
                )
            )
        self.read += len(batch)

    def report(self) -> ImportReport:
        return ImportReport(
            list_id=self._target.list_id,
            read=self.read,
            imported=self._kept - self._blocked,
            duplicates=len(self._duplicates),
            rejected=len(self._rejected),
            blocked=self._blocked,
            rejected_rows=tuple(self._rejected),
            duplicate_rows=tuple(self._duplicates),
        )


def _batches(table: Table) -> Iterator[list[tuple[int, list[str]]]]:
    rows = table.rows()
    try:
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            yield batch
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _check_options(options: ImportOptions) -> str:
    """The list name, stripped, once every option is acceptable."""
    name = " ".join(options.list_name.split())
    if not name:
        raise ValidationFailed("list_name", "empty", "the list needs a name")
    if len(name) > _LIST_NAME_WIDTH:
        raise ValidationFailed(
            "list_name",
            "too_long",
            f"the list name may have at most {_LIST_NAME_WIDTH} characters",
        )
    if options.abc_class not in ABC_CLASSES:
        raise ValidationFailed(
            "abc_class", "unknown", f"the ABC class must be A, B or C, not '{options.abc_class}'"
        )
    if options.priority not in _PRIORITY_RANGE:
        raise ValidationFailed(
            "priority",
            "out_of_range",
            f"the priority must be between {_PRIORITY_RANGE.start} and {_PRIORITY_RANGE.stop - 1}",
        )
    if options.default_region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed(
            "default_region",
            "unknown",
            f"'{options.default_region}' is not a country code phone numbers know (such as RU)",
        )
    return name


def _list_name_taken(name: str) -> ValidationFailed:
    return ValidationFailed("list_name", "exists", f"a list named '{name}' already exists")
