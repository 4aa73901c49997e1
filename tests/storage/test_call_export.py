"""The calls export on SQLite and PostgreSQL: which calls, what each row says, who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from operator_app.core.errors import PermissionDenied
from operator_app.core.exports.calls import call_export_headers, export_calls
from operator_app.core.exports.files import ExportFormat
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Company,
    Contact,
    Disposition,
    Lead,
    LeadList,
    Phone,
    Script,
    ScriptVersion,
)
from tests.support.handoff_data import make_campaign, make_user

UTC = dt.UTC
# Monday 23 and Tuesday 24 November 2026 in Moscow (UTC+3).
PERIOD = ReportPeriod(dt.date(2026, 11, 23), dt.date(2026, 11, 24))


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.anna = make_user(db, "Анна Смирнова", Role.OPERATOR)
        self.boris = make_user(db, "Борис", Role.OPERATOR)
        self.chief = make_user(db, "Старший", Role.SUPERVISOR)
        self.campaign = make_campaign(db, "Кредитный брокер")
        self.other_campaign = make_campaign(db, "Автосалон")
        with db.session() as session:
            session.add(
                Disposition(
                    campaign_id=self.campaign, code="lead", label="Лид", reached=True, positive=True
                )
            )
            script = Script(name=f"Скрипт {uuid.uuid4().hex[:6]}")
            session.add(script)
            session.flush()
            self.script_name = script.name
            version = ScriptVersion(script_id=script.id, version=3, document={})
            lead_list = LeadList(name=f"Ипотека {uuid.uuid4().hex[:6]}", hypothesis="ипотечники")
            company = Company(name="ООО «Ромашка»", inn=None)
            session.add_all([version, lead_list, company])
            session.flush()
            self.version_id, self.list_name = version.id, lead_list.name
            contact = Contact(full_name="=HYPERLINK(1)", company_id=company.id, custom_fields={})
            session.add(contact)
            session.flush()
            first = Phone(contact_id=contact.id, e164="+74951112233", kind="landline")
            second = Phone(contact_id=contact.id, e164="+79161234567", kind="mobile")
            session.add_all([first, second])
            session.flush()
            self.second_phone = second.id
            self.lead = Lead(contact_id=contact.id, campaign_id=self.campaign, list_id=lead_list.id)
            bare = Contact(full_name="Пётр", custom_fields={})
            session.add(bare)
            session.flush()
            self.other_lead = Lead(contact_id=bare.id, campaign_id=self.other_campaign)
            session.add_all([self.lead, self.other_lead])
            session.flush()
            self.lead_id, self.other_lead_id = self.lead.id, self.other_lead.id

    def call(
        self,
        at: dt.datetime,
        operator: Actor,
        *,
        lead_id: int | None = None,
        disposition: str | None = "no_answer",
        **fields: object,
    ) -> int:
        with self.db.session() as session:
            call = CallAttempt(
                client_uuid=str(uuid.uuid4()),
                lead_id=lead_id or self.lead_id,
                operator_id=operator.user_id,
                started_at=at,
                disposition=disposition,
                **fields,
            )
            session.add(call)
            session.flush()
            return call.id


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_periods_finished_calls_are_written_with_everything_known_of_them(
    db: Database, tmp_path: Path
) -> None:
    world = World(db)
    world.call(dt.datetime(2026, 11, 22, 20, 59, tzinfo=UTC), world.anna)  # 23:59 on the 22nd
    full = world.call(
        dt.datetime(2026, 11, 22, 21, 0, tzinfo=UTC),  # midnight of the 23rd in Moscow
        world.anna,
        disposition="lead",
        ended_at=dt.datetime(2026, 11, 22, 21, 4, 30, tzinfo=UTC),
        talk_seconds=240,
        reason="-хочет скидку",
        phone_id=world.second_phone,
        script_version_id=world.version_id,
        last_step_id="closing_reminder",
        callback_at=dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
        notes="перезвонить; после 10:00\nзвонить на мобильный",
    )
    world.call(dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC), world.boris, disposition=None)
    last = world.call(
        dt.datetime(2026, 11, 24, 20, 59, 59, tzinfo=UTC), world.boris, lead_id=world.other_lead_id
    )
    world.call(dt.datetime(2026, 11, 24, 21, 0, tzinfo=UTC), world.boris)  # the 25th

    out = tmp_path / "calls.csv"
    assert export_calls(db, world.chief, PERIOD, out, ExportFormat.CSV) == 2

    header, *rows = read_csv(out)
    assert tuple(header) == call_export_headers("Europe/Moscow")
    assert header[1] == "Started (Europe/Moscow)"
    assert [row[0] for row in rows] == [str(full), str(last)]
    assert rows[0] == [
        str(full),
        "2026-11-23 00:00:00",
        "2026-11-23 00:04:30",
        "Анна Смирнова",
        world.anna.login,
        _campaign_name(db, world.campaign),
        world.list_name,
        "'=HYPERLINK(1)",
        "ООО «Ромашка»",
        "'+79161234567",  # the number dialled, not the contact's first
        "lead",
        "Лид",
        "'-хочет скидку",
        "240",
        world.script_name,
        "3",
        "closing_reminder",
        "2026-11-25 10:00:00",
        "перезвонить; после 10:00\nзвонить на мобильный",
    ]
    assert rows[1] == [
        str(last),
        "2026-11-24 23:59:59",
        "",
        "Борис",
        world.boris.login,
        _campaign_name(db, world.other_campaign),
        "",
        "Пётр",
        "",
        "",
        "no_answer",
        "",  # the campaign has no such disposition
        "",
        "0",
        "",
        "",
        "",
        "",
        "",
    ]


def test_without_a_dialled_number_the_contacts_first_phone_is_written(
    db: Database, tmp_path: Path
) -> None:
    world = World(db)
    world.call(dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC), world.anna)
    out = tmp_path / "calls.xlsx"
    assert export_calls(db, world.chief, PERIOD, out, ExportFormat.XLSX) == 1
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet.title == "Calls"
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows())
    assert row[header.index("Phone")] == "'+74951112233"
    assert row[header.index("Started (Europe/Moscow)")] == dt.datetime(2026, 11, 23, 12, 0)
    assert row[header.index("Talk seconds")] == 0
    assert row[header.index("Client")] == "'=HYPERLINK(1)"


def test_filters_and_who_sees_whose_calls(db: Database, tmp_path: Path) -> None:
    world = World(db)
    at = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    annas = world.call(at, world.anna)
    boris_other = world.call(at, world.boris, lead_id=world.other_lead_id)
    boris_same = world.call(at, world.boris)
    out = tmp_path / "calls.csv"

    def exported(
        actor: Actor, operator_id: int | None = None, campaign_id: int | None = None
    ) -> list[str]:
        export_calls(
            db,
            actor,
            PERIOD,
            out,
            ExportFormat.CSV,
            operator_id=operator_id,
            campaign_id=campaign_id,
        )
        return [row[0] for row in read_csv(out)[1:]]

    assert exported(world.chief) == [str(annas), str(boris_other), str(boris_same)]
    assert exported(world.chief, operator_id=world.boris.user_id) == [
        str(boris_other),
        str(boris_same),
    ]
    assert exported(world.chief, campaign_id=world.campaign) == [str(annas), str(boris_same)]
    assert exported(world.anna) == [str(annas)]
    assert exported(world.boris, operator_id=world.boris.user_id) == [
        str(boris_other),
        str(boris_same),
    ]
    with pytest.raises(PermissionDenied):
        export_calls(db, world.anna, PERIOD, out, ExportFormat.CSV, operator_id=world.boris.user_id)


def _campaign_name(db: Database, campaign_id: int) -> str:
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.name
