"""task queue indexes: due tasks in offer order, and an operator's own open tasks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The id closes the order (due time, then id), so a bucket of due tasks is read along
    # the index and stops at the first callable client instead of sorting every due task.
    op.drop_index("ix_tasks_due", table_name="tasks")
    op.create_index("ix_tasks_due", "tasks", ["state", "due_at", "id"])
    op.create_index("ix_tasks_assignee", "tasks", ["assigned_to_id", "state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.drop_index("ix_tasks_due", table_name="tasks")
    op.create_index("ix_tasks_due", "tasks", ["state", "due_at"])
