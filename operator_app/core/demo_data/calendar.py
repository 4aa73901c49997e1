"""The demo's visit calendar: visits in every status around the day the demo is created.

Written inside the demo's transaction, after its leads and hand-offs. It adds a group
presentation with 10 seats (with a holiday of its own), visits with the credit expert, the
clinic's chairs and the presentation — booked, confirmed, held (with a sale or not), a
no-show with its feedback call, a rescheduled visit linked to the one that replaced it, and
visits cancelled by the client and by us, each with a reason — over this week and the next;
the preferred hours of those clients, and a few outgoing messages in each state.

Lead states are left as the rest of the demo made them: visits go to the verified leads
(a no-show and a cancellation stay "lead", a non-target's cancelled test drive stays
"not_target"), to a handed-off lead (its hand-off visit replaced an earlier one), and to
clinic patients and site enquiries of the lists — the cyclic clinic's regulars.

Seats: every visit gets its slot row, and `booked` counts the visits that hold a seat there.
Booked and confirmed visits hold one; so do held and no-show visits, whose time has passed
(the seat was used or wasted, never offered again); cancelled and rescheduled ones freed it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operator_app.core.demo_data.workspace import (
    CLINIC_PATIENTS,
    MORTGAGE_MOSCOW,
    NEW_BUILDINGS_MOSCOW,
    TEST_DRIVES_MOSCOW,
    TVERSKAYA_OFFICE,
)
from operator_app.storage.lead_states import LeadState
from operator_app.storage.models import (
    AuditEntry,
    CalendarException,
    Campaign,
    ClientPreferences,
    Contact,
    Lead,
    Office,
    OutgoingMessage,
    Phone,
    Resource,
    Slot,
    Task,
    User,
    Visit,
    VisitResult,
    WorkingHours,
)

__all__ = [
    "GROUP_PRESENTATION",
    "SEAT_HOLDING_STATUSES",
    "write_demo_calendar",
]

SEAT_HOLDING_STATUSES = frozenset({"booked", "confirmed", "held", "no_show"})

GROUP_PRESENTATION = "Презентация ЖК «Северный парк»"
_GROUP_CAPACITY = 10
_GROUP_DAYS = (1, 3)  # Tuesday and Thursday evenings
_GROUP_HOURS = ((dt.time(19), dt.time(20)),)
_SELLER = "Андрей Волков — кредитный эксперт"
_CHAIR_HYGIENIST = "Кресло 1 — гигиенист"
_CHAIR_DENTIST = "Кресло 2 — стоматолог-терапевт"
_PREFERENCE_CHANNELS = {"email", "sms", "messenger", "phone", "manual"}


@dataclass(frozen=True, slots=True)
class _Who:
    """A lead of a list: the one at `index`, or (fresh=True) the index-th never-called one."""

    list_name: str
    index: int
    fresh: bool = False


@dataclass(frozen=True, slots=True)
class _VisitSpec:
    who: _Who
    resource: str
    day: int  # workdays from today (negative: before); for the group: its n-th next session
    at: dt.time  # office time
    status: str
    channel: str | None = None
    note: str | None = None
    cancelled_by: str | None = None
    reason: str | None = None
    wants_earlier: bool = False
    sale: bool | None = None  # held visits: the result
    amount: str | None = None
    comment: str | None = None
    review: int | None = None


_VISITS = (
    _VisitSpec(
        _Who(TEST_DRIVES_MOSCOW.name, 1),
        _SELLER,
        3,
        dt.time(14),
        "cancelled",
        channel="sms",
        cancelled_by="client",
        reason="Уезжает в командировку до конца месяца; просил перезвонить после возвращения",
    ),
    _VisitSpec(
        _Who(TEST_DRIVES_MOSCOW.name, 2),
        _SELLER,
        2,
        dt.time(10),
        "cancelled",
        channel="sms",
        cancelled_by="us",
        reason="Пока только присматривается к машинам — встречу отменили, извинились и "
        "пригласили на день открытых дверей",
    ),
    _VisitSpec(
        _Who(NEW_BUILDINGS_MOSCOW.name, 0),
        _SELLER,
        -1,
        dt.time(15, 15),
        "no_show",
        channel="phone",
        note="Просила звонить только после 18:00",
    ),
    _VisitSpec(
        _Who(MORTGAGE_MOSCOW.name, 4),  # handed off: its hand-off visit replaced this one
        _SELLER,
        1,
        dt.time(14),
        "rescheduled",
        channel="messenger",
        note="Попросил перенести: в этот день задерживается на работе",
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 0, fresh=True),
        _CHAIR_HYGIENIST,
        -2,
        dt.time(10, 10),
        "held",
        channel="sms",
        sale=True,
        amount="4500.00",
        comment="Профессиональная гигиена полости рта",
        review=5,
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 1, fresh=True),
        _CHAIR_DENTIST,
        -1,
        dt.time(11),
        "held",
        channel="messenger",
        sale=False,
        comment="Плановый осмотр: лечение не требуется, следующий осмотр через полгода",
        review=4,
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 2, fresh=True),
        _CHAIR_HYGIENIST,
        1,
        dt.time(9),
        "confirmed",
        channel="messenger",
        note="Подтвердила в мессенджере; напомнить накануне вечером",
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 3, fresh=True),
        _CHAIR_HYGIENIST,
        4,
        dt.time(16, 10),
        "booked",
        channel="sms",
        note="Удобнее после работы; если освободится время раньше — готов прийти",
        wants_earlier=True,
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 4, fresh=True),
        _CHAIR_DENTIST,
        2,
        dt.time(12),
        "confirmed",
        channel="email",
        note="Подтвердил по телефону, подтверждение пришлём письмом",
    ),
    _VisitSpec(
        _Who(CLINIC_PATIENTS.name, 5, fresh=True),
        _CHAIR_DENTIST,
        3,
        dt.time(17),
        "cancelled",
        channel="sms",
        cancelled_by="client",
        reason="Заболел ребёнок; перезапишется сама, когда сможет",
    ),
    *(
        _VisitSpec(
            _Who(NEW_BUILDINGS_MOSCOW.name, n, fresh=True),
            GROUP_PRESENTATION,
            1,
            dt.time(19),
            "confirmed" if n < 2 else "booked",
            channel="sms",
            note="Придёт с супругом" if n == 0 else None,
        )
        for n in range(4)
    ),
    _VisitSpec(
        _Who(NEW_BUILDINGS_MOSCOW.name, 4, fresh=True),
        GROUP_PRESENTATION,
        2,
        dt.time(19),
        "booked",
        channel="messenger",
    ),
)


@dataclass(frozen=True, slots=True)
class _MessageSpec:
    visit: int  # index into _VISITS
    template_code: str
    state: str  # queued | sent | failed
    channel: str  # email falls back to sms for a client without an address


_MESSAGES = (
    _MessageSpec(6, "booking_confirmation", "sent", "messenger"),
    _MessageSpec(8, "booking_confirmation", "sent", "email"),
    _MessageSpec(7, "booking_confirmation", "failed", "sms"),
    _MessageSpec(7, "control_touch", "queued", "sms"),
    _MessageSpec(4, "review_request", "sent", "sms"),
    _MessageSpec(5, "review_request", "queued", "messenger"),
    _MessageSpec(2, "no_show_feedback", "queued", "sms"),
    _MessageSpec(1, "polite_cancellation", "sent", "sms"),
    _MessageSpec(3, "reschedule_notice", "sent", "messenger"),
    _MessageSpec(10, "booking_confirmation", "sent", "sms"),
)

_SUBJECTS = {
    "booking_confirmation": "Вы записаны на {visit_date} в {visit_time}",
    "control_touch": "Напоминаем о встрече {visit_date}",
    "review_request": "Как прошёл визит?",
    "no_show_feedback": "Мы вас ждали",
    "polite_cancellation": "Встреча {visit_date} отменена — приносим извинения",
    "reschedule_notice": "Встреча перенесена на {visit_date}",
}
_BODIES = {
    "booking_confirmation": (
        "{client_name}, здравствуйте! Вы записаны: {resource_name}, {visit_date} в "
        "{visit_time}. Адрес: {office_address}. {directions} Если планы изменятся, "
        "пожалуйста, позвоните нам: {office_phone}. {company_name}"
    ),
    "control_touch": (
        "{client_name}, добрый день! Напоминаем, что ждём вас завтра, {visit_date}, в "
        "{visit_time}: {office_address}. Если что-то изменилось, ответьте на это сообщение "
        "или позвоните {office_phone}. {company_name}"
    ),
    "review_request": (
        "{client_name}, спасибо, что были у нас {visit_date}! Оцените, пожалуйста, визит "
        "от 1 до 5 — ответьте одной цифрой. Нам очень важно ваше мнение. {company_name}"
    ),
    "no_show_feedback": (
        "{client_name}, здравствуйте! Мы ждали вас {visit_date} в {visit_time}, но, "
        "видимо, что-то помешало. Надеемся, у вас всё хорошо! Подскажите, пожалуйста, "
        "когда вам удобно, — подберём другое время. {company_name}"
    ),
    "polite_cancellation": (
        "{client_name}, здравствуйте! Приносим извинения: встречу {visit_date} в "
        "{visit_time} пришлось отменить. Будем рады видеть вас на дне открытых дверей — мы "
        "позвоним и подберём удобное время. {company_name}"
    ),
    "reschedule_notice": (
        "{client_name}, здравствуйте! Как договорились, ваша встреча перенесена на "
        "{visit_date}, {visit_time}; адрес прежний: {office_address}. Спасибо за "
        "понимание! {company_name}"
    ),
}


def write_demo_calendar(
    session: Session,
    leads_at: Mapping[tuple[str, int], Lead],
    users: Mapping[str, User],
    now: dt.datetime,
) -> Counter[str]:
    """Add the calendar to the demo being written in `session` (its leads are flushed).

    Returns how many bookable resources it added, by office name, for the demo's summary.
    """
    return _CalendarWriter(session, leads_at, users, now).write()


class _CalendarWriter:
    def __init__(
        self,
        session: Session,
        leads_at: Mapping[tuple[str, int], Lead],
        users: Mapping[str, User],
        now: dt.datetime,
    ) -> None:
        self.session = session
        self.leads_at = leads_at
        self.operator = users["operator"]
        self.now = now
        self.resources = {r.name: r for r in session.scalars(select(Resource))}
        self.offices = {o.id: o for o in session.scalars(select(Office))}
        self.closed_days: dict[int, set[dt.date]] = defaultdict(set)  # by office id
        for office_id, day in session.execute(
            select(CalendarException.office_id, CalendarException.day).where(
                CalendarException.office_id.is_not(None)
            )
        ).tuples():
            if office_id is not None:
                self.closed_days[office_id].add(day)

    def write(self) -> Counter[str]:
        office_name = self._group_presentation()
        visits = [self._visit(spec) for spec in _VISITS]
        self.session.flush()
        self._link_rescheduled(visits)
        self._results_and_tasks(visits)
        self._audit(visits)
        self._preferences(visits)
        self._messages(visits)
        self._slots()
        self._lead_states(visits)
        return Counter({office_name: 1})

    def _lead_states(self, visits: list[Visit]) -> None:
        """Clients taken from the fresh lists for their visits are no longer fresh: the queue
        must not offer them as new leads. A client with a visit on the books (or behind them)
        is "visit booked"; one whose only visits were cancelled stays an interested lead."""
        leads = {lead.id: lead for lead in self.leads_at.values()}
        has_visit = {v.lead_id for v in visits if v.status in SEAT_HOLDING_STATUSES}
        for lead_id in {v.lead_id for v in visits}:
            lead = leads.get(lead_id)
            if lead is None or lead.state != LeadState.NEW.value:
                continue
            booked = lead_id in has_visit
            lead.state = (LeadState.VISIT_BOOKED if booked else LeadState.LEAD).value
        self.session.flush()

    # --- resources -------------------------------------------------------------------------

    def _group_presentation(self) -> str:
        office = next(o for o in self.offices.values() if o.name == TVERSKAYA_OFFICE.name)
        resource = Resource(
            office_id=office.id,
            name=GROUP_PRESENTATION,
            kind="group",
            capacity=_GROUP_CAPACITY,
            slot_minutes=60,
            buffer_minutes=0,
            active=True,
        )
        self.session.add(resource)
        self.session.flush()
        self.session.add_all(
            WorkingHours(resource_id=resource.id, weekday=day, starts=starts, ends=ends)
            for day in _GROUP_DAYS
            for starts, ends in _GROUP_HOURS
        )
        self.resources[resource.name] = resource
        # The presenter's holiday falls on the session after the ones the demo books.
        self.session.add(
            CalendarException(
                resource_id=resource.id,
                day=self._day(resource, 3),
                kind="holiday",
                note="Ведущий презентации в отпуске",
            )
        )
        return office.name

    def _zone(self, resource: Resource) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.offices[resource.office_id].time_zone)

    def _day(self, resource: Resource, offset: int) -> dt.date:
        """The offset-th open day from today in the office (the group: its sessions)."""
        day = self.now.astimezone(self._zone(resource)).date()
        days = _GROUP_DAYS if resource.name == GROUP_PRESENTATION else range(5)
        closed = self.closed_days[resource.office_id]
        step = 1 if offset > 0 else -1
        for _ in range(abs(offset)):
            day += dt.timedelta(days=step)
            while day.weekday() not in days or day in closed:
                day += dt.timedelta(days=step)
        return day

    # --- visits ----------------------------------------------------------------------------

    def _lead(self, who: _Who) -> Lead:
        if not who.fresh:
            return self.leads_at[(who.list_name, who.index)]
        fresh = [
            lead
            for (list_name, _index), lead in sorted(
                self.leads_at.items(), key=lambda item: item[0][1]
            )
            if list_name == who.list_name and lead.state == LeadState.NEW.value
        ]
        return fresh[who.index]

    def _visit(self, spec: _VisitSpec) -> Visit:
        resource = self.resources[spec.resource]
        day = self._day(resource, spec.day)
        starts = dt.datetime.combine(day, spec.at, self._zone(resource)).astimezone(dt.UTC)
        visit = Visit(
            lead_id=self._lead(spec.who).id,
            resource_id=resource.id,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=resource.slot_minutes),
            status=spec.status,
            cancelled_by=spec.cancelled_by,
            cancel_reason=spec.reason,
            confirmation_channel=spec.channel,
            confirmation_note=spec.note,
            wants_earlier=spec.wants_earlier,
            review_score=spec.review,
            booked_by_id=self.operator.id,
            booked_at=min(self.now, starts) - dt.timedelta(days=3),
        )
        self.session.add(visit)
        return visit

    def _link_rescheduled(self, visits: list[Visit]) -> None:
        for visit in visits:
            if visit.status != "rescheduled":
                continue
            replacement = self.session.scalars(
                select(Visit)
                .where(Visit.lead_id == visit.lead_id, Visit.id != visit.id)
                .order_by(Visit.id)
            ).first()
            assert replacement is not None, "a rescheduled demo visit needs its new visit"
            replacement.rescheduled_from_id = visit.id

    def _results_and_tasks(self, visits: list[Visit]) -> None:
        for spec, visit in zip(_VISITS, visits, strict=True):
            if spec.sale is not None:
                self.session.add(
                    VisitResult(
                        visit_id=visit.id,
                        sale=spec.sale,
                        amount=None if spec.amount is None else Decimal(spec.amount),
                        comment=spec.comment,
                        recorded_by_id=self.operator.id,
                        recorded_at=visit.ends_at,
                    )
                )
            if visit.status == "no_show":
                self.session.add(
                    Task(
                        lead_id=visit.lead_id,
                        visit_id=visit.id,
                        kind="feedback_call",
                        due_at=self.now,
                        assigned_to_id=self.operator.id,
                        note="Клиент не пришёл на встречу: узнать, что помешало, и "
                        "предложить другое время",
                    )
                )
            if visit.status == "booked" and spec.resource != GROUP_PRESENTATION:
                self.session.add(
                    Task(
                        lead_id=visit.lead_id,
                        visit_id=visit.id,
                        kind="confirm_call",
                        due_at=visit.starts_at - dt.timedelta(hours=3),
                        note="Подтвердить визит",
                    )
                )

    def _audit(self, visits: list[Visit]) -> None:
        for visit in visits:
            entries: list[tuple[str, str | None, str]] = [("booked", None, "booked")]
            if visit.status != "booked":
                entries.append((visit.status, "booked", visit.status))
            self.session.add_all(
                AuditEntry(
                    user_id=visit.booked_by_id,
                    entity="visit",
                    entity_id=visit.id,
                    action=action,
                    before=None if before is None else {"status": before},
                    after={"status": after},
                )
                for action, before, after in entries
            )

    # --- clients ---------------------------------------------------------------------------

    def _contact(self, visit: Visit) -> Contact:
        lead = self.session.get_one(Lead, visit.lead_id)
        return self.session.get_one(Contact, lead.contact_id)

    def _preferences(self, visits: list[Visit]) -> None:
        """Each client's preferred hours: the weekdays of their visits, around those times."""
        by_contact: dict[int, list[Visit]] = defaultdict(list)
        for visit in visits:
            by_contact[self._contact(visit).id].append(visit)
        for contact_id, own in by_contact.items():
            contact = self.session.get_one(Contact, contact_id)
            zone_name = contact.time_zone or self.offices[self._office_id(own[0])].time_zone
            zone = zoneinfo.ZoneInfo(zone_name)
            windows: dict[int, tuple[dt.time, dt.time]] = {}
            for visit in own:
                local_start = visit.starts_at.astimezone(zone)
                local_end = visit.ends_at.astimezone(zone)
                starts = dt.time(max(7, local_start.hour - 1))
                ends = dt.time(min(23, local_end.hour + 2))
                windows[local_start.weekday()] = (starts, ends)
            channel = own[-1].confirmation_channel
            first_start, first_end = next(iter(windows.values()))
            self.session.add(
                ClientPreferences(
                    contact_id=contact_id,
                    windows=[
                        {"weekday": day, "starts": f"{s:%H:%M}", "ends": f"{e:%H:%M}"}
                        for day, (s, e) in sorted(windows.items())
                    ],
                    time_zone=zone_name,
                    channel=channel if channel in _PREFERENCE_CHANNELS else "sms",
                    contact_time=f"с {first_start:%H:%M} до {first_end:%H:%M}",
                    wants_earlier=any(visit.wants_earlier for visit in own),
                    updated_by_id=self.operator.id,
                )
            )

    def _office_id(self, visit: Visit) -> int:
        return next(r.office_id for r in self.resources.values() if r.id == visit.resource_id)

    # --- messages --------------------------------------------------------------------------

    def _messages(self, visits: list[Visit]) -> None:
        for spec in _MESSAGES:
            visit = visits[spec.visit]
            if spec.template_code == "reschedule_notice":
                visit = self.session.scalars(
                    select(Visit).where(Visit.rescheduled_from_id == visit.id)
                ).one()
            contact = self._contact(visit)
            channel, address = self._address(contact, spec.channel)
            context = self._context(visit, contact)
            subject = _SUBJECTS[spec.template_code].format_map(context)
            sent = spec.state == "sent"
            send_after = self._send_after(spec.template_code, visit)
            self.session.add(
                OutgoingMessage(
                    contact_id=contact.id,
                    lead_id=visit.lead_id,
                    visit_id=visit.id,
                    channel=channel,
                    address=address,
                    template_code=spec.template_code,
                    subject=subject if channel == "email" else None,
                    body=_BODIES[spec.template_code].format_map(context),
                    state=spec.state,
                    attempts={"queued": 0, "sent": 1, "failed": 3}[spec.state],
                    last_error=(
                        "SMS gateway: HTTP 503 Service Unavailable"
                        if spec.state == "failed"
                        else None
                    ),
                    send_after=send_after,
                    sent_at=send_after if sent else None,
                    created_at=min(send_after, self.now),
                )
            )

    def _send_after(self, template_code: str, visit: Visit) -> dt.datetime:
        if template_code == "control_touch":  # midday the day before
            return visit.starts_at - dt.timedelta(hours=20)
        if template_code == "review_request":
            return visit.ends_at + dt.timedelta(hours=2)
        if template_code == "no_show_feedback":
            return self.now + dt.timedelta(hours=1)
        return min(self.now, visit.booked_at + dt.timedelta(minutes=1))

    def _address(self, contact: Contact, channel: str) -> tuple[str, str]:
        if channel == "email" and contact.email:
            return "email", contact.email
        phone = self.session.scalars(
            select(Phone.e164).where(Phone.contact_id == contact.id).order_by(Phone.id)
        ).first()
        assert phone is not None, "every demo client has a phone"
        return ("sms" if channel == "email" else channel), phone

    def _context(self, visit: Visit, contact: Contact) -> dict[str, str]:
        resource = next(r for r in self.resources.values() if r.id == visit.resource_id)
        office = self.offices[resource.office_id]
        local = visit.starts_at.astimezone(self._zone(resource))
        lead = self.session.get_one(Lead, visit.lead_id)
        campaign = (
            None if lead.campaign_id is None else self.session.get(Campaign, lead.campaign_id)
        )
        settings: dict[str, Any] = {} if campaign is None else dict(campaign.settings or {})
        parts = contact.full_name.split()
        return {
            # "Имя Отчество": how Russian clients are addressed politely.
            "client_name": " ".join(parts[1:3]) if len(parts) >= 3 else contact.full_name,
            "visit_date": f"{local:%d.%m.%Y}",
            "visit_time": f"{local:%H:%M}",
            "office_name": office.name,
            "office_address": office.address,
            "directions": office.directions or "",
            "office_phone": office.phone or "",
            "resource_name": resource.name,
            "company_name": str(settings.get("company_name", "")),
        }

    # --- seats -----------------------------------------------------------------------------

    def _slots(self) -> None:
        """A slot row for every visit of the workspace, hand-off visits included."""
        self.session.flush()
        capacities = {r.id: r.capacity for r in self.resources.values()}
        everyone = list(self.session.scalars(select(Visit).order_by(Visit.id)))
        holding = Counter(
            (v.resource_id, v.starts_at) for v in everyone if v.status in SEAT_HOLDING_STATUSES
        )
        slots: dict[tuple[int, dt.datetime], Slot] = {}
        for visit in everyone:
            key = (visit.resource_id, visit.starts_at)
            if key not in slots:
                slots[key] = Slot(
                    resource_id=visit.resource_id,
                    starts_at=visit.starts_at,
                    capacity=capacities[visit.resource_id],
                    booked=holding[key],
                )
                self.session.add(slots[key])
        self.session.flush()
        for visit in everyone:
            visit.slot_id = slots[(visit.resource_id, visit.starts_at)].id
