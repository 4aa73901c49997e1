"""What the call-review services return: plain frozen dataclasses for the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from operator_app.core.reports.period import ReportPeriod
from operator_app.core.review.checklist import Checklist, ItemHint

__all__ = [
    "MAX_PAGE_SIZE",
    "CallDetail",
    "CallFilter",
    "CallList",
    "CallSummary",
    "CallVerification",
    "CapturedStep",
    "Feedback",
    "FilterChoice",
    "Review",
    "ReviewChoices",
]

MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class CallFilter:
    """Which calls to list; None means "any". Calls are taken by their start time."""

    period: ReportPeriod | None = None
    campaign_id: int | None = None
    operator_id: int | None = None
    disposition: str | None = None
    reviewed: bool | None = None
    min_talk_seconds: int | None = None
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True, slots=True)
class CallSummary:
    call_id: int
    started_at: dt.datetime
    duration_seconds: int | None  # from start to end; None while the end is unknown
    talk_seconds: int
    operator_id: int | None
    operator_name: str | None
    campaign_name: str | None
    client_name: str
    disposition: str | None
    disposition_label: str | None  # the campaign's label for the code
    script_label: str | None  # "Script name v3"
    reviewed: bool
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class CallList:
    calls: tuple[CallSummary, ...]
    has_more: bool  # more calls match beyond this page
    offset: int


@dataclass(frozen=True, slots=True)
class CapturedStep:
    """One answer, free reply, "no suitable answer" or objection captured in the call."""

    answered_at: dt.datetime
    step_id: str
    stage: str
    spin: str | None
    answer: str | None
    free_text: str | None
    objection_id: str | None
    objection_title: str | None  # from the call's script version, when it has the objection
    no_suitable_answer: bool
    step_text: str | None  # the step's text in the call's script version


@dataclass(frozen=True, slots=True)
class CallVerification:
    verdict: str
    computed_verdict: str
    overridden: bool
    override_comment: str | None
    reason: str | None
    answers: tuple[tuple[str, object], ...]  # (question, the value as stored: bool, text …)
    verified_by_name: str | None
    verified_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Review:
    review_id: int
    call_id: int
    reviewer_name: str | None
    checklist: Checklist
    score: Decimal | None
    comment: str | None
    reviewed_at: dt.datetime
    seen_by_operator_at: dt.datetime | None

    @property
    def seen(self) -> bool:
        return self.seen_by_operator_at is not None


@dataclass(frozen=True, slots=True)
class CallDetail:
    summary: CallSummary
    lead_id: int
    ended_at: dt.datetime | None
    reason: str | None
    callback_at: dt.datetime | None
    notes: str | None
    last_step_id: str | None
    script_version_id: int | None
    steps: tuple[CapturedStep, ...]  # in call order
    verification: CallVerification | None
    hints: tuple[ItemHint, ...]
    review: Review | None

    @property
    def answers(self) -> tuple[CapturedStep, ...]:
        return tuple(s for s in self.steps if s.objection_id is None and not s.no_suitable_answer)

    @property
    def objections(self) -> tuple[CapturedStep, ...]:
        return tuple(s for s in self.steps if s.objection_id is not None)

    @property
    def no_suitable_answers(self) -> tuple[CapturedStep, ...]:
        return tuple(s for s in self.steps if s.no_suitable_answer)


@dataclass(frozen=True, slots=True)
class Feedback:
    """A review of one of the operator's own calls."""

    call: CallSummary
    review: Review


@dataclass(frozen=True, slots=True)
class FilterChoice:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ReviewChoices:
    campaigns: tuple[FilterChoice, ...]
    operators: tuple[FilterChoice, ...]
    dispositions: tuple[FilterChoice, ...]
