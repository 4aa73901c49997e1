"""the client's zone on the lead row

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same rule as operator_app/storage/client_zones.py: the contact's zone, else the zone of
# its first phone that has one.
BACKFILL = """
UPDATE leads SET client_zone = (
    SELECT coalesce(
        contacts.time_zone,
        (SELECT phones.time_zone FROM phones
         WHERE phones.contact_id = contacts.id AND phones.time_zone IS NOT NULL
         ORDER BY phones.id LIMIT 1)
    )
    FROM contacts WHERE contacts.id = leads.contact_id
)
"""


def upgrade() -> None:
    op.add_column("leads", sa.Column("client_zone", sa.String(length=64), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_leads_client_zone", "leads", ["client_zone"])


def downgrade() -> None:
    op.drop_index("ix_leads_client_zone", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("client_zone")
