"""The demo's last 14 days, for supervisors: what a calling team did and what came of it.

Written inside the demo's transaction after its calendar. The team (demo_data.team) works the
credit broker's two lists on working days before today: fresh leads and the retries and
callbacks of earlier days, each call only inside the client's local calling hours. Reached
calls walk the broker's script (answers with SPIN kinds, objections, a few "no suitable
answer" entries, notes) and end as the walk ends: a booked visit (verified target, handed to
the seller, held or not by now, held ones with a sale or not), a non-target with its reason, a
refusal, a callback, a do-not-call. A week ago the script got a second version and a 50/50
split per lead (campaigns.settings["script_split"]); calls since then use the version the
split assigns. Plans and KPI weights per role, and a few reviewed calls with feedback, close
the picture. Every visit here lies in the past, so the calendar ahead stays as it was.
Deterministic for a seed; timestamps relative to `now`.

The days are played out in memory first and written afterwards, one bulk insert per table
(parents first, their ids read back in order), so the history adds well under a second to
the demo command.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from operator_app.core.demo_data import team as spec
from operator_app.core.demo_data.calendar import SEAT_HOLDING_STATUSES
from operator_app.core.demo_data.call_walk import WalkedCall, walk_call
from operator_app.core.script_engine import CapturedAnswer
from operator_app.core.script_split import ScriptSplit, SplitBy, assigned_version
from operator_app.core.scripts_format import (
    ScriptDocument,
    Stage,
    from_document,
    to_document,
)
from operator_app.core.verification.criteria import criteria_from_data
from operator_app.core.verification.verdict import answer_to_data, compute_verdict, parse_answers
from operator_app.storage.audit import act_as
from operator_app.storage.base import Base
from operator_app.storage.lead_states import LeadState
from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    CallAttempt,
    CallReview,
    Campaign,
    Contact,
    CriteriaSet,
    DoNotCall,
    Handoff,
    KpiWeight,
    Lead,
    Phone,
    Plan,
    Resource,
    ScriptAnswer,
    ScriptVersion,
    Slot,
    Task,
    User,
    Verification,
    Visit,
    VisitResult,
    WorkingHours,
)

__all__ = ["DemoHistory", "write_demo_history"]

_OFFICE_ZONE = zoneinfo.ZoneInfo("Europe/Moscow")  # the team and the seller's office
_SHIFT_START = dt.time(9, 30)
_SHIFT_END = dt.time(18, 0)
_MAX_ATTEMPTS = 4  # dials of an unanswered lead within the history
_REVIEWS = 9
_LIST_FACTOR = {spec.HISTORY_LISTS[0]: 1.15, spec.HISTORY_LISTS[1]: 0.8}
_RETRY_CODES = ("no_answer", "no_answer", "no_answer", "busy", "voicemail")
_SELLER_RESOURCE_KIND = "seller"

_Row = dict[str, Any]  # one row to insert, by column name


@dataclass(frozen=True, slots=True)
class DemoHistory:
    """What the history added, for the demo's summary."""

    days: int
    operators: int
    calls: int
    leads: int  # calls that made a lead (visit booked)
    visits_held: int
    sales: int
    reviews: int

    def describe(self) -> str:
        return (
            f"  The last {self.days} days: {self.calls} calls by {self.operators} operators, "
            f"{self.leads} visits booked, {self.visits_held} held, {self.sales} sales, "
            f"{self.reviews} calls reviewed; plans, KPI weights and a script split are set"
        )


def write_demo_history(
    session: Session,
    leads_at: Mapping[tuple[str, int], Lead],
    users: MutableMapping[str, User],
    password_hash: str,
    now: dt.datetime,
    seed: int,
) -> DemoHistory:
    """Add the history to the demo being written in `session`; new operators join `users`."""
    return _HistoryWriter(session, leads_at, users, password_hash, now, seed).write()


@dataclass(slots=True)
class _Story:
    """One lead's calls so far in the history."""

    lead: Lead
    list_name: str
    zone: zoneinfo.ZoneInfo
    place: str  # the client's city or region, as the verification records it
    phone_id: int | None
    phone_e164: str | None
    operator: spec.CallerSpec
    attempts: int = 0
    next_day: dt.date | None = None  # when it is to be called again; None: closed
    state: str = LeadState.NEW.value


@dataclass(slots=True)
class _Counts:
    calls: int = 0
    booked: int = 0
    held: int = 0
    sales: int = 0
    reviewed: list[tuple[int, WalkedCall]] = field(default_factory=list)  # by call index


@dataclass(slots=True)
class _Booking:
    """The rows one booked visit leaves; ids of the slot, visit and hand-off come later."""

    slot: _Row
    visit: _Row
    handoff: _Row
    audit: list[tuple[str, _Row]]  # (the entity the row is about: handoff | visit, the row)
    result: _Row | None = None
    task: _Row | None = None


@dataclass(slots=True)
class _Rows:
    """Everything the played-out days write, in the order it happened."""

    calls: list[_Row] = field(default_factory=list)
    answers: list[tuple[int, _Row]] = field(default_factory=list)  # (call index, row)
    verifications: list[tuple[int, _Row]] = field(default_factory=list)
    bookings: list[_Booking] = field(default_factory=list)
    do_not_call: list[_Row] = field(default_factory=list)
    reviews: list[tuple[int, _Row]] = field(default_factory=list)


class _HistoryWriter:
    def __init__(
        self,
        session: Session,
        leads_at: Mapping[tuple[str, int], Lead],
        users: MutableMapping[str, User],
        password_hash: str,
        now: dt.datetime,
        seed: int,
    ) -> None:
        self.session = session
        self.leads_at = leads_at
        self.users = users
        self.password_hash = password_hash
        self.now = now
        self.rng = random.Random(f"demo-history-{seed}")
        self.today = now.astimezone(_OFFICE_ZONE).date()
        self.counts = _Counts()
        self.rows = _Rows()
        self.campaign = session.scalars(
            select(Campaign).where(Campaign.name == spec.HISTORY_CAMPAIGN)
        ).one()

    def write(self) -> DemoHistory:
        self._team()
        versions = self._script_versions()
        self._plans_and_weights()
        self.seller_slots = _SellerSlots(self.session, self.users[spec.SELLER_LOGIN], self.now)
        self.criteria = self.session.scalars(
            select(CriteriaSet)
            .where(CriteriaSet.campaign_id == self.campaign.id)
            .order_by(CriteriaSet.version.desc())
        ).first()
        stories = self._stories()
        days = [self.today - dt.timedelta(days=n) for n in range(spec.HISTORY_DAYS, 0, -1)]
        split_day = self.today - dt.timedelta(days=spec.SPLIT_STARTED_DAYS_AGO)
        fresh = {caller.login: list(pool) for caller, pool in stories.items()}
        working: list[_Story] = []
        for day in days:
            if day.weekday() >= 5:
                continue
            split = versions.split if day >= split_day else None
            for caller in spec.TEAM:
                take = caller.new_leads_per_day + self.rng.randint(-1, 1)
                new = fresh[caller.login][:take]
                del fresh[caller.login][:take]
                for story in new:
                    story.next_day = day
                working += new
                due = [s for s in working if s.operator is caller and s.next_day == day]
                self._shift(caller, day, due, versions, split)
        call_ids = self._write_days()
        # Lead states change through the ORM, so the audit hook writes their trail.
        act_as(self.session, self.users[spec.REVIEWER_LOGIN].id)
        for story in working:
            self._settle(story)
        self.session.flush()
        self._reviews()
        _insert(self.session, CallReview, _with_call_ids(self.rows.reviews, call_ids))
        return DemoHistory(
            days=spec.HISTORY_DAYS,
            operators=len(spec.TEAM),
            calls=self.counts.calls,
            leads=self.counts.booked,
            visits_held=self.counts.held,
            sales=self.counts.sales,
            reviews=len(self.counts.reviewed),
        )

    # --- people, scripts, plans ------------------------------------------------------------

    def _team(self) -> None:
        for caller in spec.TEAM:
            if not caller.created:
                continue
            user = User(
                login=caller.login,
                display_name=caller.display_name,
                role="operator",
                password_hash=self.password_hash,
                active=True,
                time_zone="Europe/Moscow",
                language="ru",
            )
            self.session.add(user)
            self.users[caller.login] = user
        self.session.flush()

    def _script_versions(self) -> _Versions:
        assert self.campaign.script_id is not None, "the broker's campaign has a script"
        first = self.session.scalars(
            select(ScriptVersion)
            .where(ScriptVersion.script_id == self.campaign.script_id)
            .order_by(ScriptVersion.version)
        ).first()
        assert first is not None
        doc_v1 = from_document(first.document)
        doc_v2 = _with_new_teaser(doc_v1)
        published = dt.datetime.combine(
            self.today - dt.timedelta(days=spec.SPLIT_STARTED_DAYS_AGO), dt.time(8), _OFFICE_ZONE
        ).astimezone(dt.UTC)
        first.created_at = published - dt.timedelta(days=30)
        second = ScriptVersion(
            script_id=first.script_id,
            version=doc_v2.version,
            document=to_document(doc_v2),
            published=True,
            created_at=published,
            created_by_id=self.users[spec.REVIEWER_LOGIN].id,
        )
        self.session.add(second)
        self.session.flush()
        split = ScriptSplit(first.id, second.id, spec.SPLIT_SHARE_B, SplitBy.LEAD)
        self.campaign.settings = {**self.campaign.settings, "script_split": split.to_settings()}
        return _Versions({first.id: doc_v1, second.id: doc_v2}, first.id, split)

    def _plans_and_weights(self) -> None:
        valid_from = self.today - dt.timedelta(days=spec.HISTORY_DAYS + 16)
        self.session.add_all(
            Plan(
                user_id=None if item.login is None else self.users[item.login].id,
                role=None if item.role is None else item.role.value,
                metric=item.metric,
                per_day=Decimal(item.per_day),
                valid_from=valid_from,
                valid_to=None,
            )
            for item in spec.PLANS
        )
        self.session.add_all(
            KpiWeight(
                role=item.role.value,
                metric=item.metric,
                weight=Decimal(item.weight),
                cutoff=Decimal(item.cutoff),
            )
            for item in spec.KPI_WEIGHTS
        )

    # --- leads -----------------------------------------------------------------------------

    def _stories(self) -> dict[spec.CallerSpec, list[_Story]]:
        """Fresh leads of the two lists, dealt to the team from the end of each list, so the
        queue's first fresh leads stay what they were."""
        pools: dict[str, list[Lead]] = {name: [] for name in spec.HISTORY_LISTS}
        for (list_name, _index), lead in sorted(
            self.leads_at.items(), key=lambda item: -item[0][1]
        ):
            if list_name in pools and lead.state == LeadState.NEW.value:
                pools[list_name].append(lead)
        contact_ids = [lead.contact_id for pool in pools.values() for lead in pool]
        places = {
            contact_id: (zone, city or region)
            for contact_id, zone, city, region in self.session.execute(
                select(Contact.id, Contact.time_zone, Contact.city, Contact.region).where(
                    Contact.id.in_(contact_ids)
                )
            ).tuples()
        }
        phones: dict[int, tuple[int, str]] = {}
        for phone_id, contact_id, e164 in self.session.execute(
            select(Phone.id, Phone.contact_id, Phone.e164)
            .where(Phone.contact_id.in_(contact_ids))
            .order_by(Phone.id)
        ).tuples():
            phones.setdefault(contact_id, (phone_id, e164))
        deals: dict[spec.CallerSpec, list[_Story]] = {caller: [] for caller in spec.TEAM}
        per_caller = (len(contact_ids) * 3 // 4) // len(spec.TEAM)  # the rest stays fresh
        mortgage, car_loans = (pools[name] for name in spec.HISTORY_LISTS)
        for caller in spec.TEAM:
            for _ in range(per_caller):
                from_mortgage = self.rng.random() < caller.mortgage_share
                source = mortgage if (from_mortgage and mortgage) or not car_loans else car_loans
                if not source:
                    break
                lead = source.pop(0)
                phone = phones.get(lead.contact_id)
                zone, place = places.get(lead.contact_id, (None, None))
                deals[caller].append(
                    _Story(
                        lead=lead,
                        list_name=spec.HISTORY_LISTS[0 if source is mortgage else 1],
                        zone=zoneinfo.ZoneInfo(zone or "Europe/Moscow"),
                        place=place or "Москва",
                        phone_id=None if phone is None else phone[0],
                        phone_e164=None if phone is None else phone[1],
                        operator=caller,
                    )
                )
        return deals

    def _settle(self, story: _Story) -> None:
        """Where the lead stands at the end of the history."""
        lead = story.lead
        lead.attempts = story.attempts
        if story.next_day is not None and story.state in {"new", "retry", "callback"}:
            # Still to be called: offered again tomorrow morning, not during today's demo.
            tomorrow = dt.datetime.combine(
                self.today + dt.timedelta(days=1), dt.time(10), _OFFICE_ZONE
            )
            lead.state = LeadState.RETRY.value
            lead.next_action_at = tomorrow.astimezone(dt.UTC)
        else:
            lead.state = story.state
            lead.next_action_at = None
        lead.owner_id = self.users[story.operator.login].id

    # --- a working day ---------------------------------------------------------------------

    def _shift(
        self,
        caller: spec.CallerSpec,
        day: dt.date,
        due: list[_Story],
        versions: _Versions,
        split: ScriptSplit | None,
    ) -> None:
        operator = self.users[caller.login]
        at = dt.datetime.combine(day, _SHIFT_START, _OFFICE_ZONE) + dt.timedelta(
            minutes=self.rng.randint(0, 20)
        )
        end = dt.datetime.combine(day, _SHIFT_END, _OFFICE_ZONE)
        waiting = sorted(due, key=lambda s: -_utc_offset(s.zone, at))  # the far east first
        while waiting and at < end:
            story = next((s for s in waiting if _callable(s.zone, at)), None)
            if story is None:
                at += dt.timedelta(minutes=30)
                continue
            waiting.remove(story)
            at = self._call(caller, operator, story, at, versions, split)
            at += dt.timedelta(seconds=self.rng.randint(60, 240))
        for story in waiting:  # not reached today: tomorrow
            story.next_day = _next_workday(day)

    def _call(
        self,
        caller: spec.CallerSpec,
        operator: User,
        story: _Story,
        at: dt.datetime,
        versions: _Versions,
        split: ScriptSplit | None,
    ) -> dt.datetime:
        started = at.astimezone(dt.UTC)
        version_id = (
            versions.first_id
            if split is None
            else assigned_version(split, lead_id=story.lead.id, operator_id=operator.id)
        )
        story.attempts += 1
        self.counts.calls += 1
        call: _Row = {
            "client_uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "lead_id": story.lead.id,
            "operator_id": operator.id,
            "phone_id": story.phone_id,
            "script_version_id": version_id,
            "started_at": started,
            "reason": None,
            "notes": None,
            "callback_at": None,
            "last_step_id": None,
        }
        if self.rng.random() >= caller.reach:
            ring = self.rng.randint(20, 45)
            code = "wrong_number" if self.rng.random() < 0.03 else self.rng.choice(_RETRY_CODES)
            ended_at = started + dt.timedelta(seconds=ring)
            call.update(ended_at=ended_at, talk_seconds=0, disposition=code)
            self._after_unanswered(story, code, at.date())
            self._save(call, ())
            return ended_at
        factor = _LIST_FACTOR[story.list_name]
        allow_booking = self.rng.random() < (0.3 + 0.5 * caller.skill) * factor
        doc = versions.documents[version_id]
        walked = walk_call(doc, self.rng, started, skill=caller.skill, allow_booking=allow_booking)
        slot = None
        if walked.ending == "visit_booked":
            slot = self.seller_slots.take(started + dt.timedelta(seconds=walked.talk_seconds))
            if slot is None:  # the expert's days are full: the client will be called back
                walked = walk_call(doc, self.rng, started, skill=caller.skill, allow_booking=False)
        ended_at = started + dt.timedelta(seconds=walked.talk_seconds)
        call.update(
            ended_at=ended_at,
            talk_seconds=walked.talk_seconds,
            disposition=walked.ending,
            last_step_id=walked.last_step_id,
            reason=self._reason(walked),
        )
        if self.rng.random() < 0.25:
            call["notes"] = self.rng.choice(spec.NOTES)
        if walked.ending == "callback":
            call["callback_at"] = ended_at + dt.timedelta(days=1)
        self._after_reached(story, walked.ending, at.date())
        index = self._save(call, walked.answers)
        if slot is not None and walked.ending == "visit_booked":
            self._booking(index, call, operator, story, walked, slot)
        if len(walked.answers) >= 4 and self.rng.random() < 0.12:
            self.counts.reviewed.append((index, walked))
        return ended_at

    def _reason(self, walked: WalkedCall) -> str | None:
        if walked.hung_up:
            return spec.HUNG_UP_REASON
        if walked.ending == "not_target":
            return spec.NOT_TARGET_REASONS.get(walked.before_last or "", spec.NOT_TARGET_OTHER)
        if walked.ending == "refused":
            return self.rng.choice(spec.REFUSAL_REASONS)
        return None

    def _after_unanswered(self, story: _Story, code: str, day: dt.date) -> None:
        story.lead.last_disposition = code
        if code == "wrong_number" or story.attempts >= _MAX_ATTEMPTS:
            story.state, story.next_day = LeadState.LOST.value, None
            return
        story.state = LeadState.RETRY.value
        story.next_day = _next_workday(day, self.rng.randint(1, 2))

    def _after_reached(self, story: _Story, ending: str, day: dt.date) -> None:
        story.lead.last_disposition = ending
        if ending == "callback":
            story.state, story.next_day = LeadState.CALLBACK.value, _next_workday(day)
            return
        story.state = {
            "visit_booked": LeadState.VISIT_BOOKED,
            "not_target": LeadState.NOT_TARGET,
            "do_not_call": LeadState.DO_NOT_CALL,
            "wrong_number": LeadState.LOST,
        }.get(ending, LeadState.REFUSED).value
        story.next_day = None
        if ending == "do_not_call" and story.phone_e164 is not None:
            self.rows.do_not_call.append(
                {
                    "e164": story.phone_e164,
                    "reason": "Клиент попросил больше не звонить",
                    "added_by_id": self.users[story.operator.login].id,
                }
            )

    def _save(self, call: _Row, answers: tuple[CapturedAnswer, ...]) -> int:
        """Keep the call and its answers for writing; the call's index among the calls."""
        index = len(self.rows.calls)
        self.rows.calls.append(call)
        self.rows.answers.extend(
            (
                index,
                {
                    "step_id": a.step_id,
                    "stage": a.stage,
                    "spin": a.spin,
                    "answer": a.answer,
                    "free_text": a.free_text,
                    "objection_id": a.objection_id,
                    "no_suitable_answer": a.no_suitable_answer,
                    "answered_at": a.answered_at,
                },
            )
            for a in answers
        )
        return index

    # --- what a booked visit became ----------------------------------------------------------

    def _booking(
        self,
        index: int,
        call: _Row,
        operator: User,
        story: _Story,
        walked: WalkedCall,
        slot: tuple[Resource, dt.datetime],
    ) -> None:
        resource, starts = slot
        booked_at: dt.datetime = call["ended_at"]
        self.counts.booked += 1
        self._verification(index, booked_at, operator, story, walked)
        returned = self.rng.random()
        upheld = returned < 0.06
        overruled = 0.06 <= returned < 0.1
        attended = not upheld and self.rng.random() < 0.55 + 0.3 * story.operator.skill
        status = "cancelled" if upheld else ("held" if attended else "no_show")
        ends = starts + dt.timedelta(minutes=resource.slot_minutes)
        visit: _Row = {
            "lead_id": story.lead.id,
            "resource_id": resource.id,
            "starts_at": starts,
            "ends_at": ends,
            "status": status,
            "cancelled_by": "us" if upheld else None,
            "cancel_reason": (
                spec.RETURN_REASON
                if upheld
                else (None if attended else self.rng.choice(spec.NO_SHOW_REASONS))
            ),
            "confirmation_channel": self.rng.choice(("sms", "messenger", "phone")),
            "booked_by_id": operator.id,
            "booked_at": booked_at,
        }
        booking = _Booking(
            slot=self.seller_slots.seat(starts, holds=status in SEAT_HOLDING_STATUSES),
            visit=visit,
            handoff={},
            audit=[],
        )
        self._handoff(booking, operator, booked_at, upheld=upheld, overruled=overruled)
        self._visit_audit(booking, operator)
        if status == "held":
            self.counts.held += 1
            sale = self.rng.random() < 0.45
            self.counts.sales += sale
            booking.result = {
                "sale": sale,
                "amount": Decimal(self.rng.randrange(35_000, 150_000, 500)) if sale else None,
                "comment": self.rng.choice(spec.SALE_COMMENTS if sale else spec.NO_SALE_COMMENTS),
                "recorded_by_id": self.users[spec.SELLER_LOGIN].id,
                "recorded_at": ends,
            }
        elif status == "no_show":
            booking.task = {
                "lead_id": story.lead.id,
                "kind": "feedback_call",
                "due_at": ends + dt.timedelta(hours=2),
                "assigned_to_id": operator.id,
                "state": "done",
                "note": visit["cancel_reason"],
                "created_at": ends,
                "done_at": ends + dt.timedelta(hours=3),
            }
        self.rows.bookings.append(booking)

    def _verification(
        self,
        index: int,
        verified_at: dt.datetime,
        operator: User,
        story: _Story,
        walked: WalkedCall,
    ) -> None:
        if self.criteria is None:
            return
        said = {a.step_id: a.answer for a in walked.answers if a.answer is not None}
        raw = {
            "purchase": said.get("q_purchase", "Квартира или дом (ипотека)"),
            "amount": f"{self.rng.randrange(900, 6500, 100) * 1000:,}".replace(",", " "),
            "credit_history": said.get("q_credit_history", "Хорошая, просрочек не было"),
            "broker_fee": said.get("q_broker_fee", "Да, подходит"),
            "income": said.get("s_income", "Официально, больше полугода"),
            "age": str(self.rng.randint(24, 58)),
            "region": story.place,
        }
        criteria = criteria_from_data(self.criteria.criteria)
        known = {c.id for c in criteria}
        answers = parse_answers(criteria, {k: v for k, v in raw.items() if k in known})
        verdict = compute_verdict(criteria, answers).verdict.value
        self.rows.verifications.append(
            (
                index,
                {
                    "lead_id": story.lead.id,
                    "criteria_set_id": self.criteria.id,
                    "answers": {key: answer_to_data(value) for key, value in answers.items()},
                    "computed_verdict": verdict,
                    "verdict": verdict,
                    "verified_by_id": operator.id,
                    "verified_at": verified_at,
                },
            )
        )

    def _handoff(
        self,
        booking: _Booking,
        operator: User,
        booked_at: dt.datetime,
        *,
        upheld: bool,
        overruled: bool,
    ) -> None:
        seller = self.users[spec.SELLER_LOGIN]
        supervisor = self.users[spec.REVIEWER_LOGIN]
        decided = booked_at + dt.timedelta(minutes=self.rng.randint(30, 180))
        state = "return_upheld" if upheld else ("return_overruled" if overruled else "accepted")
        returned = state != "accepted"
        booking.handoff = {
            "lead_id": booking.visit["lead_id"],
            "from_user_id": operator.id,
            "to_user_id": seller.id,
            "state": state,
            "return_reason": (
                (spec.RETURN_REASON if upheld else spec.RETURN_OVERRULED_REASON)
                if returned
                else None
            ),
            "created_at": booked_at,
            "decided_at": decided,
            "arbitrated_by_id": supervisor.id if returned else None,
            "arbitrated_at": decided + dt.timedelta(hours=2) if returned else None,
            "arbitration_comment": spec.ARBITRATION_COMMENTS.get(state),
        }
        steps: list[tuple[int, str | None, str, dt.datetime]] = [
            (operator.id, None, "offered", booked_at),
            (seller.id, "offered", "returned" if returned else "accepted", decided),
        ]
        if returned:
            steps.append((supervisor.id, "returned", state, decided + dt.timedelta(hours=2)))
        booking.audit.extend(
            (
                "handoff",
                {
                    "at": at,
                    "user_id": user_id,
                    "entity": "handoff",
                    "action": after,
                    "before": None if before is None else {"state": before},
                    "after": {"state": after},
                },
            )
            for user_id, before, after, at in steps
        )

    def _visit_audit(self, booking: _Booking, operator: User) -> None:
        visit = booking.visit
        booking.audit.append(
            (
                "visit",
                {
                    "at": visit["booked_at"],
                    "user_id": operator.id,
                    "entity": "visit",
                    "action": "booked",
                    "before": None,
                    "after": {"status": "booked"},
                },
            )
        )
        booking.audit.append(
            (
                "visit",
                {
                    "at": visit["ends_at"],
                    "user_id": self.users[spec.SELLER_LOGIN].id,
                    "entity": "visit",
                    "action": visit["status"],
                    "before": {"status": "booked"},
                    "after": {"status": visit["status"]},
                },
            )
        )

    # --- writing ---------------------------------------------------------------------------

    def _write_days(self) -> list[int]:
        """Insert the played-out days, one statement per table; the calls' ids, in order."""
        rows, session = self.rows, self.session
        call_ids = _insert(session, CallAttempt, rows.calls, returning_ids=True)
        _insert(session, ScriptAnswer, _with_call_ids(rows.answers, call_ids))
        _insert(session, Verification, _with_call_ids(rows.verifications, call_ids))
        bookings = rows.bookings
        slot_ids = _insert(session, Slot, [b.slot for b in bookings], returning_ids=True)
        visit_ids = _insert(
            session,
            Visit,
            [
                {**b.visit, "slot_id": slot_id}
                for b, slot_id in zip(bookings, slot_ids, strict=True)
            ],
            returning_ids=True,
        )
        handoff_ids = _insert(
            session,
            Handoff,
            [
                {**b.handoff, "visit_id": visit_id}
                for b, visit_id in zip(bookings, visit_ids, strict=True)
            ],
            returning_ids=True,
        )
        ids = list(zip(bookings, visit_ids, handoff_ids, strict=True))
        _insert(
            session,
            VisitResult,
            [{**b.result, "visit_id": visit_id} for b, visit_id, _ in ids if b.result is not None],
        )
        _insert(
            session,
            Task,
            [{**b.task, "visit_id": visit_id} for b, visit_id, _ in ids if b.task is not None],
        )
        _insert(
            session,
            AuditEntry,
            [
                {**row, "entity_id": handoff_id if entity == "handoff" else visit_id}
                for b, visit_id, handoff_id in ids
                for entity, row in b.audit
            ],
        )
        _insert(session, DoNotCall, rows.do_not_call)
        return call_ids

    # --- reviews ---------------------------------------------------------------------------

    def _reviews(self) -> None:
        """The supervisor scored a few calls of each operator the day after; half were read."""
        calls = self.rows.calls
        by_operator: dict[int | None, list[tuple[int, WalkedCall]]] = defaultdict(list)
        for index, walked in self.counts.reviewed:
            by_operator[calls[index]["operator_id"]].append((index, walked))
        chosen: list[tuple[int, WalkedCall]] = []
        while len(chosen) < _REVIEWS and any(by_operator.values()):
            for candidates in by_operator.values():
                if candidates and len(chosen) < _REVIEWS:
                    chosen.append(candidates.pop(0))
        reviewer = self.users[spec.REVIEWER_LOGIN]
        for index, walked in chosen:
            items = _checklist(walked)
            yes = sum(value == "yes" for value in items.values())
            no = sum(value == "no" for value in items.values())
            score = None if yes + no == 0 else Decimal(yes * 100) / Decimal(yes + no)
            grade = "good" if score is not None and score >= 75 else "fair"
            if score is not None and score < 50:
                grade = "poor"
            created = min(
                calls[index]["started_at"] + dt.timedelta(days=1, hours=2),
                self.now - dt.timedelta(hours=1),
            )
            self.rows.reviews.append(
                (
                    index,
                    {
                        "reviewer_id": reviewer.id,
                        "checklist": {"items": items},
                        "score": None if score is None else score.quantize(Decimal("0.01")),
                        "comment": self.rng.choice(spec.REVIEW_COMMENTS[grade]),
                        "created_at": created,
                        "seen_by_operator_at": (
                            created + dt.timedelta(hours=3) if self.rng.random() < 0.5 else None
                        ),
                    },
                )
            )
        self.counts.reviewed = chosen


@dataclass(frozen=True, slots=True)
class _Versions:
    documents: dict[int, ScriptDocument]  # by script_versions.id
    first_id: int
    split: ScriptSplit


class _SellerSlots:
    """Free past slots of the demo seller's resource: its working hours on a 60+15 min grid,
    minus days off and the times the calendar already uses."""

    def __init__(self, session: Session, seller: User, now: dt.datetime) -> None:
        self.now = now
        resource = session.scalars(
            select(Resource)
            .where(Resource.user_id == seller.id, Resource.kind == _SELLER_RESOURCE_KIND)
            .order_by(Resource.id)
        ).first()
        assert resource is not None, "the demo seller has a bookable resource"
        self.resource = resource
        self.hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        for hours in session.scalars(
            select(WorkingHours).where(WorkingHours.resource_id == resource.id)
        ):
            self.hours[hours.weekday].append((hours.starts, hours.ends))
        self.closed = set(
            session.scalars(
                select(CalendarException.day).where(
                    (CalendarException.office_id == resource.office_id)
                    | (CalendarException.resource_id == resource.id)
                )
            )
        )
        self.taken = set(
            session.scalars(select(Visit.starts_at).where(Visit.resource_id == resource.id))
        )
        self.slots: dict[dt.datetime, Slot] = {}

    def take(self, after: dt.datetime) -> tuple[Resource, dt.datetime] | None:
        """The first free slot from two hours after `after`, over at least an hour before
        now, within three days; None when there is none."""
        earliest = after + dt.timedelta(hours=2)
        latest = self.now - dt.timedelta(hours=1, minutes=self.resource.slot_minutes)
        day = earliest.astimezone(_OFFICE_ZONE).date()
        for _ in range(4):
            if day not in self.closed:
                for starts in self._grid(day):
                    if earliest <= starts <= latest and starts not in self.taken:
                        self.taken.add(starts)
                        return self.resource, starts
            day += dt.timedelta(days=1)
        return None

    def seat(self, starts: dt.datetime, *, holds: bool) -> _Row:
        """The slot row of a visit at `starts`; it counts the seat when the visit holds one."""
        return {
            "resource_id": self.resource.id,
            "starts_at": starts,
            "capacity": self.resource.capacity,
            "booked": 1 if holds else 0,
        }

    def _grid(self, day: dt.date) -> list[dt.datetime]:
        step = dt.timedelta(minutes=self.resource.slot_minutes + self.resource.buffer_minutes)
        length = dt.timedelta(minutes=self.resource.slot_minutes)
        starts: list[dt.datetime] = []
        for begin, end in sorted(self.hours.get(day.weekday(), [])):
            moment = dt.datetime.combine(day, begin, _OFFICE_ZONE)
            close = dt.datetime.combine(day, end, _OFFICE_ZONE)
            while moment + length <= close:
                starts.append(moment.astimezone(dt.UTC))
                moment += step
        return starts


def _insert(
    session: Session, model: type[Base], rows: Sequence[_Row], *, returning_ids: bool = False
) -> list[int]:
    """Insert `rows` in one statement; with `returning_ids`, their new ids in the same order.

    Every row of a table carries the same keys, and None is written as NULL rather than left
    out, so the rows go in as one batch instead of one batch per pattern of missing values.
    """
    if not rows:
        return []
    options = {"render_nulls": True}
    if not returning_ids:
        session.execute(insert(model), rows, execution_options=options)
        return []
    statement = insert(model).returning(model.__table__.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows, execution_options=options))


def _with_call_ids(rows: list[tuple[int, _Row]], call_ids: list[int]) -> list[_Row]:
    return [{**row, "call_id": call_ids[index]} for index, row in rows]


def _with_new_teaser(doc: ScriptDocument) -> ScriptDocument:
    stages: list[Stage] = []
    for stage in doc.stages:
        steps = tuple(
            replace(step, text=spec.TEASER_V2) if step.id == spec.TEASER_STEP else step
            for step in stage.steps
        )
        stages.append(replace(stage, steps=steps))
    return replace(doc, version=doc.version + 1, stages=tuple(stages))


def _checklist(walked: WalkedCall) -> dict[str, str]:
    """The review checklist, as the supervisor marks it from the captured answers."""
    stages = {a.stage for a in walked.answers}
    spins = {a.spin for a in walked.answers if a.spin}
    steps = {a.step_id for a in walked.answers}
    reached_teaser = "teaser" in stages
    return {
        "greeting_notice": "yes" if "greeting" in steps else "no",
        "spin_s_p": "yes" if {"S", "P"} <= spins else ("no" if "diagnostics" in stages else "na"),
        "teaser_cta": ("yes" if "book_time" in steps else "no") if reached_teaser else "na",
        "closing_reminder": (
            ("yes" if "remind_channel" in steps else "no")
            if walked.ending == "visit_booked"
            else "na"
        ),
    }


def _utc_offset(zone: zoneinfo.ZoneInfo, at: dt.datetime) -> float:
    offset = at.astimezone(zone).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()


def _callable(zone: zoneinfo.ZoneInfo, at: dt.datetime) -> bool:
    """Inside the broker's calling hours in the client's own time (09:00-20:00 on weekdays)."""
    local = at.astimezone(zone)
    return local.weekday() < 5 and dt.time(9) <= local.time() < dt.time(19, 45)


def _next_workday(day: dt.date, workdays: int = 1) -> dt.date:
    while workdays > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            workdays -= 1
    return day
