"""Export… on a table view: Ctrl+E and the context menu write what the view shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from operator_app.core.exports.files import ExportFormat
from operator_app.core.roles import Actor
from operator_app.gui.i18n import Translations
from operator_app.gui.models.formatting import number
from operator_app.gui.models.table import Column, RowTableModel
from operator_app.gui.panels.lead_lists import LeadListsPanel
from operator_app.gui.widgets.data_table import DataTable
from operator_app.gui.widgets.table_export import (
    TableExporter,
    export_target,
    install_table_export,
    table_exporter,
)
from operator_app.storage.database import Database
from operator_app.storage.models import LeadList
from tests.gui.helpers import context_for


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    code: str
    amount: int
    share: float
    note: str


ROWS = [
    Row("Иван Петров", "007", 1234567, 3.5, "=HYPERLINK(1)"),
    Row("Ольга", "12", -5, -0.25, "+7 916 123-45-67"),
    Row("Пётр", "9", 0, 0.0, "скрыт фильтром"),
]


@pytest.fixture
def russian_numbers() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale("ru_RU"))
    yield
    QLocale.setDefault(previous)


def make_table(qtbot: QtBot) -> DataTable[Row]:
    model: RowTableModel[Row] = RowTableModel(
        [
            Column(lambda: "Клиент", lambda r: r.name),
            Column(lambda: "Код", lambda r: r.code, align="right"),
            Column(lambda: "Сумма", lambda r: number(r.amount), align="right"),
            Column(lambda: "Доля", lambda r: QLocale().toString(r.share), align="right"),
            Column(lambda: "Заметка", lambda r: r.note),
        ]
    )
    model.set_rows(ROWS)
    ModelTester(None).check(model)  # type: ignore[no-untyped-call]
    table: DataTable[Row] = DataTable(model, "exportTest")
    qtbot.addWidget(table)
    table.horizontalHeader().moveSection(4, 1)  # "Заметка" shown second
    table.proxy.setFilterRegularExpression("^(?!Пётр).*")
    table.proxy.setFilterKeyColumn(0)
    return table


def test_ctrl_e_writes_the_shown_rows_and_columns_as_xlsx(
    qtbot: QtBot, tmp_path: Path, translations: Translations, russian_numbers: None
) -> None:
    table = make_table(qtbot)
    table.setColumnHidden(3, True)  # "Доля" hidden
    install_table_export(table, lambda: "Клиенты")
    exporter = table_exporter(table)
    assert isinstance(exporter, TableExporter)
    asked: list[Path] = []

    def choose(suggested: Path) -> tuple[Path, ExportFormat]:
        asked.append(suggested)
        return tmp_path / "clients.xlsx", ExportFormat.XLSX

    exporter.ask_target = choose
    table.show()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    with qtbot.waitSignal(exporter.exported) as done:
        qtbot.keyClick(table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # type: ignore[no-untyped-call]

    assert done.args == [str(tmp_path / "clients.xlsx"), 2]
    assert asked[0].name.startswith("Клиенты ") and asked[0].suffix == ".xlsx"
    sheet = openpyxl.load_workbook(tmp_path / "clients.xlsx").active
    assert sheet is not None and sheet.title == "Клиенты"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Клиент", "Заметка", "Код", "Сумма"],
        ["Иван Петров", "'=HYPERLINK(1)", "007", 1234567],
        ["Ольга", "'+7 916 123-45-67", 12, -5],
    ]
    assert not exporter.is_busy()


def test_the_context_menu_offers_export_and_csv_follows_the_chosen_filter(
    qtbot: QtBot, tmp_path: Path, translations: Translations, russian_numbers: None
) -> None:
    table = make_table(qtbot)
    install_table_export(table, "Клиенты")
    exporter = table_exporter(table)
    assert exporter is not None
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert exporter.action in table.actions()
    assert exporter.action.text() == "Export…"
    exporter.ask_target = lambda _suggested: export_target(tmp_path / "clients", ExportFormat.CSV)

    with qtbot.waitSignal(exporter.exported):
        exporter.action.trigger()

    text = (tmp_path / "clients.csv").read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [
        ["Клиент", "Заметка", "Код", "Сумма", "Доля"],
        ["Иван Петров", "'=HYPERLINK(1)", "007", "1234567", "3,5"],
        ["Ольга", "'+7 916 123-45-67", "12", "-5", "-0,25"],
    ]


def test_a_file_that_cannot_be_written_is_a_clear_message(
    qtbot: QtBot, tmp_path: Path, translations: Translations, qapp: QApplication
) -> None:
    table = make_table(qtbot)
    install_table_export(table, "Клиенты")
    exporter = table_exporter(table)
    assert exporter is not None
    missing = tmp_path / "nowhere" / "clients.xlsx"
    exporter.ask_target = lambda _suggested: (missing, ExportFormat.XLSX)
    table.show()

    with qtbot.waitSignal(exporter.failed) as failure:
        exporter.action.trigger()

    assert failure.args == [f"The folder of {missing} does not exist."]
    box = table.findChild(QMessageBox, "tableExportError")
    assert isinstance(box, QMessageBox) and box.text() == failure.args[0]
    box.close()
    assert not missing.parent.exists()


def test_cancelling_the_file_choice_writes_nothing(
    qtbot: QtBot, tmp_path: Path, translations: Translations
) -> None:
    table = make_table(qtbot)
    install_table_export(table, "Клиенты")
    exporter = table_exporter(table)
    assert exporter is not None
    exporter.ask_target = lambda _suggested: None
    exporter.action.trigger()
    assert not exporter.is_busy() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("chosen", "fallback", "expected"),
    [
        ("a.csv", ExportFormat.XLSX, ("a.csv", ExportFormat.CSV)),
        ("a.XLSX", ExportFormat.CSV, ("a.XLSX", ExportFormat.XLSX)),
        ("a", ExportFormat.CSV, ("a.csv", ExportFormat.CSV)),
        ("отчёт.за.май", ExportFormat.XLSX, ("отчёт.за.май.xlsx", ExportFormat.XLSX)),
    ],
)
def test_the_extension_decides_the_format(
    chosen: str, fallback: ExportFormat, expected: tuple[str, ExportFormat]
) -> None:
    path, file_format = export_target(Path(chosen), fallback)
    assert (path.name, file_format) == expected


def test_the_lead_lists_page_exports_its_table(
    qtbot: QtBot, sqlite_db: Database, admin: Actor, translations: Translations, tmp_path: Path
) -> None:
    with sqlite_db.session() as session:
        session.add(LeadList(name="=Автосалоны", hypothesis="меняют машину", rows_imported=7))
    panel = LeadListsPanel(context_for(sqlite_db, admin, translations), None)
    qtbot.addWidget(panel)
    panel.show()
    exporter = table_exporter(panel.table)
    assert exporter is not None and exporter.title() == "Lead lists"
    exporter.ask_target = lambda _suggested: (tmp_path / "lists.xlsx", ExportFormat.XLSX)

    with qtbot.waitSignal(exporter.exported):
        exporter.action.trigger()

    sheet = openpyxl.load_workbook(tmp_path / "lists.xlsx").active
    assert sheet is not None and sheet.title == "Lead lists"
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows())
    model = panel.table.model()
    assert header == [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(len(header))
    ]
    assert row[0] == "'=Автосалоны"
    assert 7 in row  # the imported count, a number
