"""report indexes: the dashboard reads calls by period and outcome, objections by id

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_COLUMNS = [
    "started_at",
    "operator_id",
    "disposition",
    "lead_id",
    "talk_seconds",
    "script_version_id",
    "last_step_id",
    "id",  # PostgreSQL reads an index alone only when it holds every column used
]


def upgrade() -> None:
    op.create_index("ix_call_attempts_report", "call_attempts", REPORT_COLUMNS)
    op.create_index(
        "ix_call_attempts_outcome", "call_attempts", ["disposition", "started_at", "lead_id"]
    )
    op.create_index(
        "ix_script_answers_objection", "script_answers", ["objection_id", "call_id", "step_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_script_answers_objection", table_name="script_answers")
    op.drop_index("ix_call_attempts_outcome", table_name="call_attempts")
    op.drop_index("ix_call_attempts_report", table_name="call_attempts")
