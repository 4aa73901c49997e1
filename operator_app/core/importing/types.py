"""The public vocabulary of a lead-list import: its options, its outcome, and its errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from operator_app.core.errors import OperatorAppError

__all__ = [
    "CancelCheck",
    "DuplicateRow",
    "ImportCancelled",
    "ImportOptions",
    "ImportReport",
    "ProgressCallback",
    "RejectedRow",
    "RowProblem",
]

ABC_CLASSES = ("A", "B", "C")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    list_name: str
    hypothesis: str | None = None
    abc_class: str = "B"  # A | B | C
    priority: int = 50  # higher is called first
    campaign_name: str | None = None
    default_region: str = "RU"
    source: str | None = None  # key for the saved mapping; default: the file name


class RowProblem(StrEnum):
    NO_VALID_PHONE = "no_valid_phone"
    BAD_INN = "bad_inn"


@dataclass(frozen=True, slots=True)
class CellIssue:
    """Why one cell of a rejected row is unusable, in terms a translation can word.

    `problem` is a PhoneProblem value for phone columns, an InnProblem value for the INN
    column; "empty" when the cell has no text.
    """

    header: str
    value: str
    problem: str


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported; `reason` names the field and the value in plain English.

    `issues` says the same cell by cell, for interfaces that speak another language.
    """

    line_number: int
    cells: tuple[str, ...]
    problem: RowProblem
    reason: str
    issues: tuple[CellIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A row whose phone is already known: from a lead in the database or an earlier row."""

    line_number: int
    e164: str
    matched_lead_id: int | None
    matched_line_number: int | None


@dataclass(frozen=True, slots=True)
class ImportReport:
    list_id: int | None
    read: int
    imported: int
    duplicates: int
    rejected: int
    blocked: int
    rejected_rows: tuple[RejectedRow, ...]
    duplicate_rows: tuple[DuplicateRow, ...]

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "blocked": self.blocked,
        }


class ImportCancelled(OperatorAppError):
    """The person cancelled the import; nothing was written."""

    def __init__(self) -> None:
        super().__init__("the import was cancelled; nothing was imported")


ProgressCallback = Callable[[int, int], None]  # (rows processed, rows total)
CancelCheck = Callable[[], bool]
