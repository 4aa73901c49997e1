"""Alembic environment: runs against the engine operator_app hands in (see storage/migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import operator_app.storage.models  # noqa: F401 - registers every table
from operator_app.storage.base import Base

config = context.config
engine: Engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
