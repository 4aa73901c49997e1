"""Importing lead lists: row rules, the bulk import service, and saved column mappings.

The public API: `import_list`, `saved_mapping`, `save_mapping` (service) and the types in
`operator_app.core.importing.types`.
"""

from operator_app.core.importing.service import import_list, save_mapping, saved_mapping
from operator_app.core.importing.types import (
    CancelCheck,
    CellIssue,
    DuplicateRow,
    ImportCancelled,
    ImportOptions,
    ImportReport,
    ProgressCallback,
    RejectedRow,
    RowProblem,
)

__all__ = [
    "CancelCheck",
    "CellIssue",
    "DuplicateRow",
    "ImportCancelled",
    "ImportOptions",
    "ImportReport",
    "ProgressCallback",
    "RejectedRow",
    "RowProblem",
    "import_list",
    "save_mapping",
    "saved_mapping",
]
