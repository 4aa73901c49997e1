"""each finished call knows when its lead's previous finished call started, kept by triggers

"Taken into work" counts the leads worked in a period. A call of the period whose lead's
previous call started before the period (or that has none) is the lead's first in it, so
the reports count those calls on the rows their pass reads anyway, instead of counting
distinct leads (a sort of every call of the period). Triggers keep the column whoever writes
calls (the app, the demo, an administrator's SQL), in any order.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import operator_app.storage.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REPORT_COLUMNS = [
    "started_at",
    "operator_id",
    "disposition",
    "lead_id",
    "talk_seconds",
    "script_version_id",
    "last_step_id",
    "id",
]
REPORT_COLUMNS = [*OLD_REPORT_COLUMNS[:-1], "previous_call_at", "id"]


def _previous_of(lead: str) -> str:
    """When the finished call before the row being updated started (the same lead's)."""
    return (
        "(SELECT p.started_at FROM call_attempts p"
        f" WHERE p.lead_id = {lead} AND p.disposition IS NOT NULL"
        " AND (p.started_at, p.id) < (call_attempts.started_at, call_attempts.id)"
        " ORDER BY p.started_at DESC, p.id DESC LIMIT 1)"
    )


def _relink(lead: str, differs: str) -> str:
    """Set the lead's finished calls' previous start where it is wrong (usually only on the
    new call, and on the one after it when a call arrives out of order)."""
    previous = _previous_of(lead)
    return (
        f"UPDATE call_attempts SET previous_call_at = {previous}"
        f" WHERE lead_id = {lead} AND disposition IS NOT NULL"
        f" AND previous_call_at {differs} {previous}"
    )


def _sqlite_relink(lead: str) -> str:
    return _relink(lead, "IS NOT")


SQLITE_TRIGGERS = (
    "CREATE TRIGGER call_attempts_previous_call_insert AFTER INSERT ON call_attempts"
    f" WHEN NEW.disposition IS NOT NULL BEGIN {_sqlite_relink('NEW.lead_id')}; END",
    "CREATE TRIGGER call_attempts_previous_call_update"
    " AFTER UPDATE OF disposition, started_at, lead_id ON call_attempts BEGIN"
    f" UPDATE call_attempts SET previous_call_at = NULL"
    " WHERE id = NEW.id AND NEW.disposition IS NULL;"
    f" {_sqlite_relink('NEW.lead_id')};"
    f" {_sqlite_relink('OLD.lead_id')} AND OLD.lead_id <> NEW.lead_id; END",
    "CREATE TRIGGER call_attempts_previous_call_delete AFTER DELETE ON call_attempts"
    f" WHEN OLD.disposition IS NOT NULL BEGIN {_sqlite_relink('OLD.lead_id')}; END",
)

# PostgreSQL sets a new call's own column before the row is written (no second version of
# it) and repairs the one call after it, if the new call arrived out of order. The lead row
# is locked first (FOR NO KEY UPDATE: rows referencing the lead may still be inserted
# meanwhile; the app's own saves hold a stronger lock already), so two calls of one lead
# saved at the same moment are linked one after the other, each seeing the other.
_LOCK_LEAD = "PERFORM 1 FROM leads WHERE id = {lead} FOR NO KEY UPDATE;"
POSTGRESQL_FUNCTIONS = (
    "CREATE FUNCTION link_calls_of_lead(target bigint) RETURNS void"
    " LANGUAGE plpgsql AS $$ BEGIN "
    + _LOCK_LEAD.format(lead="target")
    + f" {_relink('target', 'IS DISTINCT FROM')};"
    " END $$",
    "CREATE FUNCTION call_attempts_link_new_call() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN "
    + _LOCK_LEAD.format(lead="NEW.lead_id")
    + " NEW.previous_call_at := (SELECT p.started_at FROM call_attempts p"
    " WHERE p.lead_id = NEW.lead_id AND p.disposition IS NOT NULL"
    " AND (p.started_at, p.id) < (NEW.started_at, NEW.id)"
    " ORDER BY p.started_at DESC, p.id DESC LIMIT 1);"
    " UPDATE call_attempts SET previous_call_at = NEW.started_at WHERE id = ("
    "SELECT n.id FROM call_attempts n"
    " WHERE n.lead_id = NEW.lead_id AND n.disposition IS NOT NULL"
    " AND (n.started_at, n.id) > (NEW.started_at, NEW.id)"
    " ORDER BY n.started_at, n.id LIMIT 1)"
    " AND previous_call_at IS DISTINCT FROM NEW.started_at;"
    " RETURN NEW; END $$",
    "CREATE FUNCTION call_attempts_previous_call() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'UPDATE' AND NEW.disposition IS NULL AND NEW.previous_call_at IS NOT NULL"
    " THEN UPDATE call_attempts SET previous_call_at = NULL WHERE id = NEW.id; END IF;"
    " IF TG_OP = 'UPDATE' THEN PERFORM link_calls_of_lead(NEW.lead_id); END IF;"
    " IF TG_OP = 'DELETE' OR OLD.lead_id <> NEW.lead_id THEN"
    " PERFORM link_calls_of_lead(OLD.lead_id); END IF;"
    " RETURN NULL; END $$",
)
POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER call_attempts_previous_call_insert BEFORE INSERT ON call_attempts"
    " FOR EACH ROW WHEN (NEW.disposition IS NOT NULL)"
    " EXECUTE FUNCTION call_attempts_link_new_call()",
    "CREATE TRIGGER call_attempts_previous_call_update"
    " AFTER UPDATE OF disposition, started_at, lead_id ON call_attempts"
    " FOR EACH ROW EXECUTE FUNCTION call_attempts_previous_call()",
    "CREATE TRIGGER call_attempts_previous_call_delete AFTER DELETE ON call_attempts"
    " FOR EACH ROW WHEN (OLD.disposition IS NOT NULL)"
    " EXECUTE FUNCTION call_attempts_previous_call()",
)
TRIGGER_NAMES = (
    "call_attempts_previous_call_insert",
    "call_attempts_previous_call_update",
    "call_attempts_previous_call_delete",
)

BACKFILL = (
    "UPDATE call_attempts SET previous_call_at = ranked.previous FROM ("
    " SELECT id, lag(started_at) OVER (PARTITION BY lead_id ORDER BY started_at, id)"
    " AS previous FROM call_attempts WHERE disposition IS NOT NULL) AS ranked"
    " WHERE ranked.id = call_attempts.id AND ranked.previous IS NOT NULL"
)


def upgrade() -> None:
    op.add_column(
        "call_attempts",
        sa.Column(
            "previous_call_at",
            operator_app.storage.base.UtcDateTime(timezone=True),
            nullable=True,
        ),
    )
    op.execute(BACKFILL)
    op.drop_index("ix_call_attempts_report", table_name="call_attempts")
    op.create_index("ix_call_attempts_report", "call_attempts", REPORT_COLUMNS)
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}" + (" ON call_attempts" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION call_attempts_previous_call()")
        op.execute("DROP FUNCTION call_attempts_link_new_call()")
        op.execute("DROP FUNCTION link_calls_of_lead(bigint)")
    op.drop_index("ix_call_attempts_report", table_name="call_attempts")
    op.create_index("ix_call_attempts_report", "call_attempts", OLD_REPORT_COLUMNS)
    op.drop_column("call_attempts", "previous_call_at")
