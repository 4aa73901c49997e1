"""The demo workspace on both backends: what it holds, and that it is written once and whole."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operator_app.core import demo as demo_module
from operator_app.core.company_ids import normalize_inn
from operator_app.core.demo import (
    DemoNameTaken,
    DemoWorkspaceExists,
    create_demo_workspace,
)
from operator_app.core.handoff import HandoffService
from operator_app.core.phones import normalize_phone
from operator_app.core.roles import Actor, Role
from operator_app.core.scripts_format import StageKind, from_document, load_script
from operator_app.core.users import UserService
from operator_app.core.verification.service import VerificationService
from operator_app.resources import resource_path
from operator_app.storage.base import Base, utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    CallingHours,
    Campaign,
    Company,
    Contact,
    CriteriaSet,
    Disposition,
    DoNotCall,
    Handoff,
    Lead,
    LeadList,
    Office,
    Phone,
    Resource,
    Script,
    ScriptVersion,
    User,
    Verification,
    Visit,
    WorkingHours,
)

CAMPAIGN = "Кредитный брокер — визит в офис"
CLINIC = "Стоматология — плановый осмотр"
B2B = "Топливные карты — B2B"
DEVELOPER = "Застройщик — ЖК «Северный парк»"
CAR_DEALER = "Автосалон — новые автомобили"
DISPOSITION_CODES = {
    "no_answer", "busy", "wrong_number", "voicemail", "callback",
    "not_target", "refused", "do_not_call", "lead", "visit_booked",
}  # fmt: skip


HISTORY_OPERATORS = {"petrova", "ivanov"}  # the team the demo's last 14 days adds
# Where a lead the history called can end up; "retry": to be called again from tomorrow on.
HISTORY_LEAD_STATES = {"retry", "visit_booked", "not_target", "refused", "lost", "do_not_call"}


def worked_by_the_history(lead: Lead) -> bool:
    """The history deals the leads it calls to the team's operators; no other demo lead has
    an owner."""
    return lead.owner_id is not None


def row_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_every_role_has_its_demo_users_signing_in_with_the_demo_password(db: Database) -> None:
    summary = create_demo_workspace(db)
    with db.session() as session:
        users = session.scalars(select(User).order_by(User.id)).all()
    logins_by_role: dict[str, set[str]] = {}
    for user in users:
        logins_by_role.setdefault(user.role, set()).add(user.login)
    assert logins_by_role == {
        "operator": {"operator", *HISTORY_OPERATORS},  # the history's calling team
        "seller": {"seller"},
        "supervisor": {"supervisor"},
        "admin": {"admin"},
    }
    assert all(" " in user.display_name and not user.display_name.isascii() for user in users)
    service = UserService(db)
    for role in Role:
        actor = service.authenticate(role.value, summary.password)
        assert actor.role is role
    for login in HISTORY_OPERATORS:
        assert service.authenticate(login, summary.password).role is Role.OPERATOR
    assert summary.password == "demo"


def test_the_campaign_its_script_hours_and_outcomes(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.name == CAMPAIGN)).one()
        assert campaign.model == "two-step"
        assert not campaign.is_b2b and not campaign.is_cyclic
        assert campaign.time_zone == "Europe/Moscow"
        script = session.get_one(Script, campaign.script_id)
        versions = session.scalars(
            select(ScriptVersion)
            .where(ScriptVersion.script_id == script.id)
            .order_by(ScriptVersion.version)
        ).all()
        hours = session.scalars(
            select(CallingHours).where(CallingHours.campaign_id == campaign.id)
        ).all()
        dispositions = {
            d.code: d
            for d in session.scalars(
                select(Disposition).where(Disposition.campaign_id == campaign.id)
            )
        }
    # Version 1 is the shipped script; the history published a second one a week ago.
    version, latest = versions[0], versions[-1]
    assert version.version == 1 and version.published
    assert latest.version > 1 and latest.published
    shipped = load_script(
        resource_path("scripts", "credit_broker_visit.ru.yaml").read_text(encoding="utf-8")
    )
    stored = from_document(version.document)
    assert stored == shipped
    assert [stage.kind for stage in stored.stages] == list(StageKind)

    by_day = {
        (h.weekday, h.starts.isoformat("minutes"), h.ends.isoformat("minutes")) for h in hours
    }
    assert by_day == {(day, "09:00", "20:00") for day in range(5)} | {(5, "10:00", "18:00")}

    assert set(dispositions) == DISPOSITION_CODES
    assert dispositions["callback"].needs_callback_time
    assert [c for c, d in dispositions.items() if d.needs_callback_time] == ["callback"]
    assert {c for c, d in dispositions.items() if d.needs_reason} == {"not_target", "refused"}
    assert {c for c, d in dispositions.items() if d.positive} == {"lead", "visit_booked"}
    assert not dispositions["no_answer"].reached and not dispositions["no_answer"].final
    assert dispositions["do_not_call"].final
    orders = [d.sort_order for d in dispositions.values()]
    assert len(set(orders)) == len(orders)


@pytest.mark.parametrize(
    ("name", "model", "is_b2b", "is_cyclic", "script_file", "weekdays"),
    [
        (CLINIC, "one-step", False, True, "clinic_booking.ru.yaml", {0, 1, 2, 3, 4, 5}),
        (B2B, "two-step", True, False, "b2b_decision_maker.ru.yaml", {0, 1, 2, 3, 4}),
    ],
)
def test_the_clinic_and_b2b_campaigns_use_the_other_shipped_scripts(
    db: Database,
    name: str,
    model: str,
    is_b2b: bool,
    is_cyclic: bool,
    script_file: str,
    weekdays: set[int],
) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.name == name)).one()
        version = session.scalars(
            select(ScriptVersion).where(ScriptVersion.script_id == campaign.script_id)
        ).one()
        hours = session.scalars(
            select(CallingHours).where(CallingHours.campaign_id == campaign.id)
        ).all()
        codes = set(
            session.scalars(select(Disposition.code).where(Disposition.campaign_id == campaign.id))
        )
        office_names = set(session.scalars(select(Office.name)))
    assert (campaign.model, campaign.is_b2b, campaign.is_cyclic) == (model, is_b2b, is_cyclic)
    assert campaign.active and campaign.description
    assert campaign.settings["company_name"]
    assert campaign.settings["office_name"] in office_names
    shipped = load_script(resource_path("scripts", script_file).read_text(encoding="utf-8"))
    assert from_document(version.document) == shipped and version.published
    assert {h.weekday for h in hours} == weekdays
    assert all(h.starts < h.ends for h in hours)
    assert codes == DISPOSITION_CODES


def test_the_office_with_a_seller_resource_and_working_hours(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        office = session.scalars(select(Office).where(Office.name == "Офис на Тверской")).one()
        resources = session.scalars(select(Resource).where(Resource.office_id == office.id)).all()
        seller = session.scalars(select(User).where(User.login == "seller")).one()
        hours = session.scalars(select(WorkingHours)).all()
        holidays = session.scalars(select(CalendarException)).all()
    assert office.name == "Офис на Тверской"
    assert "Тверская" in office.address and office.directions
    assert office.phone is not None and normalize_phone(office.phone).e164 == office.phone
    seller_resources = [r for r in resources if r.kind == "seller"]
    assert [r.user_id for r in seller_resources] == [seller.id]
    assert all(any(h.resource_id == r.id for h in hours) for r in resources)
    assert all(h.starts < h.ends for h in hours)
    assert holidays and all(h.kind == "holiday" for h in holidays)


def test_the_clinic_has_its_own_office_with_dentists_chairs(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        clinic = session.scalars(select(Office).where(Office.name == "Клиника на Садовой")).one()
        kinds = list(session.scalars(select(Resource.kind).where(Resource.office_id == clinic.id)))
        campaign = session.scalars(select(Campaign).where(Campaign.name == CLINIC)).one()
    assert campaign.settings["office_name"] == clinic.name
    assert clinic.address and clinic.directions and clinic.phone
    assert kinds and set(kinds) == {"doctor"}


def test_lists_for_all_three_campaigns_of_valid_leads(db: Database) -> None:
    summary = create_demo_workspace(db)
    with db.session() as session:
        lists = session.scalars(select(LeadList).order_by(LeadList.priority.desc())).all()
        leads = session.scalars(select(Lead)).all()
        phones = session.scalars(select(Phone)).all()
        contacts = {c.id: c for c in session.scalars(select(Contact))}
        companies = session.scalars(select(Company)).all()
        blocked_numbers = set(session.scalars(select(DoNotCall.e164)))
        campaign_ids = dict(session.execute(select(Campaign.name, Campaign.id)).tuples().all())

    assert len(lists) == 6
    sizes = {
        CAMPAIGN: (80, 120),
        CLINIC: (20, 30),
        B2B: (20, 30),
        DEVELOPER: (10, 15),
        CAR_DEALER: (10, 15),
    }
    per_campaign = Counter(lead.campaign_id for lead in leads)
    assert set(per_campaign) == set(campaign_ids.values())
    assert 180 <= per_campaign[campaign_ids[CAMPAIGN]] <= 220
    for lead_list in lists:
        assert lead_list.name.startswith("2026-11 ") and " — " in lead_list.name
        assert lead_list.hypothesis and lead_list.source
        campaign = next(n for n, i in campaign_ids.items() if i == lead_list.campaign_id)
        low, high = sizes[campaign]
        in_list = [lead for lead in leads if lead.list_id == lead_list.id]
        assert low <= len(in_list) <= high
        assert all(lead.campaign_id == lead_list.campaign_id for lead in in_list)
    assert [(x.abc_class, x.priority) for x in lists] == [
        ("A", 80), ("A", 70), ("B", 60), ("B", 50), ("B", 40), ("C", 30),
    ]  # fmt: skip
    assert 220 <= len(leads) <= 300
    assert summary.leads == len(leads)

    assert len({p.e164 for p in phones}) == len(phones)
    for phone in phones:
        parsed = normalize_phone(phone.raw or "")
        assert (parsed.e164, parsed.kind.value) == (phone.e164, phone.kind)
        assert normalize_phone(phone.e164).e164 == phone.e164
        assert phone.e164.startswith("+7") and len(phone.e164) == 12
    kinds = Counter(p.kind for p in phones)
    assert kinds["mobile"] > kinds["landline"] > 0
    area_codes = {p.e164[2:5] for p in phones if p.kind == "landline"}
    assert {"343", "383"} <= area_codes and area_codes & {"495", "499"}
    assert any(p.extension for p in phones)

    zones = Counter(c.time_zone for c in contacts.values())
    assert len(zones) >= 8  # from Kaliningrad (UTC+2) to Vladivostok (UTC+10)
    assert {"Europe/Kaliningrad", "Europe/Moscow", "Asia/Vladivostok"} <= set(zones)
    assert all(c.time_zone for c in contacts.values())
    guessed = [c for c in contacts.values() if c.time_zone_guessed]
    assert guessed and all(c.city is None for c in guessed)

    assert companies
    assert all(normalize_inn(c.inn or "") == c.inn for c in companies)
    assert {len(c.inn or "") for c in companies} == {10, 12}
    assert sum(c.email is not None for c in contacts.values()) >= 5
    assert sum(c.comment is not None for c in contacts.values()) >= 5
    assert sum(bool(c.custom_fields) for c in contacts.values()) >= 5

    priority_of = {x.id: x.priority for x in lists}
    outside = [lead for lead in leads if not worked_by_the_history(lead)]
    worked = [lead for lead in leads if worked_by_the_history(lead)]
    states = Counter(lead.state for lead in outside)
    assert set(states) == {"new", "blocked", "lead", "not_target", "visit_booked"}
    assert 2 <= states["blocked"] <= 10
    # Verified leads (5) and hand-offs (3), then the calendar's clients: 10 with a visit on
    # the books or behind them, and 1 whose only visit was cancelled.
    assert (states["lead"] + states["not_target"], states["visit_booked"]) == (6, 13)
    assert worked and {lead.state for lead in worked} <= HISTORY_LEAD_STATES
    assert {lead.campaign_id for lead in worked} == {campaign_ids[CAMPAIGN]}
    for lead in leads:
        assert lead.priority == priority_of[lead.list_id or 0]
        numbers = {p.e164 for p in phones if p.contact_id == lead.contact_id}
        # Imported while on the list, or put on it by the client during the history.
        on_the_list = "do_not_call" if worked_by_the_history(lead) else "blocked"
        assert (lead.state == on_the_list) == bool(numbers & blocked_numbers)
    assert summary.blocked == sum(lead.state == "blocked" for lead in leads)


def test_every_lead_has_an_audit_row(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        leads = {lead.id: lead for lead in session.scalars(select(Lead))}
        lead_states = {lead_id: lead.state for lead_id, lead in leads.items()}
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "lead")).all()
        supervisor = session.scalars(select(User.id).where(User.login == "supervisor")).one()
    history: dict[int, list[AuditEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        history.setdefault(entry.entity_id, []).append(entry)
    assert set(history) == set(lead_states)
    for lead_id, rows in history.items():
        assert rows[0].action == "created"
        assert all(row.action == "state_changed" for row in rows[1:])
        assert (rows[-1].after or {})["state"] == lead_states[lead_id]  # the trail ends where it is
        assert rows[0].user_id == supervisor
    worked = {lead_id for lead_id, lead in leads.items() if worked_by_the_history(lead)}
    # The calendar's clients were booked from the fresh lists.
    assert sum(len(rows) > 1 for lead_id, rows in history.items() if lead_id not in worked) == 11
    # Every lead the history called moved on from "new", and its trail says so.
    assert worked and all(len(history[lead_id]) > 1 for lead_id in worked)


def test_a_second_demo_is_refused_and_writes_nothing(db: Database) -> None:
    create_demo_workspace(db)
    before = row_counts(db)
    with pytest.raises(DemoWorkspaceExists, match="the demo workspace already exists"):
        create_demo_workspace(db)
    assert row_counts(db) == before


def test_a_database_using_a_demo_name_is_refused_with_that_name(db: Database) -> None:
    UserService(db).create_first_admin("boss", "Начальник", "secret1")
    with db.session() as session:
        session.add(Office(name="Офис на Тверской", address="Москва"))
    before = row_counts(db)
    with pytest.raises(DemoNameTaken, match="office 'Офис на Тверской'"):
        create_demo_workspace(db)
    assert row_counts(db) == before


def test_a_failure_midway_leaves_the_database_as_it_was(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = row_counts(db)
    real_list = demo_module._Writer._list
    calls: list[str] = []

    def failing_second_list(self: demo_module._Writer, *args: object) -> object:
        calls.append("list")
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real_list(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(demo_module._Writer, "_list", failing_second_list)
    with pytest.raises(RuntimeError, match="the disk is full"):
        create_demo_workspace(db)
    assert row_counts(db) == before
    monkeypatch.undo()
    assert create_demo_workspace(db).leads > 0


def test_the_same_seed_gives_the_same_workspace_on_either_backend(
    sqlite_db: Database, pg_db: Database
) -> None:
    on_sqlite = create_demo_workspace(sqlite_db, seed=7)
    on_postgresql = create_demo_workspace(pg_db, seed=7)
    assert on_sqlite == on_postgresql
    with sqlite_db.session() as session:
        people = _people(session)
    with pg_db.session() as session:
        assert _people(session) == people
    assert len(people) >= 180


def _people(session: Session) -> list[tuple[object, ...]]:
    query = (
        select(Contact.full_name, Contact.city, Contact.time_zone, Phone.raw, Phone.e164)
        .join(Phone, Phone.contact_id == Contact.id)
        .order_by(Contact.id, Phone.id)
    )
    return [tuple(row) for row in session.execute(query)]


def test_the_summary_names_the_logins_and_the_password(db: Database) -> None:
    text = create_demo_workspace(db).describe()
    for login in ("operator", "seller", "supervisor", "admin"):
        assert login in text
    assert '"demo"' in text
    assert CAMPAIGN in text
    assert CLINIC in text and B2B in text
    assert "one-step, cyclic" in text and "two-step, B2B" in text
    assert 3 <= len(text.splitlines()) <= 18


def test_b2b_leads_are_companies_reached_through_people_with_positions(db: Database) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        rows = session.execute(
            select(Contact.position, Contact.role, Company.inn, Company.name)
            .join(Lead, Lead.contact_id == Contact.id)
            .join(Campaign, Campaign.id == Lead.campaign_id)
            .outerjoin(Company, Company.id == Contact.company_id)
            .where(Campaign.name == B2B)
        ).all()
        clinic_companies = session.scalar(
            select(func.count())
            .select_from(Contact)
            .join(Lead, Lead.contact_id == Contact.id)
            .join(Campaign, Campaign.id == Lead.campaign_id)
            .where(Campaign.name == CLINIC, Contact.company_id.is_not(None))
        )
    assert 20 <= len(rows) <= 30
    for position, role, inn, name in rows:
        assert position and name and role in {"decision_maker", "influencer"}
        assert inn is not None and normalize_inn(inn) == inn
    assert any(role == "decision_maker" for _p, role, _i, _n in rows)
    assert clinic_companies == 0  # the clinic calls its own patients, not companies


def test_three_verified_leads_are_handed_to_the_seller_with_a_booked_presentation(
    db: Database,
) -> None:
    create_demo_workspace(db)
    with db.session() as session:
        seller, operator = (
            session.scalars(select(User.id).where(User.login == login)).one()
            for login in ("seller", "operator")
        )
    with db.session() as session:
        rows = session.execute(  # the history's hand-offs, of its own leads, are all decided
            select(Handoff, Visit, Lead.state)
            .join(Visit, Visit.id == Handoff.visit_id)
            .join(Lead, Lead.id == Handoff.lead_id)
            .where(Lead.owner_id.is_(None))
        ).all()
    assert sorted(handoff.state for handoff, _visit, _state in rows) == [
        "accepted",
        "offered",
        "returned",
    ]
    for handoff, visit, state in rows:
        assert (handoff.from_user_id, handoff.to_user_id, state) == (
            operator,
            seller,
            "visit_booked",
        )
        assert visit.status == "booked" and visit.starts_at > utcnow()
        assert visit.starts_at.astimezone(ZoneInfo("Europe/Moscow")).weekday() < 5
        assert (handoff.return_reason is not None) == (handoff.state == "returned")
    seller_actor = Actor(seller, "seller", "Seller", Role.SELLER)
    assert len(HandoffService(db).incoming(seller_actor)) == 1


def test_preset_campaigns_have_criteria_and_a_few_leads_are_verified(db: Database) -> None:
    summary = create_demo_workspace(db)
    with db.session() as session:
        with_criteria = set(
            session.scalars(
                select(Campaign.name).join(CriteriaSet, CriteriaSet.campaign_id == Campaign.id)
            )
        )
        rows = session.execute(  # the history's verifications were made on its calls
            select(Verification, Lead.state)
            .join(Lead, Lead.id == Verification.lead_id)
            .where(Verification.call_id.is_(None))
        ).all()
        operator = session.scalars(select(User.id).where(User.login == "operator")).one()
    assert with_criteria == {CAMPAIGN, B2B, DEVELOPER, CAR_DEALER}
    assert (summary.verifications, summary.overridden, summary.handoffs) == (8, 1, 3)
    assert len(rows) == 8
    for verification, state in rows:
        assert verification.verified_by_id == operator
        target_states = {"lead", "visit_booked"}  # handed off leads have their visit booked
        assert (state in target_states) == (verification.verdict == "target")
        assert state in {*target_states, "not_target"}
        assert (verification.reason is None) == (verification.verdict == "target")
    (overridden,) = [v for v, _state in rows if v.overridden]
    assert (overridden.computed_verdict, overridden.verdict) == ("non_target", "target")
    assert overridden.override_comment
    assert {v.verdict for v, _state in rows} == {"target", "non_target"}
    views = VerificationService(db).overrides_for_review(
        UserService(db).authenticate("supervisor", summary.password)
    )
    assert [view.id for view in views] == [overridden.id]
