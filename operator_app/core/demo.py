"""The demo workspace: a working app for a newcomer in one command or one click.

One transaction creates a user per role; five campaigns — four imported from the shipped
campaign presets through the campaign-file import (a two-step credit-broker office visit and a
two-step B2B fuel-card service, both with their Russian call scripts, a two-step property
developer and a one-step car dealer, each with verification criteria) and a one-step cyclic
clinic booking with its script — each with its calling hours and outcomes; two offices with
bookable resources; lead lists of made-up clients (two of about a hundred for the credit
broker, smaller ones for the others), so the operator's queue mixes them all; and a few
verified leads, one with an overridden verdict. The data is deterministic for a given seed.
What the workspace holds is described by the specs in demo_data.workspace; this module
writes them.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from operator_app.core.calendar.reminder_plan import ReminderSettings
from operator_app.core.campaign_config import apply_campaign
from operator_app.core.campaign_format import CampaignDocument, load_campaign
from operator_app.core.demo_data.calendar import write_demo_calendar
from operator_app.core.demo_data.history import DemoHistory, write_demo_history
from operator_app.core.demo_data.leads import DemoCompany, DemoLead, generate_list
from operator_app.core.demo_data.phones import landline_phone
from operator_app.core.demo_data.workspace import (
    ADMIN_LOGIN,
    DEMO_CAMPAIGNS,
    DEMO_HANDOFFS,
    DEMO_LISTS,
    DEMO_OFFICES,
    DEMO_PASSWORD,
    DEMO_USERS,
    DEMO_VERIFICATIONS,
    DO_NOT_CALL_REASON,
    LIST_OWNER_LOGIN,
    CampaignSpec,
    ListSpec,
    OfficeSpec,
    VerificationSpec,
)
from operator_app.core.errors import OperatorAppError
from operator_app.core.passwords import hash_password
from operator_app.core.roles import Role
from operator_app.core.scripts_format import ScriptDocument, load_script, to_document
from operator_app.core.verification.criteria import criteria_from_data, reasons_from_data
from operator_app.core.verification.verdict import (
    Verdict,
    answer_to_data,
    compute_verdict,
    decide_final_verdict,
    parse_answers,
)
from operator_app.resources import resource_path
from operator_app.storage.audit import act_as
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.lead_states import LeadState
from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    CallingHours,
    Campaign,
    Company,
    Contact,
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
from operator_app.storage.repositories import verification_queries

__all__ = [
    "DEMO_PASSWORD",
    "DemoCampaign",
    "DemoList",
    "DemoNameTaken",
    "DemoOffice",
    "DemoSummary",
    "DemoUser",
    "DemoWorkspaceExists",
    "create_demo_workspace",
]

DEFAULT_SEED = 2026


class DemoWorkspaceExists(OperatorAppError):
    def __init__(self) -> None:
        super().__init__("the demo workspace already exists in this database")


class DemoNameTaken(OperatorAppError):
    """The database is not empty and already uses a name the demo needs."""

    def __init__(self, what: str, name: str) -> None:
        self.what = what
        self.name = name
        super().__init__(
            f"cannot create the demo workspace: this database already has the {what} '{name}'"
        )


@dataclass(frozen=True, slots=True)
class DemoUser:
    login: str
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class DemoCampaign:
    name: str
    model: str  # one-step | two-step
    script: str | None
    script_version: int | None
    dispositions: int
    is_b2b: bool = False
    is_cyclic: bool = False

    @property
    def kind(self) -> str:
        """The model with what else sets the campaign apart, e.g. "one-step, cyclic"."""
        flags = [self.model] + ["B2B"] * self.is_b2b + ["cyclic"] * self.is_cyclic
        return ", ".join(flags)


@dataclass(frozen=True, slots=True)
class DemoOffice:
    name: str
    resources: int


@dataclass(frozen=True, slots=True)
class DemoList:
    name: str
    campaign: str
    abc_class: str
    priority: int
    leads: int
    blocked: int  # leads whose number is on the do-not-call list


@dataclass(frozen=True, slots=True)
class DemoSummary:
    users: tuple[DemoUser, ...]
    password: str
    campaigns: tuple[DemoCampaign, ...]
    offices: tuple[DemoOffice, ...]
    lists: tuple[DemoList, ...]
    companies: int
    verifications: int = 0  # verified leads
    overridden: int = 0  # of them, with the operator's override
    handoffs: int = 0  # of them, handed off to a seller with a booked presentation
    history: DemoHistory | None = None  # the supervisors' last 14 days

    @property
    def leads(self) -> int:
        return sum(demo_list.leads for demo_list in self.lists)

    @property
    def blocked(self) -> int:
        return sum(demo_list.blocked for demo_list in self.lists)

    def describe(self) -> str:
        lines = ["Demo workspace created."]
        lines += [
            f"  Campaign «{c.name}» ({c.kind}): "
            + (
                "no script"
                if c.script is None
                else f"script «{c.script}» version {c.script_version}"
            )
            + f", {c.dispositions} call outcomes"
            for c in self.campaigns
        ]
        lines += [f"  Office «{o.name}»: {o.resources} bookable resources" for o in self.offices]
        lines += [
            f"  List «{item.name}» (class {item.abc_class}, priority {item.priority}): "
            f"{item.leads} leads, {item.blocked} on the do-not-call list"
            for item in self.lists
        ]
        lines.append(
            f"  {self.leads} leads in total, {self.companies} companies, "
            f"{self.verifications} verified ({self.overridden} with an overridden verdict), "
            f"{self.handoffs} handed off to a seller"
        )
        if self.history is not None:
            lines.append(self.history.describe())
        logins = ", ".join(f"{user.login} ({user.display_name})" for user in self.users)
        lines.append(f'  Sign in as {logins} with the password "{self.password}"')
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything the demo writes, prepared before the transaction opens."""

    scripts: dict[str, ScriptDocument]  # by file name under resources/scripts/
    presets: dict[str, CampaignDocument]  # by file name under resources/campaigns/
    password_hash: str
    office_phones: dict[str, str]  # by office name
    lists: tuple[tuple[ListSpec, list[DemoLead]], ...]
    seed: int


def _plan(seed: int) -> _Plan:
    rng = random.Random(seed)
    scripts = {
        spec.script_file: load_script(
            resource_path("scripts", spec.script_file).read_text(encoding="utf-8")
        )
        for spec in DEMO_CAMPAIGNS
        if spec.script_file is not None
    }
    presets = {
        spec.preset_file: load_campaign(
            resource_path("campaigns", spec.preset_file).read_text(encoding="utf-8")
        )
        for spec in DEMO_CAMPAIGNS
        if spec.preset_file is not None
    }
    taken_phones: set[str] = set()
    taken_inns: set[str] = set()
    office_phones = {
        office.name: landline_phone(rng, office.area_code, taken_phones)[1].e164
        for office in DEMO_OFFICES
    }
    zones = {campaign.name: campaign.time_zone for campaign in DEMO_CAMPAIGNS}
    lists = tuple(
        (
            spec,
            generate_list(
                spec,
                rng,
                default_zone=zones[spec.campaign],
                taken_phones=taken_phones,
                taken_inns=taken_inns,
            ),
        )
        for spec in DEMO_LISTS
    )
    return _Plan(
        scripts=scripts,
        presets=presets,
        # scrypt is slow on purpose: hash before the transaction so it holds no lock meanwhile,
        # and once — the demo password is public, so one salt for all hides nothing.
        password_hash=hash_password(DEMO_PASSWORD),
        office_phones=office_phones,
        lists=lists,
        seed=seed,
    )


def create_demo_workspace(database: Database, *, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Create the demo workspace in one transaction; refuse if it (or a name it needs) exists.

    Raises DemoWorkspaceExists or DemoNameTaken, and then writes nothing.
    """
    plan = _plan(seed)
    try:
        with database.session() as session:
            _refuse_if_present(session, plan)
            return _Writer(session, plan).write()
    except IntegrityError as error:
        # Only a concurrent demo (or a name created meanwhile) gets past the checks above.
        raise DemoWorkspaceExists() from error


def _refuse_if_present(session: Session, plan: _Plan) -> None:
    def exists(column: InstrumentedAttribute[str], value: str) -> bool:
        return bool(session.scalar(select(func.count()).where(column == value)))

    if exists(User.login, ADMIN_LOGIN) or any(
        exists(Campaign.name, campaign.name) for campaign in DEMO_CAMPAIGNS
    ):
        raise DemoWorkspaceExists()
    names: list[tuple[str, InstrumentedAttribute[str], str]] = [
        ("user", User.login, user.login) for user in DEMO_USERS
    ]
    names += [("script", Script.name, script.name) for script in plan.scripts.values()]
    names += [("office", Office.name, office.name) for office in DEMO_OFFICES]
    names += [("lead list", LeadList.name, spec.name) for spec, _leads in plan.lists]
    for what, column, value in names:
        if exists(column, value):
            raise DemoNameTaken(what, value)


def _workdays_after(day: dt.date, workdays: int) -> dt.date:
    """The date `workdays` Monday-to-Friday days after `day`."""
    while workdays > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            workdays -= 1
    return day


def _state(demo: DemoLead, verification: Verification | None) -> str:
    """A new lead's state; a verified one is a lead, or closed as non-target."""
    if demo.blocked:
        return LeadState.BLOCKED.value
    if verification is None:
        return LeadState.NEW.value
    if verification.verdict == Verdict.NON_TARGET.value:
        return LeadState.NOT_TARGET.value
    return LeadState.LEAD.value


class _Writer:
    def __init__(self, session: Session, plan: _Plan) -> None:
        self.session = session
        self.plan = plan
        self.users: dict[str, User] = {}
        self.scripts: dict[str, tuple[Script, ScriptVersion]] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.companies: dict[str, Company] = {}
        self.verifications: list[tuple[Lead, Verification]] = []
        self.leads_at: dict[tuple[str, int], Lead] = {}  # by (list name, position)

    def write(self) -> DemoSummary:
        self._users()
        act_as(self.session, self.users[LIST_OWNER_LOGIN].id)
        campaigns = [self._campaign(spec) for spec in DEMO_CAMPAIGNS]
        offices = [self._office(spec) for spec in DEMO_OFFICES]
        lists = [self._list(spec, leads) for spec, leads in self.plan.lists]
        self.session.flush()
        for lead, verification in self.verifications:
            verification.lead_id = lead.id
            self.session.add(verification)
        self.session.flush()
        self._handoffs()
        now = utcnow()
        added = write_demo_calendar(self.session, self.leads_at, self.users, now)
        history = write_demo_history(
            self.session, self.leads_at, self.users, self.plan.password_hash, now, self.plan.seed
        )
        offices = [DemoOffice(o.name, o.resources + added[o.name]) for o in offices]
        return DemoSummary(
            users=tuple(
                DemoUser(user.login, user.display_name, Role(user.role))
                for user in self.users.values()
            ),
            password=DEMO_PASSWORD,
            campaigns=tuple(campaigns),
            offices=tuple(offices),
            lists=tuple(lists),
            companies=len(self.companies),
            verifications=len(self.verifications),
            overridden=sum(v.overridden for _lead, v in self.verifications),
            handoffs=len(DEMO_HANDOFFS),
            history=history,
        )

    def _users(self) -> None:
        for spec in DEMO_USERS:
            user = User(
                login=spec.login,
                display_name=spec.display_name,
                role=spec.role.value,
                password_hash=self.plan.password_hash,
                active=True,
                time_zone="Europe/Moscow",
                language="ru",
            )
            self.session.add(user)
            self.users[spec.login] = user
        self.session.flush()

    def _script(self, file_name: str) -> tuple[Script, ScriptVersion]:
        if file_name in self.scripts:
            return self.scripts[file_name]
        doc = self.plan.scripts[file_name]
        script = Script(name=doc.name, language=doc.language)
        self.session.add(script)
        self.session.flush()
        version = ScriptVersion(
            script_id=script.id,
            version=1,
            document=to_document(doc),
            published=True,
            created_by_id=self.users[LIST_OWNER_LOGIN].id,
        )
        self.session.add(version)
        self.scripts[file_name] = (script, version)
        return script, version

    def _campaign(self, spec: CampaignSpec) -> DemoCampaign:
        script_and_version = None if spec.script_file is None else self._script(spec.script_file)
        if spec.preset_file is not None:
            campaign = self._campaign_from_preset(spec)
        else:
            campaign = self._campaign_from_spec(spec)
        campaign.description = spec.description
        campaign.active = True
        settings = dict(campaign.settings or {})  # a preset's reminder plan stays
        settings.update(company_name=spec.company_name, office_name=spec.office_name)
        if spec.is_cyclic:
            # Patients come back for a check-up every six months: remind them a week before.
            settings["reminders"] = ReminderSettings(
                next_visit_rule="FREQ=MONTHLY;INTERVAL=6", next_visit_remind_days_before=7
            ).to_json()
        campaign.settings = settings
        self.session.flush()
        self.campaigns[spec.name] = campaign
        return DemoCampaign(
            spec.name,
            spec.model.value,
            None if script_and_version is None else script_and_version[0].name,
            None if script_and_version is None else script_and_version[1].version,
            len(spec.dispositions),
            is_b2b=spec.is_b2b,
            is_cyclic=spec.is_cyclic,
        )

    def _campaign_from_preset(self, spec: CampaignSpec) -> Campaign:
        assert spec.preset_file is not None
        self.session.flush()  # the preset's script is looked up by name
        owner_id = self.users[LIST_OWNER_LOGIN].id
        result = apply_campaign(self.session, self.plan.presets[spec.preset_file], owner_id)
        return self.session.get_one(Campaign, result.campaign_id)

    def _campaign_from_spec(self, spec: CampaignSpec) -> Campaign:
        script_id = None if spec.script_file is None else self._script(spec.script_file)[0].id
        campaign = Campaign(
            name=spec.name,
            model=spec.model.value,
            is_b2b=spec.is_b2b,
            is_cyclic=spec.is_cyclic,
            time_zone=spec.time_zone,
            script_id=script_id,
        )
        self.session.add(campaign)
        self.session.flush()
        self.session.add_all(
            CallingHours(
                campaign_id=campaign.id,
                weekday=interval.weekday,
                starts=interval.starts,
                ends=interval.ends,
            )
            for interval in spec.calling_hours
        )
        self.session.add_all(
            Disposition(
                campaign_id=campaign.id,
                code=item.code,
                label=item.label,
                reached=item.reached,
                positive=item.positive,
                final=item.final,
                needs_callback_time=item.needs_callback_time,
                needs_reason=item.needs_reason,
                sort_order=(position + 1) * 10,
            )
            for position, item in enumerate(spec.dispositions)
        )
        return campaign

    def _verdict(self, spec: VerificationSpec, campaign: Campaign) -> Verification:
        """The verification of one demo lead, made as its operator would (lead_id not set)."""
        criteria_set = verification_queries.current_criteria_set(self.session, campaign.id)
        assert criteria_set is not None, f"the demo campaign «{campaign.name}» has no criteria"
        criteria = criteria_from_data(criteria_set.criteria)
        answers = parse_answers(criteria, dict(spec.answers))
        computed = compute_verdict(criteria, answers)
        final = decide_final_verdict(
            computed,
            reasons_from_data(criteria_set.reasons),
            override_verdict=spec.override_verdict,
            override_comment=spec.override_comment,
            reason=spec.reason,
        )
        return Verification(
            criteria_set_id=criteria_set.id,
            answers={key: answer_to_data(value) for key, value in answers.items()},
            computed_verdict=computed.verdict.value,
            verdict=final.verdict.value,
            overridden=final.overridden,
            override_comment=final.override_comment,
            reason=final.reason,
            verified_by_id=self.users["operator"].id,
        )

    def _office(self, spec: OfficeSpec) -> DemoOffice:
        office = Office(
            name=spec.name,
            address=spec.address,
            directions=spec.directions,
            phone=self.plan.office_phones[spec.name],
            time_zone=spec.time_zone,
            active=True,
        )
        self.session.add(office)
        self.session.flush()
        for resource_spec in spec.resources:
            owner = self.users[resource_spec.user_login] if resource_spec.user_login else None
            resource = Resource(
                office_id=office.id,
                name=resource_spec.name,
                kind=resource_spec.kind,
                user_id=owner.id if owner else None,
                capacity=resource_spec.capacity,
                slot_minutes=resource_spec.slot_minutes,
                buffer_minutes=resource_spec.buffer_minutes,
                active=True,
            )
            self.session.add(resource)
            self.session.flush()
            self.session.add_all(
                WorkingHours(
                    resource_id=resource.id,
                    weekday=interval.weekday,
                    starts=interval.starts,
                    ends=interval.ends,
                )
                for interval in resource_spec.hours
            )
        self.session.add_all(
            CalendarException(office_id=office.id, day=day, kind="holiday") for day in spec.holidays
        )
        return DemoOffice(spec.name, len(spec.resources))

    def _list(self, spec: ListSpec, leads: list[DemoLead]) -> DemoList:
        owner = self.users[LIST_OWNER_LOGIN]
        campaign = self.campaigns[spec.campaign]
        blocked = sum(lead.blocked for lead in leads)
        lead_list = LeadList(
            name=spec.name,
            source=spec.source,
            hypothesis=spec.hypothesis,
            abc_class=spec.abc_class,
            priority=spec.priority,
            campaign_id=campaign.id,
            rows_read=len(leads),
            rows_imported=len(leads) - blocked,
            rows_duplicate=0,
            rows_rejected=0,
            rows_blocked=blocked,
            created_by_id=owner.id,
        )
        self.session.add(lead_list)
        for demo_lead in leads:
            if demo_lead.company is not None:
                self._company(demo_lead.company)
        self.session.flush()
        contacts = [self._contact(demo_lead) for demo_lead in leads]
        self.session.add_all(contacts)
        self.session.flush()
        verified = {
            item.lead_index: self._verdict(item, campaign)
            for item in DEMO_VERIFICATIONS
            if item.list_name == spec.name
        }
        handed_off = {item.lead_index for item in DEMO_HANDOFFS if item.list_name == spec.name}
        for index, (demo_lead, contact) in enumerate(zip(leads, contacts, strict=True)):
            verification = verified.get(index)
            lead = self._phones_and_lead(demo_lead, contact.id, lead_list, campaign, verification)
            if index in handed_off:
                assert verification is not None and not demo_lead.blocked
                lead.state = LeadState.VISIT_BOOKED.value
            self.leads_at[(spec.name, index)] = lead
            if verification is not None:
                self.verifications.append((lead, verification))
        return DemoList(
            spec.name, spec.campaign, spec.abc_class, spec.priority, len(leads), blocked
        )

    def _handoffs(self) -> None:
        """Presentations booked with the demo seller, and their hand-offs in each state."""
        operator, seller = self.users["operator"], self.users["seller"]
        resource = self.session.scalars(
            select(Resource).where(Resource.user_id == seller.id).order_by(Resource.id)
        ).first()
        assert resource is not None, "the demo seller has no bookable resource"
        office = self.session.get_one(Office, resource.office_id)
        zone = zoneinfo.ZoneInfo(office.time_zone)
        now = utcnow()
        for spec in DEMO_HANDOFFS:
            lead = self.leads_at[(spec.list_name, spec.lead_index)]
            day = _workdays_after(now.astimezone(zone).date(), spec.visit_in_workdays)
            starts = dt.datetime.combine(day, dt.time(spec.visit_hour), zone).astimezone(dt.UTC)
            visit = Visit(
                lead_id=lead.id,
                resource_id=resource.id,
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=resource.slot_minutes),
                status="booked",
                booked_by_id=operator.id,
            )
            self.session.add(visit)
            self.session.flush()
            handoff = Handoff(
                lead_id=lead.id,
                visit_id=visit.id,
                from_user_id=operator.id,
                to_user_id=seller.id,
                state=spec.state,
                return_reason=spec.return_reason,
                decided_at=None if spec.state == "offered" else now,
            )
            self.session.add(handoff)
            self.session.flush()
            steps: list[tuple[int, str | None, str]] = [(operator.id, None, "offered")]
            if spec.state != "offered":
                steps.append((seller.id, "offered", spec.state))
            self.session.add_all(
                AuditEntry(
                    user_id=user_id,
                    entity="handoff",
                    entity_id=handoff.id,
                    action=after,
                    before=None if before is None else {"state": before},
                    after={"state": after},
                )
                for user_id, before, after in steps
            )

    def _contact(self, demo: DemoLead) -> Contact:
        return Contact(
            company_id=self.companies[demo.company.inn].id if demo.company else None,
            full_name=demo.full_name,
            role=demo.role,
            position=demo.position,
            email=demo.email,
            city=demo.city,
            region=demo.region,
            time_zone=demo.time_zone,
            time_zone_guessed=demo.time_zone_guessed,
            comment=demo.comment,
            custom_fields=dict(demo.custom_fields),
            preferred_hours=demo.preferred_hours,
        )

    def _phones_and_lead(
        self,
        demo: DemoLead,
        contact_id: int,
        lead_list: LeadList,
        campaign: Campaign,
        verification: Verification | None,
    ) -> Lead:
        self.session.add_all(
            Phone(
                contact_id=contact_id,
                e164=phone.e164,
                kind=phone.kind.value,
                extension=phone.extension,
                region_code=phone.region_code,
                time_zone=phone.time_zone,
                time_zone_guessed=phone.time_zone_guessed,
                raw=phone.raw,
            )
            for phone in demo.phones
        )
        if demo.blocked:
            self.session.add(
                DoNotCall(
                    e164=demo.phones[0].e164,
                    reason=DO_NOT_CALL_REASON,
                    added_by_id=self.users[LIST_OWNER_LOGIN].id,
                )
            )
        # The audit hook writes each lead's "created" row when the session flushes.
        lead = Lead(
            contact_id=contact_id,
            campaign_id=campaign.id,
            list_id=lead_list.id,
            state=_state(demo, verification),
            source="list",
            priority=lead_list.priority,
        )
        self.session.add(lead)
        return lead

    def _company(self, demo: DemoCompany) -> None:
        if demo.inn not in self.companies:
            company = Company(
                name=demo.name,
                inn=demo.inn,
                city=demo.city,
                region=demo.region,
                time_zone=demo.time_zone,
            )
            self.session.add(company)
            self.companies[demo.inn] = company
