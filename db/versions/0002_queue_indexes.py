"""queue indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_leads_list_queue", "leads", ["list_id", "state", "source", "id"])
    op.create_index("ix_leads_arrivals", "leads", ["source", "state", "created_at"])
    op.create_index("ix_leads_updated_at", "leads", ["updated_at"])
    op.create_index("ix_leads_claimed_until", "leads", ["claimed_until"])


def downgrade() -> None:
    op.drop_index("ix_leads_claimed_until", table_name="leads")
    op.drop_index("ix_leads_updated_at", table_name="leads")
    op.drop_index("ix_leads_arrivals", table_name="leads")
    op.drop_index("ix_leads_list_queue", table_name="leads")
