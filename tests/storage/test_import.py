"""Importing lead lists into a real database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import func, select

from operator_app.core.column_mapping import ColumnMapping, Field, MappingError, suggest_mapping
from operator_app.core.errors import PermissionDenied, ValidationFailed
from operator_app.core.importing import service
from operator_app.core.importing.service import import_list, save_mapping, saved_mapping
from operator_app.core.importing.types import ImportCancelled, ImportOptions, ImportReport
from operator_app.core.roles import Actor, Role
from operator_app.core.tabular import TableError, open_table
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    Campaign,
    Company,
    Contact,
    DoNotCall,
    Lead,
    LeadList,
    Phone,
    User,
)

HEADERS = ["ФИО", "Телефон", "Компания", "ИНН", "Город", "Источник"]
INN_A = "7707083893"
INN_B = "7736207543"


def make_user(database: Database, role: Role = Role.SUPERVISOR, login: str = "boss") -> Actor:
    with database.session() as session:
        user = User(login=login, display_name=login.title(), role=role.value, password_hash="-")
        session.add(user)
        session.flush()
        return Actor(user.id, user.login, user.display_name, role)


def write_csv(
    path: Path, rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "cp1251"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run_import(
    database: Database,
    actor: Actor,
    path: Path,
    list_name: str = "Выставка 2024",
    **options: object,
) -> ImportReport:
    table = open_table(path)
    mapping = suggest_mapping(table.info.headers)
    return import_list(
        database,
        actor,
        table,
        mapping,
        ImportOptions(list_name=list_name, **options),  # type: ignore[arg-type]
    )


def table_counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def boss(db: Database) -> Actor:
    return make_user(db)


def test_an_import_counts_every_row_and_writes_contacts_phones_and_leads(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Иванов", "8 (912) 345-67-89", "", "", "Екатеринбург", "выставка"],
            ["Петров", "+7 916 111 22 33, 8 (343) 222-33-44", "", "", "", ""],
            ["Сидоров", "8 912 345", "", "", "", ""],
            ["Дубль", "89123456789", "", "", "", ""],
        ],
    )
    report = run_import(db, boss, path, hypothesis="Гипотеза", abc_class="A", priority=70)

    assert report.counts() == {
        "read": 4,
        "imported": 2,
        "duplicates": 1,
        "rejected": 1,
        "blocked": 0,
    }
    assert report.read == report.imported + report.duplicates + report.rejected + report.blocked
    with db.session() as session:
        lead_list = session.get_one(LeadList, report.list_id)
        assert (lead_list.name, lead_list.source, lead_list.hypothesis) == (
            "Выставка 2024",
            "list.csv",
            "Гипотеза",
        )
        assert (lead_list.abc_class, lead_list.priority, lead_list.created_by_id) == (
            "A",
            70,
            boss.user_id,
        )
        assert (
            lead_list.rows_read,
            lead_list.rows_imported,
            lead_list.rows_duplicate,
            lead_list.rows_rejected,
            lead_list.rows_blocked,
        ) == (4, 2, 1, 1, 0)
        leads = session.scalars(select(Lead).order_by(Lead.id)).all()
        assert [(lead.state, lead.source, lead.priority) for lead in leads] == [
            ("new", "list", 70),
            ("new", "list", 70),
        ]
        assert {lead.list_id for lead in leads} == {report.list_id}
        ivanov = session.scalars(select(Contact).where(Contact.full_name == "Иванов")).one()
        assert ivanov.city == "Екатеринбург"
        assert ivanov.custom_fields == {"Источник": "выставка"}
        petrov = session.scalars(select(Contact).where(Contact.full_name == "Петров")).one()
        phones = session.scalars(
            select(Phone).where(Phone.contact_id == petrov.id).order_by(Phone.e164)
        ).all()
        assert [(phone.e164, phone.kind) for phone in phones] == [
            ("+73432223344", "landline"),
            ("+79161112233", "mobile"),
        ]
        assert phones[0].raw == "+7 916 111 22 33, 8 (343) 222-33-44"
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.entity_id)).all()
        assert [(entry.entity, entry.entity_id, entry.action) for entry in audit] == [
            ("lead", leads[0].id, "imported"),
            ("lead", leads[1].id, "imported"),
        ]
        assert {entry.user_id for entry in audit} == {boss.user_id}
        assert audit[0].after == {"state": "new"}
        assert audit[0].before is None


def test_a_duplicate_within_the_file_names_the_earlier_row_and_its_lead(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Первый", "89123456789", "", "", "", ""],
            ["Второй", "89161112233", "", "", "", ""],
            ["Повтор", "+7 (916) 111-22-33", "", "", "", ""],
        ],
    )
    report = run_import(db, boss, path)
    [duplicate] = report.duplicate_rows
    assert (duplicate.line_number, duplicate.e164, duplicate.matched_line_number) == (
        4,
        "+79161112233",
        3,
    )
    with db.session() as session:
        lead_of_row_3 = session.scalars(
            select(Lead.id).join(Contact).where(Contact.full_name == "Второй")
        ).one()
    assert duplicate.matched_lead_id == lead_of_row_3


def test_a_duplicate_of_a_lead_in_the_database_names_that_lead(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", [["Первый", "89123456789", "", "", "", ""]])
    run_import(db, boss, first, list_name="Первый список")
    with db.session() as session:
        existing_lead = session.scalars(select(Lead.id)).one()

    second = write_csv(
        tmp_path / "second.csv",
        [
            ["Новый", "89160000000", "", "", "", ""],
            ["Снова", "тел. +7 912 345-67-89", "", "", "", ""],
        ],
    )
    report = run_import(db, boss, second, list_name="Второй список")
    assert (report.imported, report.duplicates) == (1, 1)
    [duplicate] = report.duplicate_rows
    assert (duplicate.line_number, duplicate.e164) == (3, "+79123456789")
    assert (duplicate.matched_lead_id, duplicate.matched_line_number) == (existing_lead, None)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Phone)) == 2


def test_rows_sharing_an_inn_become_contacts_of_one_company(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Директор", "89120000001", 'ООО "Ромашка"', INN_A, "", ""],
            ["Бухгалтер", "89120000002", "Ромашка", f"ИНН {INN_A}", "", ""],
            ["Другой", "89120000003", "Лютик", INN_B, "", ""],
            ["Без компании", "89120000004", "", "", "", ""],
        ],
    )
    run_import(db, boss, path)
    with db.session() as session:
        companies = session.scalars(select(Company).order_by(Company.inn)).all()
        assert [(company.inn, company.name) for company in companies] == [
            (INN_A, 'ООО "Ромашка"'),
            (INN_B, "Лютик"),
        ]
        staff = session.scalars(
            select(Contact.full_name)
            .where(Contact.company_id == companies[0].id)
            .order_by(Contact.full_name)
        ).all()
        assert staff == ["Бухгалтер", "Директор"]
        loner = session.scalars(select(Contact).where(Contact.full_name == "Без компании")).one()
        assert loner.company_id is None


def test_an_inn_already_in_the_database_joins_its_company(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    with db.session() as session:
        company = Company(name="Ромашка (уже в базе)", inn=INN_A)
        session.add(company)
        session.flush()
        company_id = company.id
    path = write_csv(tmp_path / "list.csv", [["Новый", "89120000001", "Ромашка", INN_A, "", ""]])
    run_import(db, boss, path)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == 1
        contact = session.scalars(select(Contact)).one()
        assert contact.company_id == company_id


def test_rows_naming_the_same_company_without_an_inn_share_it(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Первый", "89120000001", "Ромашка", "", "", ""],
            ["Второй", "89120000002", " ромашка ", "", "", ""],
        ],
    )
    run_import(db, boss, path)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == 1


def test_numbers_on_the_do_not_call_list_are_imported_as_blocked(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    with db.session() as session:
        session.add(DoNotCall(e164="+79120000002", reason="просил не звонить"))
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Можно", "89120000001", "", "", "", ""],
            ["Нельзя", "8 (912) 000-00-02", "", "", "", ""],
        ],
    )
    report = run_import(db, boss, path)
    assert report.counts() == {
        "read": 2,
        "imported": 1,
        "duplicates": 0,
        "rejected": 0,
        "blocked": 1,
    }
    with db.session() as session:
        query = select(Contact.full_name, Lead.state).join(Lead)
        states = {name: state for name, state in session.execute(query)}
        assert states == {"Можно": "new", "Нельзя": "blocked"}
        blocked_lead = session.scalars(select(Lead).where(Lead.state == "blocked")).one()
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == blocked_lead.id)
        ).one()
        assert audit.after == {"state": "blocked"}


def test_the_time_zone_is_stored_on_contact_and_phone_and_marked_when_guessed(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    with db.session() as session:
        session.add(Campaign(name="Омск", time_zone="Asia/Omsk"))
    path = write_csv(
        tmp_path / "list.csv",
        [
            ["Город", "89120000001", "", "", "Новосибирск", ""],
            ["Мобильный", "89120000002", "", "", "", ""],
            ["Городской", "8 (343) 222-33-44", "", "", "", ""],
        ],
    )
    run_import(db, boss, path, campaign_name="Омск")
    with db.session() as session:
        query = select(
            Contact.full_name,
            Contact.time_zone,
            Contact.time_zone_guessed,
            Phone.time_zone,
            Phone.time_zone_guessed,
        ).join(Phone)
        zones = {name: (cz, cg, pz, pg) for name, cz, cg, pz, pg in session.execute(query)}
    assert zones == {
        "Город": ("Asia/Novosibirsk", False, "Asia/Novosibirsk", False),
        "Мобильный": ("Asia/Omsk", True, "Asia/Omsk", True),
        "Городской": ("Asia/Yekaterinburg", False, "Asia/Yekaterinburg", False),
    }


def test_leads_go_to_the_named_campaign(db: Database, boss: Actor, tmp_path: Path) -> None:
    with db.session() as session:
        campaign = Campaign(name="Кредиты")
        session.add(campaign)
        session.flush()
        campaign_id = campaign.id
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    report = run_import(db, boss, path, campaign_name="Кредиты")
    with db.session() as session:
        assert session.scalars(select(Lead.campaign_id)).one() == campaign_id
        assert session.get_one(LeadList, report.list_id).campaign_id == campaign_id


def test_an_unknown_campaign_is_refused(db: Database, boss: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    before = table_counts(db)
    with pytest.raises(ValidationFailed) as caught:
        run_import(db, boss, path, campaign_name="Нет такой")
    assert caught.value.field == "campaign"
    assert table_counts(db) == before


def test_a_list_name_that_exists_is_refused(db: Database, boss: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    run_import(db, boss, path, list_name="Один")
    before = table_counts(db)
    with pytest.raises(ValidationFailed) as caught:
        run_import(db, boss, path, list_name=" Один ")
    assert (caught.value.field, caught.value.problem) == ("list_name", "exists")
    assert table_counts(db) == before


@pytest.mark.parametrize(
    ("option", "value"),
    [("abc_class", "D"), ("priority", -1), ("default_region", "XX"), ("list_name", "  ")],
)
def test_bad_options_are_refused_naming_the_option(
    db: Database, boss: Actor, tmp_path: Path, option: str, value: object
) -> None:
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    options: dict[str, object] = {"list_name": "Список", option: value}
    table = open_table(path)
    with pytest.raises(ValidationFailed) as caught:
        import_list(
            db,
            boss,
            table,
            suggest_mapping(table.info.headers),
            ImportOptions(**options),  # type: ignore[arg-type]
        )
    assert caught.value.field == option


def test_an_operator_may_not_import(db: Database, tmp_path: Path) -> None:
    operator = make_user(db, Role.OPERATOR, "operator")
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    with pytest.raises(PermissionDenied):
        run_import(db, operator, path)


def test_a_mapping_without_a_phone_column_is_refused(
    db: Database, boss: Actor, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    table = open_table(path)
    before = table_counts(db)
    with pytest.raises(MappingError):
        import_list(
            db, boss, table, ColumnMapping({"ФИО": Field.NAME}), ImportOptions(list_name="Список")
        )
    assert table_counts(db) == before


def many_rows(count: int) -> list[list[str]]:
    return [[f"Клиент {n}", f"8912{n:07d}", "", "", "", ""] for n in range(count)]


def test_progress_is_reported_per_batch_up_to_the_total(
    db: Database, boss: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 4)
    path = write_csv(tmp_path / "list.csv", many_rows(10))
    table = open_table(path)
    seen: list[tuple[int, int]] = []
    import_list(
        db,
        boss,
        table,
        suggest_mapping(table.info.headers),
        ImportOptions(list_name="Список"),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_cancel_between_batches_leaves_the_database_as_it_was(
    db: Database, boss: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = write_csv(tmp_path / "earlier.csv", [["Был", "89990000000", "", "", "", ""]])
    run_import(db, boss, earlier, list_name="Раньше")
    monkeypatch.setattr(service, "BATCH_ROWS", 3)
    path = write_csv(tmp_path / "list.csv", many_rows(10))
    table = open_table(path)
    before = table_counts(db)
    batches_done: list[int] = []
    with pytest.raises(ImportCancelled):
        import_list(
            db,
            boss,
            table,
            suggest_mapping(table.info.headers),
            ImportOptions(list_name="Отменённый"),
            progress=lambda done, _total: batches_done.append(done),
            cancelled=lambda: len(batches_done) >= 2,
        )
    assert batches_done == [3, 6]  # two batches were written before the cancel
    assert table_counts(db) == before
    # The name is free again, and the import can be repeated in full.
    report = run_import(db, boss, path, list_name="Отменённый")
    assert report.imported == 10


def test_an_error_in_the_middle_rolls_the_whole_import_back(
    db: Database, boss: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 3)
    path = write_csv(tmp_path / "list.csv", many_rows(10))
    table = open_table(path)
    before = table_counts(db)

    def fail_on_the_second_batch(done: int, _total: int) -> None:
        if done > 3:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        import_list(
            db,
            boss,
            table,
            suggest_mapping(table.info.headers),
            ImportOptions(list_name="Сломанный"),
            progress=fail_on_the_second_batch,
        )
    assert table_counts(db) == before


def test_a_file_that_becomes_unreadable_while_importing_rolls_the_import_back(
    db: Database, boss: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 100)
    path = write_csv(tmp_path / "list.csv", many_rows(1000))
    table = open_table(path)
    with path.open("ab") as stream:  # e.g. a file on a share rewritten by someone else
        stream.write(b"x" * 200_000 + b";89120000000\r\n")  # over the csv module's field limit
    before = table_counts(db)
    with pytest.raises(TableError):
        import_list(
            db, boss, table, suggest_mapping(table.info.headers), ImportOptions(list_name="Битый")
        )
    assert table_counts(db) == before


def test_an_xlsx_list_imports_like_a_csv(db: Database, boss: Actor, tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ["Иванов", "8 (912) 345-67-89", "Ромашка", INN_A, "Москва", "x"])
    sheet.write_row(2, 0, ["Числом", 89161112233, "", "", "", ""])
    workbook.close()
    report = run_import(db, boss, path)
    assert (report.read, report.imported, report.rejected) == (2, 2, 0)


def test_a_created_by_user_that_does_not_exist_is_recorded_as_nobody(
    db: Database, tmp_path: Path
) -> None:
    ghost = Actor(user_id=0, login="cli", display_name="Command line", role=Role.ADMIN)
    path = write_csv(tmp_path / "list.csv", [["Иванов", "89120000001", "", "", "", ""]])
    report = run_import(db, ghost, path)
    with db.session() as session:
        assert session.get_one(LeadList, report.list_id).created_by_id is None
        assert session.scalars(select(AuditEntry.user_id)).one() is None


def test_a_mapping_is_saved_per_source_and_replaced(db: Database, boss: Actor) -> None:
    assert saved_mapping(db, "supplier.csv") is None
    first = ColumnMapping({"Тел": Field.PHONE, "Имя": Field.NAME})
    save_mapping(db, boss, "supplier.csv", first)
    assert saved_mapping(db, "supplier.csv") == first
    second = ColumnMapping({"Тел": Field.PHONE, "Имя": Field.CUSTOM})
    save_mapping(db, boss, "supplier.csv", second)
    assert saved_mapping(db, "supplier.csv") == second
    assert saved_mapping(db, "other.csv") is None


def test_an_operator_may_not_save_a_mapping(db: Database) -> None:
    operator = make_user(db, Role.OPERATOR, "operator")
    with pytest.raises(PermissionDenied):
        save_mapping(db, operator, "supplier.csv", ColumnMapping({"Тел": Field.PHONE}))
