"""The import wizard driven like a person would: real files, a real database, real Qt widgets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QWizard
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from operator_app.core.column_mapping import ColumnMapping, Field
from operator_app.core.importing.service import save_mapping
from operator_app.core.roles import Actor, Role
from operator_app.core.settings import AppSettings
from operator_app.gui.i18n import Translations
from operator_app.gui.importing import ImportWizard, PageId
from operator_app.gui.importing.field_delegate import FieldComboBox
from operator_app.gui.importing.mapping_model import MappingColumn
from operator_app.gui.importing.run_page import RunState
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Lead, LeadList, Phone, User

RUSSIAN_HEADERS = ["ФИО", "Телефон", "Компания", "ИНН", "Город", "Примечание"]
VALID_INNS = ("7707083893", "7736207543")


def _supervisor(database: Database) -> Actor:
    # Directly, without a usable password: hashing one costs time and proves nothing here.
    with database.session() as session:
        user = User(
            login="super",
            display_name="Супервайзер",
            role=Role.SUPERVISOR.value,
            password_hash="!",
            active=True,
        )
        session.add(user)
        session.flush()
        return Actor(user.id, user.login, user.display_name, Role.SUPERVISOR)


def _phone(number: int) -> str:
    """Distinct valid Russian mobile numbers, written as people type them."""
    digits = f"{number:07d}"
    return f"8 (912) {digits[:3]}-{digits[3:5]}-{digits[5:]}"


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(RUSSIAN_HEADERS)
        writer.writerows(rows)
    return path


def _sample_rows() -> list[list[str]]:
    """6 rows: 3 good, one repeats a number of an earlier row, one bad phone, one bad INN."""
    return [
        ["Иванов Иван", _phone(1), "ООО Ромашка", VALID_INNS[0], "Казань", "после 18:00"],
        ["Петров Пётр", _phone(2), "ООО Ромашка", VALID_INNS[0], "Казань", ""],
        ["Сидорова Анна", "тел. " + _phone(3) + ", после 18:00", "", "", "Пермь", ""],
        ["Дубль Иванова", _phone(1), "", "", "", ""],
        ["Без телефона", "8912", "", "", "", ""],
        ["Плохой ИНН", _phone(5), "ООО Лютик", "7707083894", "", ""],
    ]


def _table_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(autouse=True)
def _english(translations: Translations) -> Translations:
    """The texts asserted below are the English sources."""
    return translations


@pytest.fixture
def supervisor(sqlite_db: Database) -> Actor:
    return _supervisor(sqlite_db)


def _wizard(qtbot: QtBot, database: Database, actor: Actor) -> ImportWizard:
    wizard = ImportWizard(database, actor, AppSettings())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _load(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.open_file(path)
    qtbot.waitUntil(lambda: not wizard.file_page.is_loading(), timeout=10_000)


def _next(wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    if wizard.currentPage().isCommitPage():
        button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled(), f"Next is disabled on page {wizard.currentId()}"
    button.click()


def _to_details(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    _load(qtbot, wizard, path)
    _next(wizard)
    assert wizard.currentId() == PageId.MAPPING
    _next(wizard)
    assert wizard.currentId() == PageId.DETAILS


def _import(qtbot: QtBot, wizard: ImportWizard, list_name: str) -> None:
    wizard.details_page.name_edit.setText(list_name)
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        _next(wizard)
    assert wizard.currentId() == PageId.RESULT


def _count_text(wizard: ImportWizard, key: str) -> str:
    return wizard.result_page._count_values[key].text()


# --- step 1: the file ---------------------------------------------------------------------------


def test_the_file_step_shows_what_was_detected_and_a_preview(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    path = _write_csv(tmp_path / "Клиенты март.csv", _sample_rows())

    _load(qtbot, wizard, path)

    page = wizard.file_page
    assert page.isComplete()
    summary = page.summary_label.text()
    assert "CSV" in summary and "Windows-1251" in summary and ";" in summary
    assert "6" in summary
    assert page.preview_model.columnCount() == len(RUSSIAN_HEADERS)
    assert page.preview_model.rowCount() == 6
    assert page.preview_model.headerData(0, Qt.Orientation.Horizontal) == "ФИО"
    assert page.preview_model.headerData(0, Qt.Orientation.Vertical) == 2  # as in Excel
    assert not page.error_label.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("прайс.pdf", b"%PDF-1.4 binary", "is not a spreadsheet"),
        ("пусто.csv", b"", "has nothing to import"),
        ("номера.csv", b"89123456789\n89123456780\n", "must hold column names"),
    ],
)
def test_an_unreadable_file_is_named_with_its_problem_and_the_step_stays(
    qtbot: QtBot,
    sqlite_db: Database,
    supervisor: Actor,
    tmp_path: Path,
    name: str,
    content: bytes,
    expected: str,
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    path = tmp_path / name
    path.write_bytes(content)

    _load(qtbot, wizard, path)

    message = wizard.file_page.error_label.text()
    assert wizard.file_page.error_label.isVisible()
    assert name in message and expected in message
    assert not wizard.file_page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.currentId() == PageId.FILE


def test_a_missing_file_typed_in_and_entered_is_reported(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    wizard.file_page.path_edit.setText(str(tmp_path / "нет такого.csv"))
    qtbot.keyClick(wizard.file_page.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.file_page.error_label.isVisible(), timeout=5000)
    assert "нет такого.csv" in wizard.file_page.error_label.text()
    assert "does not exist" in wizard.file_page.error_label.text()
    assert wizard.currentId() == PageId.FILE


def test_enter_reads_the_typed_path_then_goes_on(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "list.csv", _sample_rows())
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    edit = wizard.file_page.path_edit
    edit.setText(str(path))
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # reads the file; Next is not enabled yet
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    assert wizard.currentId() == PageId.FILE
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # now Enter is Next
    assert wizard.currentId() == PageId.MAPPING


def test_a_file_dropped_on_the_wizard_is_read(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "dropped.csv", _sample_rows())
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(QPoint(20, 20)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    wizard.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    assert wizard.file_page.path_edit.text() == str(path)


# --- step 2: the mapping ------------------------------------------------------------------------


def test_the_mapping_step_suggests_fields_for_russian_headers(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)

    page = wizard.mapping_page
    expected = {
        "ФИО": Field.NAME,
        "Телефон": Field.PHONE,
        "Компания": Field.COMPANY,
        "ИНН": Field.INN,
        "Город": Field.CITY,
        "Примечание": Field.COMMENT,
    }
    assert {header: page.field_of(header) for header in RUSSIAN_HEADERS} == expected
    # Each row shows the header, sample values and a combo with the field's label.
    model = page.model
    assert model.data(model.index(1, MappingColumn.HEADER)) == "Телефон"
    assert "8 (912) 000-00-01" in model.data(model.index(1, MappingColumn.SAMPLES))
    combo = page.view.indexWidget(model.index(1, MappingColumn.FIELD))
    assert isinstance(combo, FieldComboBox) and combo.field() is Field.PHONE
    assert combo.currentText() == "Phone"
    assert page.source_edit.text() == "leads"
    assert page.save_checkbox.isChecked()
    assert "leads" in page.save_checkbox.text()
    assert page.isComplete() and not page.problem_label.isVisible()


def test_the_mapping_step_refuses_a_mapping_without_a_phone_column(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)
    page = wizard.mapping_page
    combo = page.view.indexWidget(page.model.index(1, MappingColumn.FIELD))
    assert isinstance(combo, FieldComboBox)

    # The person picks "Do not import" for the phone column in its combo.
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)

    assert page.field_of("Телефон") is Field.IGNORE
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert page.problem_label.isVisible()
    assert "No column is marked as “Phone”" in page.problem_label.text()

    qtbot.keyClick(combo, Qt.Key.Key_Home)  # Phone is the first choice
    assert page.field_of("Телефон") is Field.PHONE
    assert page.isComplete() and not page.problem_label.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_field_chosen_for_two_columns_is_refused_and_both_rows_are_marked(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)
    page = wizard.mapping_page

    page.set_field("Компания", Field.NAME)

    assert not page.isComplete()
    text = page.problem_label.text()
    assert "“Contact name” is chosen for several columns" in text
    assert "“ФИО”" in text and "“Компания”" in text
    marked = {
        page.model.data(page.model.index(row, 0))
        for row in range(page.model.rowCount())
        if page.model.data(page.model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None
    }
    assert marked == {"ФИО", "Компания"}
    # Several phone columns are fine.
    page.set_field("Компания", Field.PHONE)
    assert page.isComplete()


def test_tab_moves_from_one_columns_field_to_the_next(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    qtbot.waitActive(wizard)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)
    page = wizard.mapping_page
    combos = [
        page.view.indexWidget(page.model.index(row, MappingColumn.FIELD))
        for row in range(page.model.rowCount())
    ]
    qtbot.waitUntil(lambda: combos[0].hasFocus(), timeout=2000)  # the first column's field
    qtbot.keyClick(combos[0], Qt.Key.Key_Tab)
    assert combos[1].hasFocus()
    assert page.field_of("ФИО") is Field.NAME  # Tab moved on without changing anything


def test_a_saved_mapping_is_reused_for_the_next_file_of_the_same_source(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    first = _write_csv(tmp_path / "leads.csv", _sample_rows())
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, first)
    _next(wizard)
    page = wizard.mapping_page
    page.set_field("Примечание", Field.IGNORE)  # this supplier's notes are useless
    page.source_edit.setText("Партнёр Альфа")
    assert page.save_checkbox.isChecked()
    assert "“Партнёр Альфа”" in page.save_checkbox.text()
    _next(wizard)
    _import(qtbot, wizard, "Альфа, март")
    assert "Партнёр Альфа" in wizard.result_page.mapping_label.text()
    wizard.accept()

    # The next file from that supplier has another name and its columns in another order.
    second_dir = tmp_path / "april"
    second_dir.mkdir()
    second = second_dir / "leads-april.csv"
    with second.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=",")
        writer.writerow(["Примечание", "Телефон", "ФИО"])
        writer.writerow(["перезвонить", _phone(40), "Новый Клиент"])
    again = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, again, second)
    _next(again)
    page = again.mapping_page
    assert page.field_of("Примечание") is Field.COMMENT  # a fresh suggestion for "leads-april"
    assert not page.use_saved_button.isEnabled()
    page.source_edit.setText("Партнёр Альфа")
    qtbot.waitUntil(page.use_saved_button.isEnabled, timeout=2000)  # checked once typing pauses
    page.use_saved_button.click()
    assert page.field_of("Примечание") is Field.IGNORE
    assert page.field_of("Телефон") is Field.PHONE
    assert "saved for the source “Партнёр Альфа”" in page.origin_label.text()
    assert "Компания" in page.origin_label.text()  # the saved mapping's columns this file lacks
    assert page.isComplete()


def test_a_file_from_a_known_source_gets_its_saved_mapping_at_once(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    fields = dict.fromkeys(RUSSIAN_HEADERS, Field.CUSTOM)
    fields.update({"Телефон": Field.PHONE, "ФИО": Field.IGNORE})
    save_mapping(sqlite_db, supervisor, "weekly", ColumnMapping(fields))

    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, _write_csv(tmp_path / "weekly.csv", _sample_rows()))
    _next(wizard)

    page = wizard.mapping_page
    assert page.field_of("ФИО") is Field.IGNORE
    assert page.field_of("Компания") is Field.CUSTOM
    assert "“weekly”" in page.origin_label.text()
    assert not page.save_checkbox.isChecked()  # nothing new to save


# --- the whole import ---------------------------------------------------------------------------


def _full_import(qtbot: QtBot, database: Database, actor: Actor, tmp_path: Path) -> ImportWizard:
    path = _write_csv(tmp_path / "Стоматологии Казань.csv", _sample_rows())
    wizard = _wizard(qtbot, database, actor)
    imported: list[int] = []
    wizard.imported.connect(imported.append)
    _to_details(qtbot, wizard, path)
    details = wizard.details_page
    assert details.name_edit.text() == "Стоматологии Казань"  # suggested from the file
    assert details.region_combo.currentData() == "RU"
    details.hypothesis_edit.setPlainText("Новым клиникам нужен поток пациентов")
    details.abc_combo.setCurrentIndex(details.abc_combo.findData("A"))
    details.priority_spin.setValue(70)
    _import(qtbot, wizard, "Стоматологии Казань, март")

    with database.session() as session:
        lead_list = session.scalars(select(LeadList)).one()
        assert imported == [lead_list.id]
        assert lead_list.name == "Стоматологии Казань, март"
        assert lead_list.hypothesis == "Новым клиникам нужен поток пациентов"
        assert (lead_list.abc_class, lead_list.priority) == ("A", 70)
        leads = session.scalars(select(Lead).where(Lead.list_id == lead_list.id)).all()
        assert len(leads) == 3
        numbers = set(session.scalars(select(Phone.e164)))
        assert numbers == {"+79120000001", "+79120000002", "+79120000003"}
    return wizard


def test_a_full_import_shows_the_counts_and_writes_the_leads(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _full_import(qtbot, sqlite_db, supervisor, tmp_path)

    counts = {
        key: _count_text(wizard, key)
        for key in ("read", "imported", "duplicates", "rejected", "blocked")
    }
    assert counts == {
        "read": "6",
        "imported": "3",
        "duplicates": "1",
        "rejected": "2",
        "blocked": "0",
    }
    result = wizard.result_page
    assert result.rejected_model.rowCount() == 2
    assert [result.rejected_model.data(result.rejected_model.index(r, 0)) for r in range(2)] == [
        6,
        7,
    ]
    assert result.rejected_model.data(result.rejected_model.index(0, 1)) == "No valid phone number"
    assert (
        result.rejected_model.data(result.rejected_model.index(1, 1))
        == "The INN fails its checksum"
    )
    assert result.rejected_model.data(result.rejected_model.index(0, 3)) == "Без телефона"
    duplicates = result.duplicate_model
    assert duplicates.rowCount() == 1
    assert duplicates.data(duplicates.index(0, 0)) == 5
    assert duplicates.data(duplicates.index(0, 1)) == "+7 912 000-00-01"
    assert "row 2 of this file" in duplicates.data(duplicates.index(0, 2))
    assert result.tabs.tabText(0) == "Rejected rows (2)"
    # No Back onto the finished import, and Finish closes the wizard.
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()


@pytest.mark.pg
def test_a_full_import_on_postgresql(qtbot: QtBot, pg_db: Database, tmp_path: Path) -> None:
    wizard = _full_import(qtbot, pg_db, _supervisor(pg_db), tmp_path)
    assert _count_text(wizard, "imported") == "3"


def test_the_list_can_go_to_a_campaign(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    with sqlite_db.session() as session:
        session.add(Campaign(name="Стоматологии"))
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    combo = wizard.details_page.campaign_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "Стоматологии"]
    combo.setCurrentIndex(1)
    _import(qtbot, wizard, "В кампанию")
    with sqlite_db.session() as session:
        campaign_id = session.scalar(select(Campaign.id))
        assert session.scalar(select(LeadList.campaign_id)) == campaign_id


def test_a_taken_list_name_is_shown_next_to_the_name(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "leads.csv", _sample_rows())
    first = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, first, path)
    _import(qtbot, first, "Одно имя")
    first.accept()
    before = _table_counts(sqlite_db)

    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, path)
    wizard.details_page.name_edit.setText("Одно имя")
    with qtbot.waitSignal(wizard.run_page.failed, timeout=10_000):
        _next(wizard)

    assert wizard.currentId() == PageId.DETAILS
    error = wizard.details_page.name_error
    assert error.isVisible() and "already exists" in error.text()
    assert wizard.details_page.name_edit.hasFocus()
    assert _table_counts(sqlite_db) == before
    wizard.details_page.name_edit.setText("Другое имя")  # typing clears the message
    assert not error.isVisible()
    _import(qtbot, wizard, "Другое имя")


def test_a_failed_import_says_why_and_saves_nothing(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "leads.csv", _sample_rows())
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, path)
    before = _table_counts(sqlite_db)
    path.unlink()  # e.g. the file was on a USB stick that was pulled out

    with qtbot.waitSignal(wizard.run_page.failed, timeout=10_000):
        _next(wizard)

    page = wizard.run_page
    assert page.state is RunState.FAILED
    assert "The import failed: nothing was saved." in page.status_label.text()
    assert "“leads.csv”" in page.error_label.text()
    assert page.retry_button.isVisible()
    assert _table_counts(sqlite_db) == before
    assert wizard.currentId() == PageId.RUN


def test_cancel_mid_import_leaves_the_database_as_it_was(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    rows = [[f"Клиент {n}", _phone(n), "", "", "", ""] for n in range(30_000)]
    path = _write_csv(tmp_path / "big.csv", rows)
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, path)
    before = _table_counts(sqlite_db)
    page = wizard.run_page
    progress: list[tuple[int, int]] = []

    wizard.details_page.name_edit.setText("Большой список")
    _next(wizard)
    assert page.state is RunState.RUNNING
    assert page.cancel_button.isVisible() and page.cancel_button.isEnabled()
    task = page._task
    assert task is not None
    task.progressed.connect(lambda done, total: progress.append((done, total)))
    qtbot.waitUntil(lambda: bool(progress), timeout=30_000)
    assert progress[0][1] == 30_000
    assert page.progress_bar.maximum() == 30_000 and page.progress_bar.value() > 0

    page.cancel_button.click()
    qtbot.waitUntil(lambda: page.state is RunState.CANCELLED, timeout=30_000)

    assert page.status_label.text() == "Import cancelled: nothing was saved."
    assert progress[-1][0] < 30_000
    assert _table_counts(sqlite_db) == before
    assert wizard.currentId() == PageId.RUN
    assert page.retry_button.isVisible()
    # Back to the details, everything kept, and the import can run again.
    page.retry_button.click()
    assert wizard.currentId() == PageId.DETAILS
    assert wizard.details_page.name_edit.text() == "Большой список"
    _import(qtbot, wizard, "Большой список")
    assert _count_text(wizard, "imported") == "30,000"


def test_escape_during_the_import_cancels_it_instead_of_closing(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    rows = [[f"Клиент {n}", _phone(n), "", "", "", ""] for n in range(30_000)]
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, _write_csv(tmp_path / "big.csv", rows))
    before = _table_counts(sqlite_db)
    wizard.details_page.name_edit.setText("Большой список")
    _next(wizard)

    wizard.reject()  # what Esc and the Cancel button do

    assert wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.run_page.state is RunState.CANCELLED, timeout=30_000)
    assert _table_counts(sqlite_db) == before
    wizard.reject()
    assert not wizard.isVisible()


# --- the result ---------------------------------------------------------------------------------


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_rejected_rows_are_saved_in_the_inputs_encoding_and_can_be_opened(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _full_import(qtbot, sqlite_db, supervisor, tmp_path)
    result = wizard.result_page
    assert result.save_button.isEnabled()
    assert not result.open_button.isVisible()
    target = tmp_path / "отказы.csv"

    assert result.save_rejected_rows(target) == 2

    with target.open(encoding="cp1251", newline="") as stream:
        saved = list(csv.reader(stream, delimiter=";"))
    assert saved[0] == ["row", "reason", *RUSSIAN_HEADERS]
    assert [line[0] for line in saved[1:]] == ["6", "7"]
    assert saved[1][2:] == _sample_rows()[4]
    assert "8912" in saved[1][1]
    assert "ИНН" in saved[2][1]
    assert str(target) in result.saved_label.text()

    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        assert result.open_button.isVisible() and result.open_button.isEnabled()
        result.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in catcher.urls] == [str(target)]


def test_the_result_says_so_when_nothing_was_rejected(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "clean.csv", _sample_rows()[:3])
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _to_details(qtbot, wizard, path)
    _import(qtbot, wizard, "Чистый")
    result = wizard.result_page
    assert not result.save_button.isEnabled()
    assert result._rejected_stack.currentWidget() is result._rejected_stack.message
    assert "No row was rejected" in result._rejected_stack.message.text()


# --- models -------------------------------------------------------------------------------------


def test_every_table_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    qtmodeltester.check(wizard.file_page.preview_model)
    qtmodeltester.check(wizard.mapping_page.model)
    qtmodeltester.check(wizard.result_page.rejected_model)
    qtmodeltester.check(wizard.result_page.duplicate_model)
    wizard.close()

    full = _full_import(qtbot, sqlite_db, supervisor, tmp_path)
    qtmodeltester.check(full.file_page.preview_model)
    qtmodeltester.check(full.mapping_page.model)
    qtmodeltester.check(full.result_page.rejected_model)
    qtmodeltester.check(full.result_page.duplicate_model)


def test_an_excel_workbook_is_imported_from_the_chosen_sheet(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "база.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    notes = workbook.add_worksheet("Заметки")
    notes.write_row(0, 0, ["Что это", "Кто"])
    notes.write_row(1, 0, ["Список от партнёра", "Анна"])
    leads = workbook.add_worksheet("Лиды")
    leads.write_row(0, 0, ["ФИО", "Телефон"])
    leads.write_row(1, 0, ["Иванов Иван", "89120000001"])
    leads.write_number(2, 1, 89120000002)  # a phone typed as a number
    leads.write_string(2, 0, "Петров Пётр")
    workbook.close()

    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, path)
    page = wizard.file_page
    assert "Excel workbook" in page.summary_label.text()
    assert page.sheet_combo.isVisible()
    assert [page.sheet_combo.itemText(i) for i in range(2)] == ["Заметки", "Лиды"]
    assert page.preview_model.headerData(0, Qt.Orientation.Horizontal) == "Что это"

    page.sheet_combo.setCurrentIndex(1)
    page.sheet_combo.activated.emit(1)  # what choosing it with the keyboard or mouse does
    qtbot.waitUntil(lambda: page.isComplete() and "“Лиды”" in page.summary_label.text())
    assert page.preview_model.rowCount() == 2

    _next(wizard)
    _next(wizard)
    _import(qtbot, wizard, "Из Excel")
    assert _count_text(wizard, "imported") == "2"
    with sqlite_db.session() as session:
        assert set(session.scalars(select(Phone.e164))) == {"+79120000001", "+79120000002"}


def test_the_whole_import_runs_from_the_keyboard(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "keyboard.csv", _sample_rows())
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    qtbot.waitActive(wizard)

    def press(key: Qt.Key) -> None:
        focused = QApplication.focusWidget()
        assert focused is not None and wizard.isAncestorOf(focused)
        qtbot.keyClick(focused, key)

    qtbot.waitUntil(wizard.file_page.path_edit.hasFocus, timeout=2000)
    wizard.file_page.path_edit.setText(str(path))
    press(Qt.Key.Key_Return)  # reads the file
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    press(Qt.Key.Key_Return)  # Next
    assert wizard.currentId() == PageId.MAPPING
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), FieldComboBox), timeout=2000)
    press(Qt.Key.Key_Return)  # Next, from a field's combo
    assert wizard.currentId() == PageId.DETAILS
    qtbot.waitUntil(wizard.details_page.name_edit.hasFocus, timeout=2000)
    wizard.details_page.name_edit.setText("С клавиатуры")
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        press(Qt.Key.Key_Return)  # Import
    assert wizard.currentId() == PageId.RESULT
    qtbot.waitUntil(lambda: wizard.result_page.save_button.hasFocus(), timeout=2000)
    press(Qt.Key.Key_Return)  # Finish
    assert not wizard.isVisible()
    assert wizard.result() == QDialog.DialogCode.Accepted


def test_escape_in_a_fields_combo_closes_the_wizard(
    qtbot: QtBot, sqlite_db: Database, supervisor: Actor, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    qtbot.waitActive(wizard)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), FieldComboBox), timeout=2000)
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_switching_the_language_with_the_wizard_open_keeps_its_state(
    qtbot: QtBot,
    sqlite_db: Database,
    supervisor: Actor,
    tmp_path: Path,
    translations: Translations,
) -> None:
    wizard = _wizard(qtbot, sqlite_db, supervisor)
    _load(qtbot, wizard, _write_csv(tmp_path / "leads.csv", _sample_rows()))
    _next(wizard)
    wizard.mapping_page.set_field("Примечание", Field.IGNORE)

    translations.apply("ru")
    QApplication.processEvents()  # deliver LanguageChange to every widget
    translations.apply("en")
    QApplication.processEvents()

    page = wizard.mapping_page
    assert page.field_of("Примечание") is Field.IGNORE
    assert page.source_edit.text() == "leads"
    assert page.isComplete()
    combo = page.view.indexWidget(page.model.index(0, MappingColumn.FIELD))
    assert isinstance(combo, FieldComboBox) and combo.currentText() == "Contact name"
