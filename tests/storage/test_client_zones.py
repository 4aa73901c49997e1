"""leads.client_zone follows the client's zone however contacts, phones and leads change."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from operator_app.core.roles import Actor
from operator_app.storage.client_zones import client_zone_of, refresh_client_zones
from operator_app.storage.database import Database
from operator_app.storage.migrate import _config
from operator_app.storage.models import Campaign, Contact, Lead, Phone
from tests.storage.test_import import boss as boss
from tests.storage.test_import import run_import, write_csv


def zones(db: Database) -> dict[str, str | None]:
    with db.session() as session:
        rows = session.execute(select(Contact.full_name, Lead.client_zone).join(Lead))
        return {name: zone for name, zone in rows}


def add_client(
    db: Database, name: str, contact_zone: str | None, phone_zones: list[str | None]
) -> int:
    with db.session() as session:
        contact = Contact(full_name=name, time_zone=contact_zone)
        session.add(contact)
        session.flush()
        for i, zone in enumerate(phone_zones):
            number = f"+7912{abs(hash(name)) % 10**5:05d}{i:02d}"
            session.add(Phone(contact_id=contact.id, e164=number, kind="mobile", time_zone=zone))
        session.add(Lead(contact_id=contact.id))
        session.flush()
        return contact.id


def test_the_rule_prefers_the_contact_then_the_first_phone_with_a_zone() -> None:
    assert client_zone_of("Asia/Omsk", ["Europe/Moscow"]) == "Asia/Omsk"
    assert client_zone_of(None, [None, "Asia/Tomsk", "Europe/Moscow"]) == "Asia/Tomsk"
    assert client_zone_of(None, [None]) is None
    assert client_zone_of(None, []) is None


def test_a_lead_created_in_a_session_gets_its_clients_zone(db: Database) -> None:
    add_client(db, "Contact zone", "Asia/Omsk", ["Europe/Moscow"])
    add_client(db, "Phone zone", None, [None, "Asia/Tomsk"])
    add_client(db, "No zone", None, [None])
    assert zones(db) == {
        "Contact zone": "Asia/Omsk",
        "Phone zone": "Asia/Tomsk",
        "No zone": None,
    }


def test_changing_the_contacts_or_a_phones_zone_moves_its_leads(db: Database) -> None:
    first = add_client(db, "Moves", None, ["Asia/Tomsk"])
    second = add_client(db, "Gets a phone", None, [])
    with db.session() as session:
        session.get_one(Contact, first).time_zone = "Asia/Vladivostok"
        session.add(
            Phone(contact_id=second, e164="+79120009999", kind="mobile", time_zone="Asia/Omsk")
        )
    assert zones(db) == {"Moves": "Asia/Vladivostok", "Gets a phone": "Asia/Omsk"}
    with db.session() as session:
        session.get_one(Contact, first).time_zone = None
        for phone in session.scalars(select(Phone).where(Phone.contact_id == second)):
            session.delete(phone)
    assert zones(db) == {"Moves": "Asia/Tomsk", "Gets a phone": None}


def test_a_core_level_change_is_followed_by_refresh(db: Database) -> None:
    contact_id = add_client(db, "Core", None, ["Asia/Tomsk"])
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE contacts SET time_zone = 'Asia/Omsk' WHERE id = :id"), {"id": contact_id}
        )
        refresh_client_zones(connection, {contact_id})
    assert zones(db) == {"Core": "Asia/Omsk"}


def test_imported_leads_carry_the_zone_the_importer_resolved(
    db: Database,
    boss: Actor,
    tmp_path: Path,
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
    assert zones(db) == {
        "Город": "Asia/Novosibirsk",
        "Мобильный": "Asia/Omsk",
        "Городской": "Asia/Yekaterinburg",
    }


def test_the_migration_fills_the_zone_of_existing_leads(tmp_path: Path) -> None:
    database = Database("sqlite:///" + (tmp_path / "old.sqlite3").as_posix())
    config = _config(database.engine)
    command.upgrade(config, "0002")
    with database.engine.begin() as connection:
        for statement in (
            "INSERT INTO contacts (id, full_name, time_zone, created_at, custom_fields)"
            " VALUES (1, 'A', 'Asia/Omsk', '2026-01-01', '{}'),"
            " (2, 'B', NULL, '2026-01-01', '{}'), (3, 'C', NULL, '2026-01-01', '{}')",
            "INSERT INTO phones (id, contact_id, e164, kind, time_zone) VALUES"
            " (1, 1, '+79120000001', 'mobile', 'Europe/Moscow'),"
            " (2, 2, '+79120000002', 'mobile', NULL),"
            " (3, 2, '+79120000003', 'mobile', 'Asia/Tomsk'),"
            " (4, 3, '+79120000004', 'mobile', NULL)",
            "INSERT INTO leads (id, contact_id, created_at, updated_at) VALUES"
            " (1, 1, '2026-01-01', '2026-01-01'), (2, 2, '2026-01-01', '2026-01-01'),"
            " (3, 3, '2026-01-01', '2026-01-01')",
        ):
            connection.execute(text(statement))
    command.upgrade(config, "head")
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, client_zone FROM leads ORDER BY id")).all()
    database.dispose()
    assert [tuple(row) for row in rows] == [(1, "Asia/Omsk"), (2, "Asia/Tomsk"), (3, None)]
