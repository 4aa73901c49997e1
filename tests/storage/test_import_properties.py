"""No input file crashes the importer or half-writes the database (property test, SQLite)."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from operator_app.core.column_mapping import MappingError, suggest_mapping
from operator_app.core.importing.service import import_list
from operator_app.core.importing.types import ImportOptions
from operator_app.core.roles import Actor, Role
from operator_app.core.tabular import TableError, open_table
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.models import DoNotCall

ACTOR = Actor(user_id=0, login="cli", display_name="Command line", role=Role.ADMIN)
HEADER_WORDS = ["Телефон", "ФИО", "ИНН", "Компания", "Город", "E-mail", "Phone", "Заметка", ""]
FRESH_PHONE = st.one_of(
    st.integers(0, 9_999_999).map(lambda n: f"8 (912) {n:07d}"),
    st.integers(0, 9_999_999).map(lambda n: f"+7916{n:07d}"),
)
CELL_TEXT = st.one_of(
    st.sampled_from(
        [
            "8 (912) 345-67-89",
            "+7 912 345 67 89",
            "89123456789",
            "тел. 8-912-000-00-01, после 18:00",
            "8 912 345",
            "+7 (343) 222-33-44 доб. 12",
            "7707083893",
            "7707083894",
            "ИНН 7736207543",
            "a@b.ru",
            "",
            '"',
            "\x00",
        ]
    ),
    st.text(max_size=30),
    FRESH_PHONE,
    st.from_regex(r"[+8(]?[0-9 ()\-]{5,16}", fullmatch=True),
)
ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16", "koi8-r"]
_names = itertools.count()


@st.composite
def csv_like_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    width = draw(st.integers(1, 6))
    headers = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=width, max_size=width))
    if draw(st.integers(0, 9)) < 8:
        headers[0] = "Телефон"
    rows = draw(
        st.lists(st.lists(CELL_TEXT, min_size=1, max_size=width + 1), min_size=1, max_size=12)
    )
    lines = [delimiter.join(headers)]
    for cells in rows:
        if cells and draw(st.integers(0, 9)) < 6:
            cells[0] = draw(FRESH_PHONE)
        quoted = [f'"{cell}"' if draw(st.booleans()) else cell for cell in cells]
        lines.append(delimiter.join(quoted))
    text = draw(st.sampled_from(["\r\n", "\n"])).join(lines)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=csv_like_files())
def test_any_file_imports_with_consistent_counts_or_is_refused_without_writing(
    sqlite_db: Database, tmp_path: Path, content: bytes
) -> None:
    # One database for all examples: each import must add exactly its own rows to it.
    with sqlite_db.session() as session:
        if session.get(DoNotCall, 1) is None:
            session.add(DoNotCall(id=1, e164="+79123456789"))
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    before = counts(sqlite_db)
    try:
        table = open_table(path)
        report = import_list(
            sqlite_db,
            ACTOR,
            table,
            suggest_mapping(table.info.headers),
            ImportOptions(list_name=f"list {next(_names)}"),
        )
    except (TableError, MappingError) as error:
        event(f"refused: {type(error).__name__}")
        assert counts(sqlite_db) == before
        return

    event("imported" if report.imported else "imported nothing")
    assert report.read == report.imported + report.duplicates + report.rejected + report.blocked
    assert len(report.rejected_rows) == report.rejected
    assert len(report.duplicate_rows) == report.duplicates
    after = counts(sqlite_db)
    created = report.imported + report.blocked
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    expected = {"lead_lists": 1, "leads": created, "contacts": created, "audit_log": created}
    assert {name: grown.get(name, 0) for name in expected} == expected
    assert grown.get("phones", 0) >= created
    assert grown.get("companies", 0) <= created
    assert set(grown) <= {*expected, "phones", "companies"}
