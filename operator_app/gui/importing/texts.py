"""The import wizard's words for codes from the core: fields, file problems, row problems."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale

from operator_app.core.column_mapping import Field
from operator_app.core.company_ids import InnProblem
from operator_app.core.importing.types import CellIssue, RejectedRow, RowProblem
from operator_app.core.phones import PhoneProblem
from operator_app.core.tabular import TableError, TableFormat, TableInfo, TableProblem

# lupdate finds only calls with literal arguments, so no wrapper hides the context.
translate = QCoreApplication.translate


def quoted(text: str) -> str:
    return translate("ImportTexts", "“{text}”").format(text=text)


def quoted_list(texts: Sequence[str]) -> str:
    return ", ".join(quoted(text) for text in texts)


# The order a person reads the choices in: the one field every list needs first.
FIELD_ORDER: tuple[Field, ...] = (
    Field.PHONE,
    Field.NAME,
    Field.COMPANY,
    Field.INN,
    Field.POSITION,
    Field.CITY,
    Field.REGION,
    Field.TIMEZONE,
    Field.EMAIL,
    Field.COMMENT,
    Field.CUSTOM,
    Field.IGNORE,
)


def field_label(field: Field) -> str:
    labels = {
        Field.NAME: translate("ImportTexts", "Contact name"),
        Field.PHONE: translate("ImportTexts", "Phone"),
        Field.COMPANY: translate("ImportTexts", "Company"),
        Field.INN: translate("ImportTexts", "INN"),
        Field.CITY: translate("ImportTexts", "City"),
        Field.REGION: translate("ImportTexts", "Region"),
        Field.TIMEZONE: translate("ImportTexts", "Time zone"),
        Field.EMAIL: translate("ImportTexts", "E-mail"),
        Field.POSITION: translate("ImportTexts", "Position"),
        Field.COMMENT: translate("ImportTexts", "Comment"),
        Field.CUSTOM: translate("ImportTexts", "Keep as an extra field"),
        Field.IGNORE: translate("ImportTexts", "Do not import"),
    }
    return labels[field]


def row_problem_label(problem: RowProblem | str) -> str:
    labels = {
        RowProblem.NO_VALID_PHONE: translate("ImportTexts", "No valid phone number"),
        RowProblem.BAD_INN: translate("ImportTexts", "The INN fails its checksum"),
    }
    try:
        return labels[RowProblem(problem)]
    except ValueError:
        return str(problem)


def cell_problem_label(problem: str) -> str:
    labels = {
        PhoneProblem.EMPTY.value: translate("ImportTexts", "empty"),
        PhoneProblem.NOT_A_NUMBER.value: translate("ImportTexts", "there is no phone number in it"),
        PhoneProblem.TOO_SHORT.value: translate("ImportTexts", "too few digits for a phone number"),
        PhoneProblem.TOO_LONG.value: translate("ImportTexts", "too many digits for a phone number"),
        PhoneProblem.INVALID.value: translate(
            "ImportTexts", "no such number exists: check the digits"
        ),
        InnProblem.FORMAT.value: translate(
            "ImportTexts", "an INN has 10 digits (a company) or 12 (an entrepreneur)"
        ),
        InnProblem.CHECKSUM.value: translate(
            "ImportTexts", "the INN's check digits do not match: a typo?"
        ),
    }
    return labels.get(problem, problem)


def cell_issue_text(issue: CellIssue) -> str:
    if not issue.value:
        return translate("ImportTexts", "{column}: empty").format(column=issue.header)
    return translate("ImportTexts", "{column} {value}: {problem}").format(
        column=issue.header, value=quoted(issue.value), problem=cell_problem_label(issue.problem)
    )


def rejection_details(row: RejectedRow) -> str:
    """Why a row was rejected, cell by cell, in the interface language."""
    if not row.issues:
        return row.reason
    return "; ".join(cell_issue_text(issue) for issue in row.issues)


def encoding_label(encoding: str | None) -> str:
    labels = {
        "utf-8": "UTF-8",
        "utf-8-sig": translate("ImportTexts", "UTF-8 with BOM"),
        "utf-16": "UTF-16",
        "cp1251": "Windows-1251",
        "koi8-r": "KOI8-R",
        "cp866": "DOS (CP866)",
    }
    if encoding is None:
        return ""
    return labels.get(encoding, encoding)


def delimiter_label(delimiter: str | None) -> str:
    labels = {
        ";": translate("ImportTexts", "semicolon (;)"),
        ",": translate("ImportTexts", "comma (,)"),
        "\t": translate("ImportTexts", "tab"),
    }
    if delimiter is None:
        return ""
    return labels.get(delimiter, quoted(delimiter))


def table_summary_text(info: TableInfo) -> str:
    """One line on what was detected: format, encoding, separator (or sheet) and rows."""
    counts = translate("ImportTexts", "columns: {columns} · data rows: {rows}").format(
        columns=_number(len(info.headers)), rows=_number(info.row_count)
    )
    if info.format is TableFormat.XLSX:
        return translate("ImportTexts", "Excel workbook · sheet {sheet} · {counts}").format(
            sheet=quoted(info.sheet or ""), counts=counts
        )
    return translate(
        "ImportTexts", "CSV · encoding {encoding} · separator {delimiter} · {counts}"
    ).format(
        encoding=encoding_label(info.encoding),
        delimiter=delimiter_label(info.delimiter),
        counts=counts,
    )


def _number(value: int) -> str:
    return QLocale().toString(value)  # 30 000 in Russian, 30,000 in English


def table_error_text(error: TableError) -> str:
    """What is wrong with the file, in the interface language, with the core's detail after."""
    name = quoted(error.path.name or str(error.path))
    problem = TableProblem(error.problem)
    texts = {
        TableProblem.MISSING: translate("ImportTexts", "The file {name} does not exist."),
        TableProblem.NOT_A_FILE: translate("ImportTexts", "{name} is a folder, not a file."),
        TableProblem.NOT_A_SPREADSHEET: translate(
            "ImportTexts",
            "{name} is not a spreadsheet the app can read. Save it from Excel as .xlsx or as "
            "CSV and choose that file.",
        ),
        TableProblem.EMPTY: translate(
            "ImportTexts", "{name} has nothing to import: it has no filled-in rows."
        ),
        TableProblem.NO_HEADER: translate(
            "ImportTexts",
            "The first filled-in row of {name} must hold column names (such as “Телефон”, "
            "“ФИО”). Add a header row and choose the file again.",
        ),
        TableProblem.NO_SUCH_SHEET: translate(
            "ImportTexts", "The workbook {name} has no such sheet."
        ),
        TableProblem.UNREADABLE: translate(
            "ImportTexts",
            "{name} cannot be read: it may be damaged, password-protected or open in another "
            "program.",
        ),
        TableProblem.UNWRITABLE: translate("ImportTexts", "{name} cannot be written."),
    }
    headline = texts[problem].format(name=name)
    return translate("ImportTexts", "{headline}\nDetails: {detail}").format(
        headline=headline, detail=error.detail
    )


def unexpected_error_text(path: Path, error: BaseException) -> str:
    return translate("ImportTexts", "{name} could not be read: {error}").format(
        name=quoted(path.name or str(path)), error=str(error) or type(error).__name__
    )


# Where Russian-speaking call centres' lists usually come from; the setting adds its own.
PHONE_REGIONS: tuple[str, ...] = ("RU", "KZ", "BY", "UZ", "KG", "AM", "AZ", "GE", "TJ", "MD")


def region_label(code: str) -> str:
    names = {
        "RU": translate("ImportTexts", "Russia"),
        "KZ": translate("ImportTexts", "Kazakhstan"),
        "BY": translate("ImportTexts", "Belarus"),
        "UZ": translate("ImportTexts", "Uzbekistan"),
        "KG": translate("ImportTexts", "Kyrgyzstan"),
        "AM": translate("ImportTexts", "Armenia"),
        "AZ": translate("ImportTexts", "Azerbaijan"),
        "GE": translate("ImportTexts", "Georgia"),
        "TJ": translate("ImportTexts", "Tajikistan"),
        "MD": translate("ImportTexts", "Moldova"),
    }
    name = names.get(code)
    return f"{name} ({code})" if name else code


def abc_class_label(abc_class: str) -> str:
    labels = {
        "A": translate("ImportTexts", "A: the most attractive clients"),
        "B": translate("ImportTexts", "B: relevant clients"),
        "C": translate("ImportTexts", "C: the least relevant clients"),
    }
    return labels.get(abc_class, abc_class)
