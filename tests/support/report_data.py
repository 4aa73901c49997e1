"""A small, hand-countable world for the report tests (the dashboard and `report kpi`).

Period 23-25 November 2026 in Moscow (UTC+3). Two operators, A and B; campaign C1 with its
own dispositions (voicemail counts as reached there, `info_sent` is reached and positive),
campaign C2 with none (the defaults apply, `info_sent` is neither). The expected figures
are worked out by hand in tests/storage/test_report_dashboard.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from operator_app.core.reports.filters import ReportFilter
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Actor, Role
from operator_app.storage.database import Database
from operator_app.storage.models import (
    CallAttempt,
    Campaign,
    Contact,
    CriteriaSet,
    Disposition,
    Handoff,
    Lead,
    LeadList,
    Office,
    Resource,
    Script,
    ScriptAnswer,
    ScriptVersion,
    Task,
    User,
    Verification,
    Visit,
    VisitResult,
)

FIRST_DAY = dt.date(2026, 11, 23)
LAST_DAY = dt.date(2026, 11, 25)
_unique = itertools.count(1)
MOSCOW = ZoneInfo("Europe/Moscow")


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def msk(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Moscow wall-clock time in November 2026, as UTC."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW).astimezone(dt.UTC)


def script_document(name: str, version: int) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "language": "ru",
        "stages": [
            {"kind": "contact", "steps": [{"id": "greet", "text": "Здравствуйте"}]},
            {"kind": "diagnostics", "steps": [{"id": "qualify", "text": "Вопрос", "spin": "S"}]},
            {
                "kind": "objections",
                "objections": [{"id": "expensive", "title": "Дорого", "responses": ["Понимаю"]}],
            },
            {"kind": "closing", "steps": [{"id": "close", "text": "До встречи"}]},
        ],
    }


@dataclass(frozen=True, slots=True)
class ReportWorld:
    operator_a: Actor
    operator_b: Actor
    supervisor: Actor
    seller: Actor
    campaign_1: int
    campaign_2: int
    campaign_1_name: str
    list_1: int
    list_2: int
    version_1: int
    version_2: int
    script_name: str

    def report_filter(self, **filters: int | None) -> ReportFilter:
        return ReportFilter(ReportPeriod(FIRST_DAY, LAST_DAY), **filters)


def _user(db: Database, name: str, role: Role) -> Actor:
    login = f"{name.lower().replace(' ', '')}{next(_unique)}"
    with db.session() as session:
        user = User(login=login, display_name=name, role=role.value, password_hash="x")
        session.add(user)
        session.flush()
        return Actor(user.id, login, name, role)


def build_report_world(db: Database) -> ReportWorld:
    a = _user(db, "Anna Operator", Role.OPERATOR)
    b = _user(db, "Boris Operator", Role.OPERATOR)
    supervisor = _user(db, "Sofia Supervisor", Role.SUPERVISOR)
    seller = _user(db, "Sergey Seller", Role.SELLER)
    n = next(_unique)
    with db.session() as session:
        c1 = Campaign(name=f"Credit {n}")
        c2 = Campaign(name=f"Cars {n}")
        session.add_all([c1, c2])
        session.flush()
        for code, reached, positive in [
            ("no_answer", False, False),
            ("voicemail", True, False),
            ("lead", True, True),
            ("info_sent", True, True),
            ("not_target", True, False),
        ]:
            session.add(
                Disposition(
                    campaign_id=c1.id, code=code, label=code, reached=reached, positive=positive
                )
            )
        l1 = LeadList(
            name=f"Pensioners {n}", hypothesis="Pensioners want deposits", campaign_id=c1.id
        )
        l2 = LeadList(name=f"Students {n}", hypothesis="Students buy used cars", campaign_id=c2.id)
        script = Script(name=f"Credit script {n}")
        session.add_all([l1, l2, script])
        session.flush()
        v1 = ScriptVersion(script_id=script.id, version=1, document=script_document(script.name, 1))
        v2 = ScriptVersion(script_id=script.id, version=2, document=script_document(script.name, 2))
        criteria = [
            CriteriaSet(campaign_id=c.id, version=1, criteria=[], reasons=[]) for c in (c1, c2)
        ]
        office = Office(name=f"Office {n}")
        session.add_all([v1, v2, *criteria, office])
        session.flush()
        resource = Resource(office_id=office.id, name="Desk", user_id=seller.user_id)
        session.add(resource)
        session.flush()

        leads: dict[str, int] = {}
        for name, campaign, lead_list in [
            ("l1", c1, l1),
            ("l2", c1, l1),
            ("l3", c1, l1),
            ("l4", c2, l2),
            ("l5", c2, l2),
            ("l6", c2, l2),
        ]:
            contact = Contact(full_name=f"Client {name}", custom_fields={})
            session.add(contact)
            session.flush()
            lead = Lead(contact_id=contact.id, campaign_id=campaign.id, list_id=lead_list.id)
            session.add(lead)
            session.flush()
            leads[name] = lead.id

        calls: dict[int, int] = {}

        def call(
            number: int,
            who: Actor,
            lead: str,
            at: dt.datetime,
            disposition: str | None,
            talk: int,
            version: ScriptVersion | None,
            last_step: str | None,
            reason: str | None = None,
        ) -> None:
            row = CallAttempt(
                client_uuid=str(uuid.uuid4()),
                lead_id=leads[lead],
                operator_id=who.user_id,
                script_version_id=version.id if version else None,
                started_at=at,
                ended_at=at + dt.timedelta(seconds=talk + 10),
                talk_seconds=talk,
                disposition=disposition,
                reason=reason,
                last_step_id=last_step,
            )
            session.add(row)
            session.flush()
            calls[number] = row.id

        call(1, a, "l1", msk(23, 10), "no_answer", 0, v1, "greet")
        call(2, a, "l1", msk(23, 15), "lead", 300, v1, "close")
        call(3, a, "l2", msk(24, 0, 30), "voicemail", 60, v2, "greet")  # 23 Nov 21:30 UTC
        call(4, b, "l4", msk(23, 11), "voicemail", 0, v2, "greet")
        call(5, b, "l5", msk(25, 12), "visit_booked", 600, v2, "close")
        call(6, b, "l6", msk(25, 13), "not_target", 120, v1, "qualify", "no income")
        call(7, b, "l5", msk(25, 14), "visit_confirmed", 30, None, None)
        call(8, a, "l3", utc(22, 20, 59), "lead", 500, v1, "close")  # 22 Nov in Moscow
        call(9, a, "l3", msk(24, 12), None, 50, v2, "qualify")  # never finished
        call(10, a, "l3", msk(24, 12, 30), "info_sent", 90, v2, "close")
        call(11, b, "l6", msk(23, 16), "info_sent", 0, v1, "greet")

        def answer(number: int, step: str, stage: str, objection: str | None) -> None:
            session.add(
                ScriptAnswer(
                    call_id=calls[number],
                    step_id=step,
                    stage=stage,
                    answer="ok" if objection is None else None,
                    objection_id=objection,
                    answered_at=utc(23, 12),
                )
            )

        answer(2, "greet", "contact", None)
        answer(2, "qualify", "diagnostics", "expensive")
        answer(3, "greet", "contact", "busy")
        answer(5, "qualify", "diagnostics", "expensive")
        answer(8, "qualify", "diagnostics", "expensive")
        answer(9, "qualify", "diagnostics", "expensive")

        def visit(
            lead: str,
            by: Actor,
            booked_at: dt.datetime,
            starts_at: dt.datetime,
            status: str,
            *,
            moved_from: int | None = None,
            reason: str | None = None,
        ) -> int:
            row = Visit(
                lead_id=leads[lead],
                resource_id=resource.id,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=1),
                status=status,
                cancel_reason=reason,
                rescheduled_from_id=moved_from,
                details={},
                booked_by_id=by.user_id,
                booked_at=booked_at,
            )
            session.add(row)
            session.flush()
            return row.id

        v_1 = visit("l1", a, utc(23, 12), utc(24, 7), "held")
        v_2 = visit("l5", b, utc(25, 9), utc(25, 13), "no_show")
        v_3 = visit("l3", a, utc(24, 10), utc(25, 8), "rescheduled")
        v_4 = visit("l3", a, utc(24, 11), utc(25, 10), "held", moved_from=v_3)
        visit("l4", b, utc(20, 9), utc(23, 9), "no_show", reason="ill")
        visit("l2", a, utc(25, 10), utc(27, 9), "booked")
        session.add_all(
            [
                VisitResult(visit_id=v_1, sale=True, amount=Decimal("150000.00")),
                VisitResult(visit_id=v_4, sale=False, amount=None),
                Task(
                    visit_id=v_2,
                    lead_id=leads["l5"],
                    kind="feedback_call",
                    due_at=utc(25, 15),
                    state="done",
                    note="forgot",
                    done_at=utc(25, 15),
                ),
            ]
        )

        def handoff(lead: str, by: Actor, state: str, decided_at: dt.datetime) -> None:
            session.add(
                Handoff(
                    lead_id=leads[lead],
                    from_user_id=by.user_id,
                    to_user_id=seller.user_id,
                    state=state,
                    decided_at=decided_at,
                )
            )

        handoff("l1", a, "accepted", utc(24, 8))
        handoff("l3", a, "overruled", utc(24, 12))
        handoff("l5", b, "upheld", utc(25, 12))
        handoff("l2", a, "accepted", utc(26, 10))

        def verdict(lead: str, by: Actor, reason: str, at: dt.datetime) -> None:
            campaign_index = 0 if lead in ("l1", "l2", "l3") else 1
            session.add(
                Verification(
                    lead_id=leads[lead],
                    criteria_set_id=criteria[campaign_index].id,
                    answers={},
                    computed_verdict="non_target",
                    verdict="non_target",
                    reason=reason,
                    verified_by_id=by.user_id,
                    verified_at=at,
                )
            )

        verdict("l6", b, "no income", utc(25, 10))
        verdict("l4", b, "too old", utc(23, 9))
        verdict("l2", a, "no income", utc(24, 9))
        return ReportWorld(
            operator_a=a,
            operator_b=b,
            supervisor=supervisor,
            seller=seller,
            campaign_1=c1.id,
            campaign_2=c2.id,
            campaign_1_name=c1.name,
            list_1=l1.id,
            list_2=l2.id,
            version_1=v1.id,
            version_2=v2.id,
            script_name=script.name,
        )
