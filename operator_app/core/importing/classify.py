"""Sorting a batch of accepted rows into new leads, blocked leads and duplicates.

A row is a duplicate when any of its numbers is already known: from a row imported earlier
in the same file, or from the database. Rows whose numbers are on the do-not-call list are
kept, but as blocked leads. Decided here from lookups the caller made for the whole batch.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from operator_app.core.importing.row_rules import AcceptedRow

__all__ = ["BatchVerdict", "PendingDuplicate", "PhoneRegistry", "classify_batch"]


@dataclass(frozen=True, slots=True)
class PendingDuplicate:
    """A duplicate row; the lead of an in-file match is looked up once its id is known."""

    line_number: int
    e164: str
    matched_lead_id: int | None
    matched_line_number: int | None


@dataclass(slots=True)
class BatchVerdict:
    kept: list[AcceptedRow] = field(default_factory=list)
    blocked: list[bool] = field(default_factory=list)
    """Parallel to `kept`: whether the row becomes a blocked lead."""
    duplicates: list[PendingDuplicate] = field(default_factory=list)


@dataclass(slots=True)
class PhoneRegistry:
    """Numbers this import has already taken, with the row each came from."""

    line_by_number: dict[str, int] = field(default_factory=dict)

    def unseen(self, rows: Iterable[AcceptedRow]) -> set[str]:
        """The rows' numbers this import has not taken yet: those worth a database lookup."""
        known = self.line_by_number
        return {phone.e164 for row in rows for phone in row.phones if phone.e164 not in known}


def classify_batch(
    rows: Sequence[AcceptedRow],
    registry: PhoneRegistry,
    in_database: Mapping[str, int | None],
    do_not_call: Collection[str],
) -> BatchVerdict:
    """Decide each row in file order; kept rows' numbers are added to the registry.

    `in_database` maps numbers already in the database to a lead of theirs (or None);
    `do_not_call` holds the batch's numbers that are on the do-not-call list.
    """
    verdict = BatchVerdict()
    taken = registry.line_by_number
    for row in rows:
        duplicate = _first_match(row, taken, in_database)
        if duplicate is not None:
            verdict.duplicates.append(duplicate)
            continue
        verdict.kept.append(row)
        verdict.blocked.append(any(phone.e164 in do_not_call for phone in row.phones))
        for phone in row.phones:
            taken[phone.e164] = row.line_number
    return verdict


def _first_match(
    row: AcceptedRow, taken: Mapping[str, int], in_database: Mapping[str, int | None]
) -> PendingDuplicate | None:
    for phone in row.phones:
        line = taken.get(phone.e164)
        if line is not None:
            return PendingDuplicate(row.line_number, phone.e164, None, line)
        if phone.e164 in in_database:
            return PendingDuplicate(row.line_number, phone.e164, in_database[phone.e164], None)
    return None
