"""Reading lead lists from real CSV and XLSX files built in a temporary folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter  # type: ignore[import-untyped]  # no stubs or py.typed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operator_app.core.tabular import (
    Table,
    TableError,
    TableFormat,
    TableInfo,
    TableProblem,
    open_table,
    write_rejected_rows,
)

HEADERS = ["ФИО", "Телефон", "Город"]
DATA = [
    ["Иванов Иван Иванович", "+7 912 345-67-89", "Москва"],
    ["Пётр Ёлкин", "8 (495) 123-45-67", "Санкт-Петербург"],
]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(
    path: Path, sheets: dict[str, Sequence[Sequence[object]]], *, top_left: str = "A1"
) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    first_row, first_column = xlsxwriter.utility.xl_cell_to_rowcol(top_left)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for row_offset, row in enumerate(rows):
            for column_offset, value in enumerate(row):
                row_index, column_index = first_row + row_offset, first_column + column_offset
                if isinstance(value, dt.date):
                    sheet.write_datetime(row_index, column_index, value, date_format)
                elif value is not None:
                    sheet.write(row_index, column_index, value)
    workbook.close()
    return path


def all_rows(table: Table) -> list[tuple[int, list[str]]]:
    return list(table.rows())


def problem_of(path: Path, **kwargs: str) -> TableProblem:
    with pytest.raises(TableError) as caught:
        open_table(path, **kwargs)
    return caught.value.problem


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encoding_and_delimiter_are_detected(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = write_csv(
        tmp_path / "leads.csv", [HEADERS, *DATA], encoding=encoding, delimiter=delimiter
    )

    table = open_table(path)

    assert table.info == TableInfo(
        path=path,
        format=TableFormat.CSV,
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        headers=tuple(HEADERS),
        row_count=2,
    )
    assert all_rows(table) == [(2, DATA[0]), (3, DATA[1])]


def test_quoted_values_may_hold_delimiters_quotes_and_line_breaks(tmp_path: Path) -> None:
    rows = [
        ["Компания", "Телефон", "Комментарий"],
        ['ООО "Ромашка"', "89123456789", "звонить после 15:00;\r\nспросить бухгалтерию"],
        ["ИП Петров; филиал", "89120000000", "многострочный\nтекст\nв три строки"],
        ["АО Вектор", "89121111111", ""],
    ]
    path = write_csv(tmp_path / "quoted.csv", rows, encoding="cp1251")

    table = open_table(path)

    assert table.info.delimiter == ";"
    assert table.info.row_count == 3
    # Row numbers count records, as Excel shows them, not physical text lines.
    assert all_rows(table) == [(2, rows[1]), (3, rows[2]), (4, rows[3])]


def test_blank_rows_are_skipped_but_keep_their_numbers(tmp_path: Path) -> None:
    text = "\r\nФИО;Телефон\r\nИванов;111\r\n\r\n;;\r\n  ; \r\nПетров;222\r\n"
    path = tmp_path / "gaps.csv"
    path.write_bytes(text.encode("cp1251"))

    table = open_table(path)

    assert table.info.headers == ("ФИО", "Телефон")
    assert table.info.row_count == 2
    assert all_rows(table) == [(3, ["Иванов", "111"]), (7, ["Петров", "222"])]


def test_short_rows_are_padded_and_long_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("ФИО;Телефон;Город\nИванов\nПетров;222;Омск;лишнее\n", encoding="utf-8")

    assert all_rows(open_table(path)) == [
        (2, ["Иванов", "", ""]),
        (3, ["Петров", "222", "Омск", "лишнее"]),
    ]


def test_headers_are_tidied_named_and_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "headers.csv"
    path.write_text(
        ' ФИО ;;Телефон;"Телефон\n мобильный"; ;Телефон;Телефон (2)\na;b;c;d;e;f;g\n',
        encoding="utf-8",
    )

    assert open_table(path).info.headers == (
        "ФИО",
        "column_2",
        "Телефон",
        "Телефон мобильный",
        "column_5",
        "Телефон (2)",
        "Телефон (2) (2)",
    )


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "header.csv", [HEADERS])

    table = open_table(path)

    assert table.info.row_count == 0
    assert all_rows(table) == []
    assert table.preview() == []


def test_preview_returns_the_first_rows_and_rows_can_be_read_again(tmp_path: Path) -> None:
    data = [[f"Клиент {number}", f"8912000{number:04d}", "Тверь"] for number in range(50)]
    table = open_table(write_csv(tmp_path / "many.csv", [HEADERS, *data]))

    assert table.preview(3) == data[:3]
    assert table.preview() == data[:20]
    assert [cells for _, cells in table.rows()] == data
    assert [cells for _, cells in table.rows()] == data
    assert table.info.row_count == 50


def test_excel_unicode_text_export_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unicode.txt", [HEADERS, *DATA], encoding="utf-16", delimiter="\t")

    table = open_table(path)

    assert (table.info.encoding, table.info.delimiter, table.info.row_count) == ("utf-16", "\t", 2)
    assert [cells for _, cells in table.rows()] == DATA


def test_koi8_r_is_told_apart_from_cp1251(tmp_path: Path) -> None:
    rows = [["Фамилия Имя Отчество", "Телефон", "Населённый пункт"]] + [
        ["Сидоров Алексей Петрович", "89120000000", "Нижний Новгород"]
    ] * 20
    path = write_csv(tmp_path / "koi.csv", rows, encoding="koi8-r")

    table = open_table(path)

    assert table.info.encoding == "koi8-r"
    assert table.info.headers == tuple(rows[0])


def test_cp1251_after_a_long_ascii_start_is_not_taken_for_utf8(tmp_path: Path) -> None:
    ascii_rows = [["Name", "Phone"]] + [[f"Client {n}", f"8912{n:07d}"] for n in range(5000)]
    russian_rows = [["Иванов Иван", "89120000000"], ["Ёлкина Мария", "89121111111"]]
    path = write_csv(tmp_path / "late.csv", ascii_rows + russian_rows, encoding="cp1251")
    assert path.stat().st_size > 64 * 1024  # the Cyrillic bytes lie beyond the sampled head

    table = open_table(path)

    assert table.info.encoding == "cp1251"
    assert table.info.row_count == 5002
    assert [cells for _, cells in table.rows()][-2:] == russian_rows


def test_utf8_with_a_damaged_byte_keeps_utf8(tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes("ФИО;Телефон\nИванов;111\n".encode() + b"\xff\xfe;222\n")

    table = open_table(path)

    assert table.info.encoding == "utf-8"
    assert all_rows(table) == [(2, ["Иванов", "111"]), (3, ["\ufffd\ufffd", "222"])]


def test_utf8_damaged_far_into_the_file_keeps_utf8(tmp_path: Path) -> None:
    rows = [HEADERS] + [["Сидоров Пётр", f"8912{n:07d}", "Новосибирск"] for n in range(2000)]
    path = write_csv(tmp_path / "late-damage.csv", rows)
    with path.open("ab") as stream:
        stream.write(b"\xc0\xff;89120000000;\xd0\x9e\xd0\xbc\xd1\x81\xd0\xba\r\n")
    assert path.stat().st_size > 64 * 1024

    table = open_table(path)

    assert table.info.encoding == "utf-8"
    assert table.info.row_count == 2001
    assert [cells for _, cells in table.rows()][-1] == ["\ufffd\ufffd", "89120000000", "Омск"]


def test_commas_inside_values_do_not_make_a_semicolon_file_comma_separated(
    tmp_path: Path,
) -> None:
    rows = [["ФИО", "Телефон", "Адрес", "Сумма"]] + [
        [f"Иванов, Иван {n}", f"8912{n:07d}", f"Москва, ул. Ленина, д. {n}", f"{n},50"]
        for n in range(30)
    ]
    path = write_csv(tmp_path / "commas.csv", rows, encoding="cp1251")

    table = open_table(path)

    assert table.info.delimiter == ";"
    assert table.preview(1) == [rows[1]]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Name,Phone,Comment\nIvanov,111,call; later\nPetrov,222,ok\n", ","),
        ("ФИО;Телефон\nИванов;111;\nПетров;222;\n", ";"),
        ("Name,Phone\nIvanov,111,\nPetrov,222,\n", ","),
        ("ФИО\tТелефон\tСумма\nИванов\t111\t12,5\nПетров\t222\t1,75\n", "\t"),
        ("Сумма, руб.;Телефон\n12,5;111\n", ";"),
        ("Телефон\n89123456789\n", ";"),  # one column: Russian Excel's separator
    ],
    ids=["comma", "trailing-semicolon", "trailing-comma", "tab", "comma-in-header", "one-column"],
)
def test_delimiter_follows_the_header(tmp_path: Path, text: str, delimiter: str) -> None:
    path = tmp_path / "sniff.csv"
    path.write_text(text, encoding="utf-8")

    assert open_table(path).info.delimiter == delimiter


def test_a_first_row_without_letters_is_not_a_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "phones.csv", [["89123456789"], ["89120000000"]])

    assert problem_of(path) is TableProblem.NO_HEADER


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_cells_are_rendered_as_typed(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "leads.xlsx",
        {
            "Лиды": [
                ["ФИО", "Телефон", "ИНН", "Дата", "Горячий", "Сумма", "Комментарий"],
                ["Иванов", 89123456789, 7707083893, dt.date(2024, 3, 1), True, 0.5, None],
                [None, None, None, None, None, None, None],
                ["Петров", "+7 912 000-00-00", 500100732259, None, False, -12.25, "перезвонить"],
            ],
            "Архив": [["ФИО", "Телефон"]],
        },
    )

    table = open_table(path)

    assert table.info == TableInfo(
        path=path,
        format=TableFormat.XLSX,
        encoding=None,
        delimiter=None,
        sheet="Лиды",
        headers=("ФИО", "Телефон", "ИНН", "Дата", "Горячий", "Сумма", "Комментарий"),
        row_count=2,
        sheet_names=("Лиды", "Архив"),
    )
    assert all_rows(table) == [
        (2, ["Иванов", "89123456789", "7707083893", "2024-03-01", "true", "0.5", ""]),
        (4, ["Петров", "+7 912 000-00-00", "500100732259", "", "false", "-12.25", "перезвонить"]),
    ]


def test_xlsx_datetime_cells_become_iso_text(tmp_path: Path) -> None:
    path = tmp_path / "times.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Телефон", "Перезвонить"])
    sheet.write(1, 0, "89123456789")
    sheet.write_datetime(
        1, 1, dt.datetime(2024, 3, 1, 14, 30), workbook.add_format({"num_format": "dd.mm.yy hh:mm"})
    )
    workbook.close()

    assert all_rows(open_table(path)) == [(2, ["89123456789", "2024-03-01 14:30:00"])]


def test_xlsx_row_numbers_match_excel_when_the_table_does_not_start_at_a1(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "offset.xlsx",
        {"Лист1": [["ФИО", "Телефон"], ["Иванов", 111], [], ["Петров", 222]]},
        top_left="C4",
    )

    table = open_table(path)

    assert table.info.headers == ("ФИО", "Телефон")
    assert all_rows(table) == [(5, ["Иванов", "111"]), (7, ["Петров", "222"])]


def test_a_named_sheet_is_read_and_an_unknown_one_is_reported(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"Январь": [["ФИО", "Телефон"], ["Иванов", 111]], "Февраль": [["Имя", "Тел"]]},
    )

    table = open_table(path, sheet="Февраль")
    assert (table.info.sheet, table.info.headers, table.info.row_count) == (
        "Февраль",
        ("Имя", "Тел"),
        0,
    )
    with pytest.raises(TableError) as caught:
        open_table(path, sheet="Март")
    assert caught.value.problem is TableProblem.NO_SUCH_SHEET
    assert "Январь" in str(caught.value)


def test_xlsx_renamed_to_csv_is_still_read_as_xlsx(tmp_path: Path) -> None:
    workbook = write_xlsx(tmp_path / "real.xlsx", {"Лиды": [["ФИО", "Телефон"], ["Иванов", 1]]})
    disguised = tmp_path / "leads.csv"
    disguised.write_bytes(workbook.read_bytes())

    table = open_table(disguised)

    assert table.info.format is TableFormat.XLSX
    assert all_rows(table) == [(2, ["Иванов", "1"])]


def test_empty_sheet_is_empty(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "blank.xlsx", {"Лист1": []})

    assert problem_of(path) is TableProblem.EMPTY


# --- files that are not lead lists ------------------------------------------------------------


def zip_with(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", TableProblem.EMPTY),
        (b" \r\n\r\n\t\n", TableProblem.EMPTY),
        (b";;;\r\n;;\r\n", TableProblem.EMPTY),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            TableProblem.NOT_A_SPREADSHEET,
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", TableProblem.NOT_A_SPREADSHEET),
        (bytes(range(256)) * 4, TableProblem.NOT_A_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), TableProblem.NOT_A_SPREADSHEET),
        (b"<html><table><tr><td>1</td></tr></table></html>", TableProblem.NOT_A_SPREADSHEET),
        (b"PK\x03\x04 this is not really a zip", TableProblem.UNREADABLE),
    ],
    ids=["empty", "whitespace", "delimiters", "png", "pdf", "binary", "xls", "html", "bad-zip"],
)
def test_files_that_are_not_lead_lists_are_refused(
    tmp_path: Path, content: bytes, expected: TableProblem
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)

    assert problem_of(path) is expected


def test_legacy_xls_is_refused_with_advice_to_save_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    with pytest.raises(TableError) as caught:
        open_table(path)

    assert ".xlsx" in str(caught.value)


def test_zip_packages_other_than_workbooks_are_refused(tmp_path: Path) -> None:
    docx = zip_with(tmp_path / "letter.xlsx", {"word/document.xml": "<w:document/>"})
    ods = zip_with(tmp_path / "table.xlsx", {"mimetype": "x", "content.xml": "<office/>"})

    assert problem_of(docx) is TableProblem.NOT_A_SPREADSHEET
    assert problem_of(ods) is TableProblem.NOT_A_SPREADSHEET


def test_truncated_xlsx_is_unreadable(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", {"Лиды": [["ФИО", "Телефон"], ["Иванов", 1]]})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:1500])

    assert problem_of(cut) is TableProblem.UNREADABLE


def test_missing_path_and_folder(tmp_path: Path) -> None:
    assert problem_of(tmp_path / "nowhere" / "leads.csv") is TableProblem.MISSING
    assert problem_of(tmp_path) is TableProblem.NOT_A_FILE


def test_error_text_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))

    with pytest.raises(TableError) as caught:
        open_table(path)

    message = str(caught.value)
    assert str(path) in message
    assert "PNG" in message
    assert "\n" not in message
    assert caught.value.path == path


# --- rejected rows ----------------------------------------------------------------------------


def test_rejected_rows_round_trip_in_cp1251(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [HEADERS, *DATA], encoding="cp1251")
    info = open_table(source).info
    out = tmp_path / "rejected.csv"

    written = write_rejected_rows(
        out,
        info,
        [(2, DATA[0], "invalid phone"), (3, [*DATA[1][:2], "Пекин 北京 😀"], "duplicate")],
    )

    assert written == 2
    back = open_table(out)
    assert (back.info.encoding, back.info.delimiter) == ("cp1251", ";")
    assert back.info.headers == ("row", "reason", *HEADERS)
    assert [cells for _, cells in back.rows()] == [
        ["2", "invalid phone", *DATA[0]],
        ["3", "duplicate", *DATA[1][:2], "Пекин ?? ?"],  # unencodable characters replaced
    ]


def test_rejected_rows_round_trip_in_utf8_with_commas(tmp_path: Path) -> None:
    rows = [HEADERS, ["Иванов, Иван", "123", 'г. "Москва"'], ["Ли 李", "456", "多行\nтекст"]]
    info = open_table(write_csv(tmp_path / "in.csv", rows, delimiter=",")).info
    out = tmp_path / "rejected.csv"

    rejected = iter([(2, rows[1], "bad"), (3, rows[2], "too short")])  # any iterable, streamed

    assert write_rejected_rows(out, info, rejected) == 2

    back = open_table(out)
    assert (back.info.encoding, back.info.delimiter) == ("utf-8", ",")
    assert [cells for _, cells in back.rows()] == [
        ["2", "bad", *rows[1]],
        ["3", "too short", *rows[2]],
    ]


def test_rejected_rows_of_a_workbook_are_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    info = open_table(write_xlsx(tmp_path / "in.xlsx", {"Лиды": [HEADERS, DATA[0]]})).info
    out = tmp_path / "rejected.csv"

    write_rejected_rows(out, info, [(2, DATA[0], "invalid phone")])

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == "row;reason;ФИО;Телефон;Город"


def test_rejected_rows_to_an_impossible_place_raise_table_error(tmp_path: Path) -> None:
    info = open_table(write_csv(tmp_path / "in.csv", [HEADERS, DATA[0]])).info

    with pytest.raises(TableError) as caught:
        write_rejected_rows(tmp_path / "no-such-folder" / "out.csv", info, [])

    assert caught.value.problem is TableProblem.UNWRITABLE


# --- properties -------------------------------------------------------------------------------

_FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _valid_xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("Лиды").write_row(0, 0, ["ФИО", "Телефон", 89123456789])
    workbook.close()
    return buffer.getvalue()


_VALID_XLSX = _valid_xlsx_bytes()


@st.composite
def _damaged_xlsx(draw: st.DrawFn) -> bytes:
    data = bytearray(_VALID_XLSX[: draw(st.integers(0, len(_VALID_XLSX)))])
    for position in draw(st.lists(st.integers(0, max(len(data) - 1, 0)), max_size=8)):
        if data:
            data[position] = draw(st.integers(0, 255))
    return bytes(data)


_PREFIXES = [
    b"",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x89PNG\r\n\x1a\n",
    "ФИО;Телефон\n".encode("cp1251"),
    'Имя,"Телефон\n'.encode(),
]
_ANY_FILE = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(_PREFIXES), st.binary()),
    _damaged_xlsx(),
)


@_FUZZ_SETTINGS
@given(content=_ANY_FILE)
def test_arbitrary_bytes_raise_nothing_but_table_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content)
    try:
        table = open_table(path)
        rows = list(table.rows())
        table.preview(5)
    except TableError:
        return
    assert len(rows) == table.info.row_count or table.info.format is TableFormat.CSV


_CELL = st.text(
    alphabet=st.sampled_from(list("абвгдеёжзийЁЖЩэюя ABCxyz0123456789+-()\"'\r\n;,\t")),
    max_size=12,
)


@_FUZZ_SETTINGS
@given(
    width=st.integers(2, 5),
    data=st.data(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_well_formed_csv_reads_back_exactly_what_was_written(
    tmp_path: Path, width: int, data: st.DataObject, encoding: str, delimiter: str
) -> None:
    header = [f"Поле {n}" for n in range(width)]
    body = data.draw(st.lists(st.lists(_CELL, min_size=width, max_size=width), max_size=15))
    path = write_csv(tmp_path / "well.csv", [header, *body], encoding=encoding, delimiter=delimiter)

    table = open_table(path)

    expected = [row for row in body if "".join(row).strip()]
    assert (table.info.encoding, table.info.delimiter) == (encoding, delimiter)
    assert table.info.row_count == len(expected)
    assert [cells for _, cells in table.rows()] == expected
