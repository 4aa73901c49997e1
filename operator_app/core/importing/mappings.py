"""Column mappings for an import: the saved one per source, and the row layout a file gets."""

from __future__ import annotations

import json
from collections.abc import Sequence

from operator_app.core.column_mapping import ColumnMapping, ResolvedMapping
from operator_app.core.errors import ValidationFailed
from operator_app.core.importing.row_rules import Column, RowLayout
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.database import Database
from operator_app.storage.repositories import import_queries

__all__ = ["layout_for", "save_mapping", "saved_mapping"]

_SOURCE_WIDTH = 300


def saved_mapping(database: Database, source: str) -> ColumnMapping | None:
    """The mapping saved for this source (e.g. a supplier's file name), if any.

    Raises MappingError when the stored mapping is damaged.
    """
    document = import_queries.load_mapping(database, source)
    if document is None:
        return None
    return ColumnMapping.from_json(json.dumps(document))


def save_mapping(database: Database, actor: Actor, source: str, mapping: ColumnMapping) -> None:
    """Remember the mapping for files from this source, replacing an earlier one."""
    require(actor, Permission.IMPORT_LISTS)
    source = source.strip()
    if not source:
        raise ValidationFailed("source", "empty", "a saved mapping needs a source name")
    if len(source) > _SOURCE_WIDTH:
        raise ValidationFailed(
            "source", "too_long", f"the source name may have at most {_SOURCE_WIDTH} characters"
        )
    import_queries.store_mapping(database, source, json.loads(mapping.to_json()))


def layout_for(mapping: ColumnMapping, headers: Sequence[str]) -> RowLayout:
    """Where each field is in rows of a file with these headers. Raises MappingError."""
    resolved: ResolvedMapping = mapping.columns_for(headers)

    def one(index: int | None) -> tuple[Column, ...]:
        return () if index is None else ((index, headers[index]),)

    def many(indexes: tuple[int, ...]) -> tuple[Column, ...]:
        return tuple((index, headers[index]) for index in indexes)

    return RowLayout(
        phones=many(resolved.phone),
        names=one(resolved.name),
        company=one(resolved.company),
        inn=one(resolved.inn),
        city=one(resolved.city),
        region=one(resolved.region),
        timezone=one(resolved.timezone),
        email=one(resolved.email),
        position=one(resolved.position),
        comment=many(resolved.comment),
        custom=tuple((index, header) for header, index in resolved.custom),
    )
