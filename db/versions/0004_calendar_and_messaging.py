"""client preferences, channel settings, calendar and outbox indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "client_preferences",
        sa.Column("id", BigId, primary_key=True),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey(
                "contacts.id",
                ondelete="CASCADE",
                name="fk_client_preferences_contact_id_contacts",
            ),
            nullable=False,
        ),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(12), nullable=True),
        sa.Column("contact_time", sa.String(200), nullable=True),
        sa.Column("wants_earlier", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "updated_by_id",
            sa.Integer(),
            sa.ForeignKey(
                "users.id", ondelete="SET NULL", name="fk_client_preferences_updated_by_id_users"
            ),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_client_preferences"),
        sa.UniqueConstraint("contact_id", name="uq_client_preferences_contact_id"),
    )
    op.create_table(
        "channel_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channel_settings"),
        sa.UniqueConstraint("channel", name="uq_channel_settings_channel"),
    )
    op.create_index("ix_visits_resource_starts", "visits", ["resource_id", "starts_at"])
    op.create_index("ix_outgoing_messages_due", "outgoing_messages", ["state", "send_after"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_messages_due", table_name="outgoing_messages")
    op.drop_index("ix_visits_resource_starts", table_name="visits")
    op.drop_table("channel_settings")
    op.drop_table("client_preferences")
