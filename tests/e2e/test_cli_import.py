"""`operator-app import` end to end: files in, counts and rejected rows out, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from operator_app.cli import main
from operator_app.core.column_mapping import ColumnMapping, Field
from operator_app.core.importing.service import save_mapping
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database, default_database_url
from operator_app.storage.models import Campaign, Contact, Lead, LeadList, User

HEADERS = ["ФИО", "Телефон", "ИНН", "Город"]
ROWS = [
    ["Иванов Иван", "8 (912) 345-67-89", "7707083893", "Москва"],
    ["Петров Пётр", "+7 916 111 22 33", "", "Екатеринбург"],
    ["Сидоров", "8 912 345", "", ""],  # truncated number: rejected
    ["Кузнецова", "89123456789", "", ""],  # duplicate of row 2
    ["Ошибкин", "89160000001", "7707083894", ""],  # INN checksum fails: rejected
]
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="cp1251", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(["import", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def embedded_database() -> Database:
    return Database(default_database_url())


def test_an_import_prints_the_counts_and_exits_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, err = run(capsys, str(path), "--list", "Выставка", "--hypothesis", "Ищут кредит")
    assert code == 0, err
    assert "read:       5  (data rows in the file)" in out
    assert any(line.startswith("imported:   2") for line in out)
    assert any(line.startswith("duplicates: 1") for line in out)
    assert any(line.startswith("rejected:   2") for line in out)
    assert any(line.startswith("blocked:    0") for line in out)
    database = embedded_database()
    with database.session() as session:
        lead_list = session.scalars(select(LeadList)).one()
        assert (lead_list.name, lead_list.hypothesis, lead_list.abc_class, lead_list.priority) == (
            "Выставка",
            "Ищут кредит",
            "B",
            50,
        )
        assert lead_list.created_by_id is None  # a fresh database has no administrator
        assert len(session.scalars(select(Lead)).all()) == 2
    database.dispose()


def test_json_puts_exactly_the_counts_on_the_last_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, _err = run(capsys, str(path), "--list", "Выставка", "--json")
    assert code == 0
    assert out[-1] == ('{"read": 5, "imported": 2, "duplicates": 1, "rejected": 2, "blocked": 0}')
    assert list(json.loads(out[-1])) == ["read", "imported", "duplicates", "rejected", "blocked"]


def test_rejected_rows_are_written_as_they_were_in_the_input_encoding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    rejected = tmp_path / "rejected.csv"
    code, out, _err = run(
        capsys, str(path), "--list", "Выставка", "--rejected-out", str(rejected), "--json"
    )
    assert code == 0
    assert json.loads(out[-1])["rejected"] == 2
    raw = rejected.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # cp1251 in, cp1251 out
    records = list(csv.reader(raw.decode("cp1251").splitlines(), delimiter=";"))
    assert records[0] == ["row", "reason", *HEADERS]
    assert [record[0] for record in records[1:]] == ["4", "6"]
    assert records[1][2:] == ROWS[2]
    assert records[2][2:] == ROWS[4]
    assert "Телефон" in records[1][1] and "8 912 345" in records[1][1]
    assert "ИНН" in records[2][1] and "7707083894" in records[2][1]


def test_the_command_acts_as_the_first_active_administrator(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["db", "upgrade"]) == 0
    database = embedded_database()
    with database.session() as session:
        session.add_all(
            [
                User(
                    login="old", display_name="Old", role="admin", password_hash="-", active=False
                ),
                User(login="boss", display_name="Boss", role="admin", password_hash="-"),
            ]
        )
    path = write_csv(tmp_path / "leads.csv", ROWS[:1])
    code, _out, err = run(capsys, str(path), "--list", "Выставка")
    assert code == 0, err
    with database.session() as session:
        boss_id = session.scalars(select(User.id).where(User.login == "boss")).one()
        assert session.scalars(select(LeadList.created_by_id)).one() == boss_id
    database.dispose()


def test_options_reach_the_list_and_its_leads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["db", "upgrade"]) == 0
    database = embedded_database()
    with database.session() as session:
        session.add(Campaign(name="Кредиты", time_zone="Asia/Omsk"))
    path = write_csv(tmp_path / "leads.csv", [["Казах", "8 (701) 123-45-67", "", ""]])
    code, _out, err = run(
        capsys,
        str(path),
        "--list", "Казахстан",
        "--abc", "A",
        "--priority", "90",
        "--campaign", "Кредиты",
        "--region", "kz",
    )  # fmt: skip
    assert code == 0, err
    with database.session() as session:
        lead = session.scalars(select(Lead)).one()
        lead_list = session.get_one(LeadList, lead.list_id)
        assert (lead_list.abc_class, lead_list.priority, lead.priority) == ("A", 90, 90)
        assert lead.campaign_id == lead_list.campaign_id is not None
        contact = session.get_one(Contact, lead.contact_id)
        assert contact.time_zone is not None
    database.dispose()


def test_the_saved_mapping_of_the_source_is_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["db", "upgrade"]) == 0
    database = embedded_database()
    admin = Actor(user_id=0, login="cli", display_name="CLI", role=Role.ADMIN)
    # Without the saved mapping "Номер" would not be recognised as a phone column.
    save_mapping(
        database,
        admin,
        "supplier.csv",
        ColumnMapping({"Клиент": Field.NAME, "Номер": Field.PHONE}),
    )
    path = write_csv(tmp_path / "supplier.csv", [["Иванов", "89123456789"]], ["Клиент", "Номер"])
    code, out, err = run(capsys, str(path), "--list", "Поставщик", "--json")
    assert code == 0, err
    assert json.loads(out[-1])["imported"] == 1
    database.dispose()


def assert_one_line_refusal(code: int, out: list[str], err: list[str], *words: str) -> None:
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("operator-app: ")
    assert "Traceback" not in err[0]
    for word in words:
        assert word in err[0]
    assert not any(line.startswith("{") for line in out)


def test_a_missing_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, str(tmp_path / "nope.csv"), "--list", "X", "--json")
    assert_one_line_refusal(code, out, err, "nope.csv", "does not exist")


def test_a_picture_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "leads.xlsx"
    path.write_bytes(PNG_BYTES)
    code, out, err = run(capsys, str(path), "--list", "X")
    assert_one_line_refusal(code, out, err, "PNG")


def test_a_file_without_a_phone_column_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", [["Иванов", "Москва"]], ["ФИО", "Город"])
    code, out, err = run(capsys, str(path), "--list", "X")
    assert_one_line_refusal(code, out, err, "phone", "'ФИО'", "'Город'")


def test_a_list_name_that_exists_exits_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    assert run(capsys, str(path), "--list", "Выставка")[0] == 0
    other = write_csv(tmp_path / "other.csv", [["Новый", "89990000000", "", ""]])
    code, out, err = run(capsys, str(other), "--list", "Выставка")
    assert_one_line_refusal(code, out, err, "Выставка", "already exists")
    database = embedded_database()
    with database.session() as session:
        assert len(session.scalars(select(Lead)).all()) == 2
    database.dispose()


def test_an_unknown_campaign_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, err = run(capsys, str(path), "--list", "X", "--campaign", "Нет такой")
    assert_one_line_refusal(code, out, err, "Нет такой")


def test_an_unknown_phone_region_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, err = run(capsys, str(path), "--list", "X", "--region", "XX")
    assert_one_line_refusal(code, out, err, "XX")


def test_a_rejected_rows_file_in_a_missing_folder_exits_2_before_importing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    target = tmp_path / "no-such-folder" / "rejected.csv"
    code, out, err = run(capsys, str(path), "--list", "X", "--rejected-out", str(target))
    assert_one_line_refusal(code, out, err, "does not exist")


@pytest.mark.pg
def test_an_import_into_postgresql(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_db: Database
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, err = run(capsys, str(path), "--list", "Выставка", "--db", pg_db.url, "--json")
    assert code == 0, err
    assert json.loads(out[-1]) == {
        "read": 5,
        "imported": 2,
        "duplicates": 1,
        "rejected": 2,
        "blocked": 0,
    }
    with pg_db.session() as session:
        assert len(session.scalars(select(Lead)).all()) == 2


def test_a_malformed_database_url_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    code, out, err = run(capsys, str(path), "--list", "X", "--db", "not a url")
    assert_one_line_refusal(code, out, err, "--db")


def test_an_unreachable_database_fails_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "leads.csv", ROWS)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"
    code, out, err = run(capsys, str(path), "--list", "X", "--db", url)
    assert code == 1
    assert len(err) == 1 and err[0].startswith("operator-app: ")
    assert "Traceback" not in err[0]
    assert out == []
