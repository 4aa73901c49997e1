"""Two-step campaigns: the lead generator hands a verified lead to a seller.

The hand-off's life is in `handoffs.state`: offered → accepted, or offered → returned →
upheld (the return stands; the lead is not counted as the lead generator's) or overruled (it
is). Every decision is one conditional UPDATE, so two sellers (or two clicks) deciding the
same hand-off at once leave exactly one winner; the other gets `HandoffAlreadyDecided`.
Every step writes an audit_log row (entity "handoff").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.companies import CompanyView
from operator_app.core.contacts import ContactView, contact_view
from operator_app.core.errors import NotFound, OperatorAppError, PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Permission, require
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Company, Handoff, User
from operator_app.storage.repositories import contact_queries as cq
from operator_app.storage.repositories import handoff_queries as q
from operator_app.storage.repositories.call_queries import write_session
from operator_app.storage.repositories.handoff_queries import HandoffState

__all__ = [
    "AcceptanceRate",
    "CallNote",
    "CapturedAnswer",
    "HandoffAlreadyDecided",
    "HandoffDetail",
    "HandoffRefusal",
    "HandoffRefused",
    "HandoffService",
    "HandoffState",
    "HandoffView",
    "VerificationSummary",
    "VisitSummary",
]

TWO_STEP = "two-step"
TARGET = "target"
AUDIT_ENTITY = "handoff"


class HandoffRefusal(StrEnum):
    """Why a lead cannot be handed off. Stable reason codes for the UI."""

    ONE_STEP_CAMPAIGN = "one_step_campaign"
    """The campaign is one-step: the operator is the seller."""
    NOT_TARGET = "not_target"
    """The lead's latest verification is not "target" (or there is none)."""
    NO_BOOKED_VISIT = "no_booked_visit"
    ALREADY_HANDED_OFF = "already_handed_off"
    NOT_A_SELLER = "not_a_seller"
    SELLER_BUSY = "seller_busy"
    NO_FREE_SELLER = "no_free_seller"


class HandoffRefused(OperatorAppError):
    def __init__(self, reason: HandoffRefusal, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class HandoffAlreadyDecided(OperatorAppError):
    """Someone else (or an earlier click) decided the hand-off first; `state` is where it is."""

    def __init__(self, handoff_id: int, state: str) -> None:
        self.handoff_id = handoff_id
        self.state = state
        super().__init__(f"hand-off {handoff_id} is already decided: it is {state}")


@dataclass(frozen=True, slots=True)
class HandoffView:
    handoff_id: int
    lead_id: int
    state: HandoffState
    campaign_id: int | None
    campaign_name: str | None
    contact_id: int
    client_name: str
    company_name: str | None
    lead_generator_id: int | None
    lead_generator_name: str | None
    seller_id: int | None
    seller_name: str | None
    visit_id: int | None
    visit_starts_at: dt.datetime | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    return_reason: str | None
    arbitrated_by_id: int | None
    arbitrated_by_name: str | None
    arbitrated_at: dt.datetime | None
    arbitration_comment: str | None


@dataclass(frozen=True, slots=True)
class CapturedAnswer:
    """An answer the client gave at a script step (or an objection raised there)."""

    answered_at: dt.datetime
    step_id: str
    stage: str
    answer: str | None
    free_text: str | None
    objection_id: str | None


@dataclass(frozen=True, slots=True)
class CallNote:
    started_at: dt.datetime
    operator_name: str | None
    disposition: str | None
    notes: str


@dataclass(frozen=True, slots=True)
class VerificationSummary:
    verdict: str  # target | non_target
    computed_verdict: str
    overridden: bool
    override_comment: str | None
    reason: str | None
    answers: dict[str, Any]
    verified_by_name: str | None
    verified_at: dt.datetime
    questions: dict[str, str]  # criterion id -> its question, as the operator asked it


@dataclass(frozen=True, slots=True)
class VisitSummary:
    visit_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    resource_name: str
    office_name: str
    office_address: str
    office_time_zone: str  # the visit is shown in the office's time


@dataclass(frozen=True, slots=True)
class HandoffDetail:
    """Everything the operator captured, for the seller deciding on the hand-off."""

    handoff: HandoffView
    client: ContactView
    company: CompanyView | None
    company_contacts: tuple[ContactView, ...]
    """The company's other contacts (decision makers first); empty for private clients."""
    answers: tuple[CapturedAnswer, ...]
    verification: VerificationSummary | None
    notes: tuple[CallNote, ...]
    visit: VisitSummary | None


@dataclass(frozen=True, slots=True)
class AcceptanceRate:
    lead_generator_id: int
    lead_generator_name: str
    offered: int
    """Every hand-off made, whatever its state."""
    accepted: int
    returned: int
    """Returned and still waiting for arbitration."""
    upheld: int
    overruled: int
    decided: int
    """accepted + upheld + overruled."""
    rate: float | None
    """(accepted + overruled) / decided; None when nothing is decided yet."""


def _view(row: q.HandoffRow) -> HandoffView:
    return HandoffView(
        handoff_id=row.handoff_id,
        lead_id=row.lead_id,
        state=HandoffState(row.state),
        campaign_id=row.campaign_id,
        campaign_name=row.campaign_name,
        contact_id=row.contact_id,
        client_name=row.client_name,
        company_name=row.company_name,
        lead_generator_id=row.from_user_id,
        lead_generator_name=row.from_user_name,
        seller_id=row.to_user_id,
        seller_name=row.to_user_name,
        visit_id=row.visit_id,
        visit_starts_at=row.visit_starts_at,
        created_at=row.created_at,
        decided_at=row.decided_at,
        return_reason=row.return_reason,
        arbitrated_by_id=row.arbitrated_by_id,
        arbitrated_by_name=row.arbitrated_by_name,
        arbitrated_at=row.arbitrated_at,
        arbitration_comment=row.arbitration_comment,
    )


def _audit(
    session: Session,
    actor: Actor,
    handoff_id: int,
    action: str,
    before: str | None,
    after: dict[str, Any],
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            entity=AUDIT_ENTITY,
            entity_id=handoff_id,
            action=action,
            before=None if before is None else {"state": before},
            after=after,
        )
    )


def _required_text(field: str, text: str, what: str) -> str:
    value = text.strip()
    if not value:
        raise ValidationFailed(field, "empty", f"{what} must not be empty")
    return value


class HandoffService:
    """Handing leads to sellers, their decisions, arbitration, and acceptance rates."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- the lead generator -------------------------------------------------------------------

    def hand_off(
        self,
        actor: Actor,
        lead_id: int,
        *,
        seller_id: int | None = None,
        visit_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> HandoffView:
        """Offer a verified target lead with a booked visit to a seller.

        `visit_id` None uses the lead's next booked or confirmed visit. `seller_id` None picks
        the active seller free at the visit's time with the fewest open hand-offs (offered,
        or accepted with the visit still ahead); ties go to the lowest id. A chosen seller must
        be an active seller free at that time. Raises HandoffRefused (with a reason code),
        NotFound for an unknown lead.
        """
        require(actor, Permission.WORK_QUEUE)
        moment = now or utcnow()
        with write_session(self._db) as session:
            lead = q.lead_for_handoff(session, lead_id, lock=True)
            if lead is None:
                raise NotFound(f"lead {lead_id} does not exist")
            if lead.campaign_model != TWO_STEP:
                raise HandoffRefused(
                    HandoffRefusal.ONE_STEP_CAMPAIGN,
                    f"campaign '{lead.campaign_name}' is one-step: the operator is the seller, "
                    "there is no hand-off",
                )
            verdict = q.latest_verdict(session, lead_id)
            if verdict != TARGET:
                raise HandoffRefused(
                    HandoffRefusal.NOT_TARGET,
                    f"lead {lead_id} is not verified as target (latest verdict: {verdict})",
                )
            visit = q.booked_visit(session, lead_id, visit_id, moment)
            if visit is None:
                raise HandoffRefused(
                    HandoffRefusal.NO_BOOKED_VISIT,
                    f"lead {lead_id} has no booked presentation to hand off"
                    if visit_id is None
                    else f"visit {visit_id} is not a booked visit of lead {lead_id}",
                )
            open_id = q.open_handoff_of_lead(session, lead_id)
            if open_id is not None:
                raise HandoffRefused(
                    HandoffRefusal.ALREADY_HANDED_OFF,
                    f"lead {lead_id} is already handed off (hand-off {open_id})",
                )
            seller = self._seller(session, seller_id, visit, moment)
            handoff = Handoff(
                lead_id=lead_id,
                visit_id=visit.visit_id,
                from_user_id=actor.user_id,
                to_user_id=seller,
                state=HandoffState.OFFERED.value,
                created_at=moment,
            )
            session.add(handoff)
            session.flush()
            _audit(
                session,
                actor,
                handoff.id,
                "offered",
                None,
                {
                    "state": HandoffState.OFFERED.value,
                    "lead_id": lead_id,
                    "seller_id": seller,
                    "visit_id": visit.visit_id,
                    "chosen": seller_id is not None,
                },
            )
            session.flush()
            return _view(q.handoff_rows(session, Handoff.id == handoff.id)[0])

    @staticmethod
    def _seller(
        session: Session, seller_id: int | None, visit: q.VisitRow, now: dt.datetime
    ) -> int:
        if seller_id is None:
            chosen = q.least_loaded_free_seller(session, visit, now)
            if chosen is None:
                raise HandoffRefused(
                    HandoffRefusal.NO_FREE_SELLER,
                    f"no active seller is free at {visit.starts_at.isoformat()}",
                )
            return chosen
        user = session.get(User, seller_id)
        if user is None or user.role != "seller" or not user.active:
            raise HandoffRefused(
                HandoffRefusal.NOT_A_SELLER, f"user {seller_id} is not an active seller"
            )
        if not q.seller_is_free(session, seller_id, visit):
            raise HandoffRefused(
                HandoffRefusal.SELLER_BUSY,
                f"{user.display_name} has another visit at {visit.starts_at.isoformat()}",
            )
        return seller_id

    # --- the seller ---------------------------------------------------------------------------

    def incoming(
        self, actor: Actor, *, states: tuple[HandoffState, ...] = (HandoffState.OFFERED,)
    ) -> list[HandoffDetail]:
        """The actor's hand-offs in `states` (by default those waiting for a decision), each
        with everything the operator captured, the soonest visit first."""
        require(actor, Permission.HANDLE_HANDOFFS)
        with self._db.session() as session:
            rows = q.handoff_rows(
                session,
                Handoff.to_user_id == actor.user_id,
                Handoff.state.in_([state.value for state in states]),
            )
            return self._details(session, rows)

    def detail(self, actor: Actor, handoff_id: int) -> HandoffDetail:
        """One hand-off in full: for its seller, or a supervisor. Raises NotFound."""
        with self._db.session() as session:
            rows = q.handoff_rows(session, Handoff.id == handoff_id)
            if not rows:
                raise NotFound(f"hand-off {handoff_id} does not exist")
            if not actor.can(Permission.ARBITRATE_HANDOFFS):
                require(actor, Permission.HANDLE_HANDOFFS)
                if rows[0].to_user_id != actor.user_id:
                    raise PermissionDenied("see_others_handoffs", actor.role.value)
            return self._details(session, rows)[0]

    def accept(self, actor: Actor, handoff_id: int) -> HandoffView:
        """Accept a hand-off offered to the actor. Raises HandoffAlreadyDecided, NotFound,
        PermissionDenied (offered to someone else)."""
        require(actor, Permission.HANDLE_HANDOFFS)
        return self._seller_decides(actor, handoff_id, HandoffState.ACCEPTED, None)

    def return_lead(self, actor: Actor, handoff_id: int, reason: str) -> HandoffView:
        """Return a hand-off offered to the actor, with a reason (required); it goes to the
        supervisors' arbitration list. Raises as `accept`, and ValidationFailed("reason")."""
        require(actor, Permission.HANDLE_HANDOFFS)
        text = _required_text("reason", reason, "the reason for returning the lead")
        return self._seller_decides(actor, handoff_id, HandoffState.RETURNED, text)

    def _seller_decides(
        self, actor: Actor, handoff_id: int, to_state: HandoffState, reason: str | None
    ) -> HandoffView:
        moment = utcnow()
        values: dict[str, Any] = {"decided_at": moment}
        if reason is not None:
            values["return_reason"] = reason
        with write_session(self._db) as session:
            moved = q.change_state(
                session,
                handoff_id,
                from_state=HandoffState.OFFERED,
                to_state=to_state,
                to_user_id=actor.user_id,
                values=values,
            )
            if not moved:
                self._explain_refusal(session, actor, handoff_id, check_seller=True)
            after: dict[str, Any] = {"state": to_state.value}
            if reason is not None:
                after["reason"] = reason
            _audit(session, actor, handoff_id, to_state.value, HandoffState.OFFERED.value, after)
            session.flush()
            return _view(q.handoff_rows(session, Handoff.id == handoff_id)[0])

    @staticmethod
    def _explain_refusal(
        session: Session, actor: Actor, handoff_id: int, *, check_seller: bool
    ) -> None:
        found = q.state_of(session, handoff_id)
        if found is None:
            raise NotFound(f"hand-off {handoff_id} does not exist")
        state, seller = found
        if check_seller and seller != actor.user_id:
            raise PermissionDenied("decide_others_handoffs", actor.role.value)
        raise HandoffAlreadyDecided(handoff_id, state)

    # --- the supervisor -----------------------------------------------------------------------

    def arbitration(self, actor: Actor) -> list[HandoffDetail]:
        """Returned hand-offs waiting for a supervisor's decision, the oldest visit first."""
        require(actor, Permission.ARBITRATE_HANDOFFS)
        with self._db.session() as session:
            rows = q.handoff_rows(session, Handoff.state == HandoffState.RETURNED.value)
            return self._details(session, rows)

    def uphold(self, actor: Actor, handoff_id: int, comment: str) -> HandoffView:
        """The return stands: the lead is not counted as the lead generator's. The comment is
        required. Raises HandoffAlreadyDecided when it is not waiting for arbitration."""
        return self._arbitrate(actor, handoff_id, HandoffState.UPHELD, comment)

    def overrule(self, actor: Actor, handoff_id: int, comment: str) -> HandoffView:
        """The return was wrong: the lead counts as the lead generator's. Comment required."""
        return self._arbitrate(actor, handoff_id, HandoffState.OVERRULED, comment)

    def _arbitrate(
        self, actor: Actor, handoff_id: int, to_state: HandoffState, comment: str
    ) -> HandoffView:
        require(actor, Permission.ARBITRATE_HANDOFFS)
        text = _required_text("comment", comment, "the arbitration comment")
        with write_session(self._db) as session:
            moved = q.change_state(
                session,
                handoff_id,
                from_state=HandoffState.RETURNED,
                to_state=to_state,
                values={
                    "arbitrated_by_id": actor.user_id,
                    "arbitrated_at": utcnow(),
                    "arbitration_comment": text,
                },
            )
            if not moved:
                self._explain_refusal(session, actor, handoff_id, check_seller=False)
            _audit(
                session,
                actor,
                handoff_id,
                to_state.value,
                HandoffState.RETURNED.value,
                {"state": to_state.value, "comment": text},
            )
            session.flush()
            return _view(q.handoff_rows(session, Handoff.id == handoff_id)[0])

    # --- figures ------------------------------------------------------------------------------

    def acceptance_rates(
        self,
        actor: Actor,
        campaign_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AcceptanceRate]:
        """Hand-offs per lead generator made in [since, until), by name. Supervisors and admins
        see everyone; anyone else who works the queue sees their own row only."""
        own: int | None = None
        if not actor.can(Permission.VIEW_ALL_KPIS):
            require(actor, Permission.WORK_QUEUE)
            own = actor.user_id
        with self._db.session() as session:
            rows = q.acceptance_rates(
                session,
                campaign_id=campaign_id,
                since=since,
                until=until,
                lead_generator_id=own,
            )
        return [
            AcceptanceRate(
                r.lead_generator_id,
                r.lead_generator_name,
                r.offered,
                r.accepted,
                r.returned,
                r.upheld,
                r.overruled,
                r.decided,
                r.rate,
            )
            for r in rows
        ]

    # --- details ------------------------------------------------------------------------------

    @staticmethod
    def _details(session: Session, rows: list[q.HandoffRow]) -> list[HandoffDetail]:
        lead_ids = {row.lead_id for row in rows}
        contacts = cq.contacts_by_id(session, {row.contact_id for row in rows})
        company_ids = {row.company_id for row in rows if row.company_id is not None}
        colleagues = cq.contacts_by_company(session, company_ids)
        companies = {
            company.id: CompanyView(
                company.id,
                company.name,
                company.inn,
                company.city,
                company.region,
                company.time_zone,
            )
            for company in (session.get(Company, company_id) for company_id in company_ids)
            if company is not None
        }
        answers: dict[int, list[CapturedAnswer]] = {lead_id: [] for lead_id in lead_ids}
        for a in q.answers_of_leads(session, lead_ids):
            answers[a.lead_id].append(
                CapturedAnswer(
                    a.answered_at, a.step_id, a.stage, a.answer, a.free_text, a.objection_id
                )
            )
        notes: dict[int, list[CallNote]] = {lead_id: [] for lead_id in lead_ids}
        for n in q.notes_of_leads(session, lead_ids):
            notes[n.lead_id].append(CallNote(n.started_at, n.operator_name, n.disposition, n.notes))
        verifications = q.latest_verifications(session, lead_ids)
        visits = q.visits_by_id(session, {r.visit_id for r in rows if r.visit_id is not None})
        details = []
        for row in rows:
            verification = verifications.get(row.lead_id)
            visit = visits.get(row.visit_id) if row.visit_id is not None else None
            details.append(
                HandoffDetail(
                    handoff=_view(row),
                    client=contact_view(contacts[row.contact_id]),
                    company=companies.get(row.company_id) if row.company_id else None,
                    company_contacts=tuple(
                        contact_view(c)
                        for c in colleagues.get(row.company_id or 0, [])
                        if c.contact_id != row.contact_id
                    ),
                    answers=tuple(answers[row.lead_id]),
                    verification=None
                    if verification is None
                    else VerificationSummary(
                        verification.verdict,
                        verification.computed_verdict,
                        verification.overridden,
                        verification.override_comment,
                        verification.reason,
                        verification.answers,
                        verification.verified_by_name,
                        verification.verified_at,
                        verification.questions,
                    ),
                    notes=tuple(notes[row.lead_id]),
                    visit=None
                    if visit is None
                    else VisitSummary(
                        visit.visit_id,
                        visit.starts_at,
                        visit.ends_at,
                        visit.status,
                        visit.resource_name,
                        visit.office_name,
                        visit.office_address,
                        visit.office_time_zone,
                    ),
                )
            )
        return details
