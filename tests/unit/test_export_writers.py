"""CSV and XLSX files of a header and rows, read back with the csv module, the app's own
importer and openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from operator_app.core.exports import xlsx_file
from operator_app.core.exports.cells import Cell
from operator_app.core.exports.errors import ExportError, ExportProblem, TooManyRows
from operator_app.core.exports.files import ExportFormat, format_of, write_table
from operator_app.core.exports.xlsx_file import sheet_name
from operator_app.core.tabular import open_table

HEADERS = ("Клиент", "Сумма", "Когда", "День", "Заметка", "=cmd")
ROWS: list[Sequence[Cell]] = [
    ("Иван Петров", -5, dt.datetime(2026, 11, 23, 14, 5, 7), dt.date(2026, 11, 23), None, "x"),
    ('=HYPERLINK("http://evil")', Decimal("-1234.50"), None, None, 'a;b\nc "q"', "-3"),
    ("+79161234567", 0.1, None, None, "@SUM(1)", "-2+3"),
]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_neutralised_text(tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    assert write_table(out, ExportFormat.CSV, HEADERS, ROWS) == 3
    header, *rows = read_csv(out)
    assert header == ["Клиент", "Сумма", "Когда", "День", "Заметка", "'=cmd"]
    assert rows == [
        ["Иван Петров", "-5", "2026-11-23 14:05:07", "2026-11-23", "", "x"],
        ['\'=HYPERLINK("http://evil")', "-1234,50", "", "", 'a;b\nc "q"', "-3"],
        ["'+79161234567", "0,1", "", "", "'@SUM(1)", "'-2+3"],
    ]


def test_the_importer_reads_an_exported_csv_back(tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    write_table(out, ExportFormat.CSV, HEADERS, ROWS)
    table = open_table(out)
    assert table.info.delimiter == ";"
    assert table.info.headers == ("Клиент", "Сумма", "Когда", "День", "Заметка", "'=cmd")
    assert [cells[0] for _, cells in table.rows()] == [
        "Иван Петров",
        '\'=HYPERLINK("http://evil")',
        "'+79161234567",
    ]


def test_xlsx_writes_strings_never_formulas_and_numbers_as_numbers(tmp_path: Path) -> None:
    out = tmp_path / "table.xlsx"
    assert write_table(out, ExportFormat.XLSX, HEADERS, ROWS, title="Звонки: ноябрь [1/2]") == 3
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Звонки  ноябрь  1 2"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Клиент", "Сумма", "Когда", "День", "Заметка", "'=cmd"],
        ["Иван Петров", -5, dt.datetime(2026, 11, 23, 14, 5, 7), dt.datetime(2026, 11, 23), None, "x"],
        ["'=HYPERLINK(\"http://evil\")", -1234.5, None, None, "a;b\nc \"q\"", "-3"],
        ["'+79161234567", 0.1, None, None, "'@SUM(1)", "'-2+3"],
    ]  # fmt: skip
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["F3"].data_type == "s"  # text that is a number stays text
    assert sheet["B2"].data_type == "n"
    assert sheet["C2"].is_date and sheet["D2"].number_format == "yyyy-mm-dd"


def test_an_empty_table_is_a_header_only(tmp_path: Path) -> None:
    csv_out, xlsx_out = tmp_path / "empty.csv", tmp_path / "empty.xlsx"
    assert write_table(csv_out, ExportFormat.CSV, ("a", "b"), []) == 0
    assert write_table(xlsx_out, ExportFormat.XLSX, ("a", "b"), []) == 0
    assert read_csv(csv_out) == [["a", "b"]]
    sheet = openpyxl.load_workbook(xlsx_out).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["a", "b"]]
    assert sheet.title == "Export"


def test_a_failure_midway_keeps_the_earlier_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    out = tmp_path / "table.csv"
    out.write_text("earlier", encoding="utf-8")

    def stop_at_second_row(count: int) -> None:
        if count == 2:
            raise KeyboardInterrupt

    for file_format in ExportFormat:
        with pytest.raises(KeyboardInterrupt):
            write_table(out, file_format, HEADERS, ROWS, on_row=stop_at_second_row)
        assert out.read_text(encoding="utf-8") == "earlier"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as folder:
        write_table(tmp_path, ExportFormat.CSV, ("a",), [])
    assert folder.value.problem == ExportProblem.IS_A_FOLDER
    missing = tmp_path / "nowhere" / "table.csv"
    with pytest.raises(ExportError) as no_folder:
        write_table(missing, ExportFormat.XLSX, ("a",), [])
    assert no_folder.value.problem == ExportProblem.NO_FOLDER
    assert str(missing) in str(no_folder.value)


def test_more_rows_than_a_sheet_holds_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_file, "XLSX_MAX_ROWS", 3)  # header + 2 rows
    out = tmp_path / "big.xlsx"
    assert write_table(out, ExportFormat.XLSX, ("n",), [(1,), (2,)]) == 2
    with pytest.raises(TooManyRows):
        write_table(out, ExportFormat.XLSX, ("n",), [(1,), (2,), (3,)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.xlsx"]


def test_times_with_a_zone_are_refused(tmp_path: Path) -> None:
    aware = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for file_format in ExportFormat:
        with pytest.raises(ValueError, match="naive"):
            write_table(tmp_path / f"t{file_format.suffix}", file_format, ("t",), [(aware,)])
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.csv", ExportFormat.CSV), ("A.XLSX", ExportFormat.XLSX), ("a.xls", None), ("a", None)],
)
def test_the_format_follows_the_extension(name: str, expected: ExportFormat | None) -> None:
    assert format_of(Path(name)) is expected


def test_sheet_names_are_what_excel_accepts() -> None:
    assert sheet_name("  ") == "Export"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("'quoted'") == "quoted"
