"""Reading lead lists from CSV and Excel files, and writing rejected rows back as CSV.

Row numbers everywhere are the ones a person sees when the file is opened in Excel: the
1-based CSV record / sheet row, counting blank rows too (a quoted value spanning several
text lines is still one record). In a typical file the header is row 1 and data starts at 2.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Protocol

import python_calamine
from charset_normalizer import from_bytes

from operator_app.core.errors import OperatorAppError

__all__ = [
    "Table",
    "TableError",
    "TableFormat",
    "TableInfo",
    "TableProblem",
    "open_table",
    "write_rejected_rows",
]


class TableProblem(StrEnum):
    MISSING = "missing"
    NOT_A_FILE = "not_a_file"
    NOT_A_SPREADSHEET = "not_a_spreadsheet"
    EMPTY = "empty"
    NO_HEADER = "no_header"
    NO_SUCH_SHEET = "no_such_sheet"
    UNREADABLE = "unreadable"
    UNWRITABLE = "unwritable"


class TableError(OperatorAppError):
    """A lead list that cannot be read (or a rejected-rows file that cannot be written)."""

    def __init__(self, problem: TableProblem, path: Path, detail: str) -> None:
        self.problem = problem
        self.path = path
        self.detail = " ".join(detail.split())  # always a single line
        super().__init__(f"{path}: {self.detail}")


class TableFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class TableInfo:
    path: Path
    format: TableFormat
    encoding: str | None
    """CSV: a normalised codec name ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8-r",
    "cp866"). XLSX: None."""
    delimiter: str | None
    """CSV: ",", ";" or a tab. XLSX: None."""
    sheet: str | None
    headers: tuple[str, ...]
    """Header cells, whitespace-collapsed; blank ones named "column_N", repeats suffixed " (2)"."""
    row_count: int
    """Data rows, not counting the header and fully empty rows: exactly what rows() yields."""
    sheet_names: tuple[str, ...] = ()
    """All sheets of a workbook, in workbook order (for a sheet picker). CSV: empty."""


_Records = Generator[tuple[int, list[str]], None, None]


class _RowSource(Protocol):
    def data_rows(self, header_row: int, width: int) -> _Records:
        """The non-blank records after `header_row`, padded to `width` cells."""
        ...


class Table:
    """An opened lead list. rows() streams; it may be called again to read from the start."""

    def __init__(self, info: TableInfo, source: _RowSource, header_row: int) -> None:
        self.info = info
        self._source = source
        self._header_row = header_row

    def rows(self) -> Generator[tuple[int, list[str]], None, None]:
        """Yield (row_number, cells) for each non-empty data row.

        Cells are strings ("" when empty), padded with "" up to the header width; a row longer
        than the header keeps its extra cells. Reading stops and the file is released when the
        generator is exhausted or closed (contextlib.closing for an early stop).
        """
        return self._source.data_rows(self._header_row, len(self.info.headers))

    def preview(self, n: int = 20) -> list[list[str]]:
        rows = self._source.data_rows(self._header_row, len(self.info.headers))
        with closing(rows):  # release the file now, not when the generator is collected
            return [cells for _, cells in itertools.islice(rows, n)]


def open_table(path: Path, *, sheet: str | None = None) -> Table:
    """Open a CSV or Excel lead list, recognising the format by content, not by extension.

    `sheet` picks a workbook sheet by name (default: the first); it is ignored for CSV.
    Raises TableError.
    """
    path = Path(path)
    head = _read_head(path)
    if not head:
        raise TableError(TableProblem.EMPTY, path, "the file is empty")
    if head.startswith(_ZIP_MAGIC):
        return _open_workbook(path, sheet)
    _reject_known_binary(path, head)
    return _open_csv(path, head)


def write_rejected_rows(
    path: Path, info: TableInfo, rejected: Iterable[tuple[int, list[str], str]]
) -> int:
    """Write (row_number, original cells, reason) rows as CSV a person can open next to the input.

    The header is ["row", "reason", *info.headers]. Encoding and delimiter follow the input
    (for a workbook: UTF-8 with BOM and ";", which Russian Excel opens correctly); characters
    the encoding cannot represent become "?". Returns the number of rows written.
    """
    path = Path(path)
    encoding = info.encoding or "utf-8-sig"
    delimiter = info.delimiter or _DEFAULT_DELIMITER
    written = 0
    try:
        with path.open("w", encoding=encoding, errors="replace", newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter)
            writer.writerow(["row", "reason", *info.headers])
            for row_number, cells, reason in rejected:
                writer.writerow([str(row_number), reason, *cells])
                written += 1
    except OSError as error:
        raise TableError(
            TableProblem.UNWRITABLE, path, f"cannot write the file: {_os_reason(error)}"
        ) from error
    return written


# --- common to both formats -----------------------------------------------------------------

_SAMPLE_BYTES: Final = 64 * 1024
_ZIP_MAGIC: Final = b"PK\x03\x04"
_SAVE_AS_HINT: Final = "open it in Excel, save it as .xlsx or CSV and import that file"
_KNOWN_BINARY: Final = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an Excel 97-2003 (.xls) or password-protected workbook, or another Microsoft Office "
        "file, which cannot be imported; " + _SAVE_AS_HINT + " (without a password)",
    ),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a spreadsheet"),
    (b"\xff\xd8\xff", "a JPEG image, not a spreadsheet"),
    (b"GIF8", "a GIF image, not a spreadsheet"),
    (b"%PDF-", "a PDF document, not a spreadsheet"),
    (b"{\\rtf", "an RTF document, not a spreadsheet"),
    (b"PK\x05\x06", "an empty ZIP archive, not a spreadsheet"),
    (b"Rar!\x1a\x07", "a RAR archive, not a spreadsheet"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a spreadsheet"),
    (b"\x1f\x8b", "a gzip archive, not a spreadsheet"),
)
_FOLDER: Final = "this is a folder, not a file"


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(_SAMPLE_BYTES)
    except FileNotFoundError as error:
        raise TableError(TableProblem.MISSING, path, "the file does not exist") from error
    except IsADirectoryError as error:
        raise TableError(TableProblem.NOT_A_FILE, path, _FOLDER) from error
    except OSError as error:
        if path.is_dir():  # Windows reports opening a folder as PermissionError
            raise TableError(TableProblem.NOT_A_FILE, path, _FOLDER) from error
        raise TableError(
            TableProblem.UNREADABLE, path, f"cannot open the file: {_os_reason(error)}"
        ) from error


def _reject_known_binary(path: Path, head: bytes) -> None:
    for magic, description in _KNOWN_BINARY:
        if head.startswith(magic):
            raise TableError(TableProblem.NOT_A_SPREADSHEET, path, f"this is {description}")


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _tidy_headers(raw: Sequence[str]) -> tuple[str, ...]:
    headers: list[str] = []
    taken: set[str] = set()
    for position, cell in enumerate(raw, start=1):
        base = " ".join(cell.split()) or f"column_{position}"
        header, copy = base, 2
        while header in taken:
            header, copy = f"{base} ({copy})", copy + 1
        taken.add(header)
        headers.append(header)
    return tuple(headers)


@dataclass(frozen=True, slots=True)
class _Layout:
    header_row: int
    header: list[str]
    row_count: int


def _layout(path: Path, header_record: tuple[int, list[str]] | None, row_count: int) -> _Layout:
    if header_record is None:
        raise TableError(TableProblem.EMPTY, path, "the file has no filled-in rows")
    header_row, header = header_record
    # A first row without a single letter is data (e.g. a bare list of phone numbers); taking
    # it as the header would silently lose that row and leave nothing to map columns by.
    if not any(character.isalpha() for cell in header for character in cell):
        raise TableError(
            TableProblem.NO_HEADER,
            path,
            f"row {header_row} should hold column names (such as 'Телефон', 'ФИО') but holds "
            "only numbers or symbols; add a header row",
        )
    return _Layout(header_row, header, row_count)


# --- CSV ------------------------------------------------------------------------------------

_UTF8: Final = "utf-8"
_UTF16: Final = "utf-16"
_DELIMITERS: Final = (";", "\t", ",")  # preference order on a tie: Russian Excel writes ';'
_DEFAULT_DELIMITER: Final = ";"
_SNIFF_RECORDS: Final = 50
_SINGLE_BYTE_CANDIDATES: Final = ("cp1251", "koi8-r", "cp866")
_FALLBACK_SINGLE_BYTE: Final = "cp1251"  # what Russian Excel writes for "CSV (разделители - ;)"
# C0 controls other than tab, line breaks, form feed and the DOS end-of-file mark
_STRAY_CONTROL: Final = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]")
_MAX_CONTROL_SHARE: Final = 0.01
_NON_ASCII: Final = re.compile("[^\x00-\x7f]")
_UTF8_MAJORITY: Final = 4
_MARKUP_STARTS: Final = ("<!doctype", "<html", "<?xml", "<table")
_SCAN_CHUNK_BYTES: Final = 1 << 20


class _CsvSource:
    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter

    def records(self) -> _Records:
        """Every record, blank ones included, numbered from 1."""
        with self._reader() as reader:
            yield from enumerate(reader, start=1)

    def data_rows(self, header_row: int, width: int) -> _Records:
        with self._reader() as reader:
            number = 0
            for cells in reader:
                number += 1
                if number <= header_row:
                    continue
                # Looking at the first cell alone spares joining the row in the usual case.
                if not cells or not (cells[0].strip() or "".join(cells).strip()):
                    continue
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                yield number, cells

    @contextmanager
    def _reader(self) -> Iterator[Iterator[list[str]]]:
        path = self.path
        # Strict UTF-8 was already verified over the whole file when opening; "replace" only
        # matters for the single-byte fallbacks and damaged bytes.
        try:
            with path.open(encoding=self.encoding, errors="replace", newline="") as stream:
                yield csv.reader(stream, delimiter=self.delimiter)
        except csv.Error as error:
            raise TableError(
                TableProblem.UNREADABLE, path, f"the CSV is malformed ({error})"
            ) from error
        except OSError as error:
            raise TableError(
                TableProblem.UNREADABLE, path, f"cannot read the file: {_os_reason(error)}"
            ) from error


def _open_csv(path: Path, head: bytes) -> Table:
    whole_file = len(head) < _SAMPLE_BYTES
    encoding = _detect_encoding(head, whole_file)
    sample = _decode_sample(head, encoding, whole_file)
    _reject_binary_text(path, sample)
    delimiter = _sniff_delimiter(sample, whole_file)
    source = _CsvSource(path, encoding, delimiter)
    if encoding == _UTF16:
        layout = _scan_csv_records(source)
    else:
        line_break = b"\r" if b"\n" not in head and b"\r" in head else b"\n"
        try:
            filled = _count_filled_records(path, delimiter, line_break, encoding == _UTF8)
        except UnicodeDecodeError as error:
            # The head was valid UTF-8 but a later part is not. With Cyrillic UTF-8 in the head
            # keep UTF-8 (damaged bytes become U+FFFD); otherwise judge by the offending bytes.
            if head.isascii():
                around = bytes(error.object)[max(error.start - _SAMPLE_BYTES // 2, 0) :]
                encoding = _guess_single_byte(around[:_SAMPLE_BYTES])
                source = _CsvSource(path, encoding, delimiter)
            filled = _count_filled_records(path, delimiter, line_break, validate_utf8=False)
        layout = _layout(path, _first_filled_record(source), max(filled - 1, 0))
    info = TableInfo(
        path=path,
        format=TableFormat.CSV,
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        headers=_tidy_headers(layout.header),
        row_count=layout.row_count,
    )
    return Table(info, source, layout.header_row)


def _first_filled_record(source: _CsvSource) -> tuple[int, list[str]] | None:
    with closing(source.records()) as records:
        for number, cells in records:
            if not _is_blank(cells):
                return number, cells
    return None


def _scan_csv_records(source: _CsvSource) -> _Layout:
    """The exact but slower way to lay out a CSV: parse every record."""
    header_record: tuple[int, list[str]] | None = None
    row_count = 0
    with closing(source.records()) as records:
        for number, cells in records:
            if _is_blank(cells):
                continue
            if header_record is None:
                header_record = number, cells
            else:
                row_count += 1
    return _layout(source.path, header_record, row_count)


def _count_filled_records(
    path: Path, delimiter: str, line_break: bytes, validate_utf8: bool
) -> int:
    """Count the non-blank records of a CSV from its bytes, several times faster than parsing.

    A line break ends a record unless the record so far holds an odd number of quotes. Exact
    for properly quoted CSV in the ASCII-compatible encodings read here; a stray quote inside
    an unquoted value may skew the count (rows() still reads such a file correctly).
    Raises UnicodeDecodeError if `validate_utf8` and the file is not UTF-8.
    """
    blank_bytes = b' \t\r\n\v\f"' + delimiter.encode("ascii")
    validator = codecs.getincrementaldecoder(_UTF8)() if validate_utf8 else None
    filled = 0
    in_quoted_value = False
    shows_content = False  # about the record whose quoted value spans lines
    unclear_lines: list[bytes] = []  # its lines so far, while they show no content
    try:
        with path.open("rb") as stream:
            tail = b""
            while True:
                chunk = stream.read(_SCAN_CHUNK_BYTES)
                if validator is not None:
                    validator.decode(chunk, final=not chunk)
                lines = (tail + chunk).split(line_break)
                tail = lines.pop() if chunk else b""
                for line in lines:
                    odd_quotes = line.count(b'"') & 1
                    if not in_quoted_value and not odd_quotes:  # a one-line record
                        if line.strip(blank_bytes) or (
                            b'"' in line and _parses_filled(line, delimiter)
                        ):
                            filled += 1
                        continue
                    if not in_quoted_value:  # a quoted value opens and goes on past this line
                        shows_content, unclear_lines = False, []
                    if not shows_content:
                        if line.strip(blank_bytes):
                            shows_content, unclear_lines = True, []
                        else:
                            unclear_lines.append(line)
                    in_quoted_value = in_quoted_value != bool(odd_quotes)
                    if not in_quoted_value and (
                        shows_content or _parses_filled(line_break.join(unclear_lines), delimiter)
                    ):
                        filled += 1
                if not chunk:
                    if in_quoted_value and (  # the file ends inside a quoted value
                        shows_content or _parses_filled(line_break.join(unclear_lines), delimiter)
                    ):
                        filled += 1
                    return filled
    except OSError as error:
        raise TableError(
            TableProblem.UNREADABLE, path, f"cannot read the file: {_os_reason(error)}"
        ) from error


def _parses_filled(record: bytes, delimiter: str) -> bool:
    """The slow, exact check for the rare record that holds only quotes, blanks and delimiters.

    Such bytes are ASCII in every encoding read here, so Latin-1 decodes them faithfully.
    """
    text = io.StringIO(record.decode("latin-1"), newline="")
    return any(not _is_blank(cells) for cells in csv.reader(text, delimiter=delimiter))


def _detect_encoding(head: bytes, whole_file: bool) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _UTF16  # Excel's "Unicode text" export
    try:
        codecs.getincrementaldecoder(_UTF8)().decode(head, final=whole_file)
    except UnicodeDecodeError:
        return _UTF8 if _mostly_utf8(head, whole_file) else _guess_single_byte(head)
    return _UTF8


def _mostly_utf8(data: bytes, whole_file: bool) -> bool:
    """UTF-8 text with a few damaged bytes, rather than a single-byte encoding?

    Cyrillic in cp1251, KOI8-R or CP866 hardly ever forms valid UTF-8 sequences, so text that
    decodes to far more valid non-ASCII characters than damaged spots is UTF-8.
    """
    text = codecs.getincrementaldecoder(_UTF8)(errors="replace").decode(data, final=whole_file)
    damaged = text.count("\ufffd")
    valid_non_ascii = len(_NON_ASCII.findall(text)) - damaged
    return valid_non_ascii >= _UTF8_MAJORITY * damaged


def _guess_single_byte(data: bytes) -> str:
    if data.isascii():
        return _FALLBACK_SINGLE_BYTE
    candidates = list(_SINGLE_BYTE_CANDIDATES)
    best = from_bytes(data, cp_isolation=candidates).best()
    if best is None:
        return _FALLBACK_SINGLE_BYTE
    name = codecs.lookup(best.encoding).name
    return name if name in _SINGLE_BYTE_CANDIDATES else _FALLBACK_SINGLE_BYTE


def _decode_sample(head: bytes, encoding: str, whole_file: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=whole_file)


def _reject_binary_text(path: Path, sample: str) -> None:
    if sample.lstrip().lower().startswith(_MARKUP_STARTS):
        raise TableError(
            TableProblem.NOT_A_SPREADSHEET,
            path,
            "this is a web page or XML file rather than a table; " + _SAVE_AS_HINT,
        )
    stray_controls = len(_STRAY_CONTROL.findall(sample))
    if "\x00" in sample or stray_controls > len(sample) * _MAX_CONTROL_SHARE:
        raise TableError(
            TableProblem.NOT_A_SPREADSHEET, path, "this is binary data, not a spreadsheet"
        )


def _sniff_delimiter(sample: str, whole_file: bool) -> str:
    """Pick the delimiter that splits the header into most columns and the data alike.

    Column names rarely hold a delimiter while values often do ("Москва, ул. Ленина", "12,5"
    in a ';' file), so the data must agree with the header's split, not only among itself.
    """
    best, best_score = _DEFAULT_DELIMITER, 0.0
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            records = itertools.islice(reader, _SNIFF_RECORDS + 1)
            widths = [len(cells) for cells in records if any(cells)]
        except csv.Error:
            continue
        if not whole_file and len(widths) > 1:
            widths.pop()  # the sample may end in the middle of a record
        score = _agreement_with_header(widths)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _agreement_with_header(widths: list[int]) -> float:
    """(header columns - 1) x the share of data records as wide (or one wider: a trailing
    delimiter). 0 when the header does not split at all."""
    if not widths:
        return 0.0
    header_width, data_widths = widths[0], widths[1:]
    if not data_widths:
        return float(header_width - 1)
    agreeing = sum(1 for width in data_widths if header_width <= width <= header_width + 1)
    return (header_width - 1) * agreeing / len(data_widths)


# --- Excel workbooks ------------------------------------------------------------------------

_CellValue = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta
_LARGEST_PLAIN_INTEGER: Final = 1e21


class _SheetSource:
    def __init__(self, sheet: python_calamine.CalamineSheet, first_row: int) -> None:
        self._sheet = sheet
        self._first_row = first_row

    def data_rows(self, header_row: int, width: int) -> _Records:
        number = self._first_row - 1
        for values in self._sheet.iter_rows():
            number += 1
            if number <= header_row or values.count("") == len(values):
                continue
            cells = [value if type(value) is str else _render_cell(value) for value in values]
            if "".join(cells).strip():
                cells.extend([""] * (width - len(cells)))
                yield number, cells


def _open_workbook(path: Path, sheet_name: str | None) -> Table:
    _require_excel_package(path)
    sheet, sheet_names = _load_sheet(path, sheet_name)
    first_row, layout = _scan_sheet(path, sheet)
    info = TableInfo(
        path=path,
        format=TableFormat.XLSX,
        encoding=None,
        delimiter=None,
        sheet=sheet.name,
        headers=_tidy_headers(layout.header),
        row_count=layout.row_count,
        sheet_names=sheet_names,
    )
    return Table(info, _SheetSource(sheet, first_row), layout.header_row)


def _scan_sheet(path: Path, sheet: python_calamine.CalamineSheet) -> tuple[int, _Layout]:
    """Find the header and count the data rows; returns the first row's number and the layout."""
    header_record: tuple[int, list[str]] | None = None
    row_count = 0
    index = 0
    for index, values in enumerate(sheet.iter_rows(), start=1):
        if not _has_content(values):
            continue
        if header_record is None:
            header_record = index, [_render_cell(value) for value in values]
        else:
            row_count += 1
    # python-calamine pads the rows above the data range (not the columns left of it); number
    # rows from the range itself so that they match Excel whether or not it pads.
    data_start = sheet.start[0] if sheet.start is not None else 0
    offset = data_start + sheet.height - index
    if header_record is not None:
        header_record = header_record[0] + offset, header_record[1]
    return 1 + offset, _layout(path, header_record, row_count)


def _has_content(values: list[_CellValue]) -> bool:
    if values.count("") == len(values):
        return False
    return any(type(value) is not str or value.strip() for value in values)


def _require_excel_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TableError(
            TableProblem.UNREADABLE, path, "the Excel file is damaged (not a complete ZIP package)"
        ) from error
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return
    if "content.xml" in names:
        raise TableError(
            TableProblem.NOT_A_SPREADSHEET,
            path,
            "this is an OpenDocument (LibreOffice) spreadsheet, which cannot be imported; "
            "save it as .xlsx or CSV and import that file",
        )
    raise TableError(
        TableProblem.NOT_A_SPREADSHEET,
        path,
        "this is a ZIP archive or an Office document other than an Excel workbook",
    )


def _load_sheet(
    path: Path, sheet_name: str | None
) -> tuple[python_calamine.CalamineSheet, tuple[str, ...]]:
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as workbook:
            sheet_names = tuple(workbook.sheet_names)
            if not sheet_names:
                raise TableError(TableProblem.EMPTY, path, "the workbook has no sheets")
            if sheet_name is None:
                return workbook.get_sheet_by_index(0), sheet_names
            if sheet_name not in sheet_names:
                listed = ", ".join(repr(name) for name in sheet_names)
                raise TableError(
                    TableProblem.NO_SUCH_SHEET,
                    path,
                    f"the workbook has no sheet named {sheet_name!r}; its sheets: {listed}",
                )
            return workbook.get_sheet_by_name(sheet_name), sheet_names
    except python_calamine.PasswordError as error:
        raise TableError(
            TableProblem.UNREADABLE, path, "the workbook is password-protected; remove the password"
        ) from error
    except python_calamine.CalamineError as error:
        raise TableError(
            TableProblem.UNREADABLE, path, f"the Excel file is damaged or unsupported ({error})"
        ) from error
    except OSError as error:
        raise TableError(
            TableProblem.UNREADABLE, path, f"cannot read the file: {_os_reason(error)}"
        ) from error


def _render_cell(value: _CellValue | None) -> str:
    """A cell as the text a person typed: the number 89123456789.0 is the phone 89123456789."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _LARGEST_PLAIN_INTEGER:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
