"""Why an export could not be written."""

from __future__ import annotations

from pathlib import Path

from operator_app.core.errors import OperatorAppError

__all__ = ["ExportError", "ExportProblem", "TooManyRows"]


class ExportProblem:
    NO_FOLDER = "no_folder"
    IS_A_FOLDER = "is_a_folder"
    UNWRITABLE = "unwritable"


class ExportError(OperatorAppError):
    """The file cannot be written; `reason` is the system's words (e.g. "Permission denied")."""

    def __init__(self, path: Path, problem: str, reason: str) -> None:
        self.path = path
        self.problem = problem
        self.reason = reason
        super().__init__(f"{path}: cannot write the file: {reason}")


class TooManyRows(OperatorAppError):
    """An XLSX sheet holds at most 1,048,576 rows (the header included)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"more than {limit} rows do not fit in an XLSX sheet; export CSV instead")
