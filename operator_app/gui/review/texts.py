"""Words for checklist items, marks, stages and SPIN kinds, and the call shown as rich text."""

from __future__ import annotations

import html
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from operator_app.core.review.checklist import ChecklistItem, ItemHint, Mark
from operator_app.core.review.views import CallDetail, CallSummary, CapturedStep, Review
from operator_app.gui.labels import stage_label
from operator_app.gui.models.formatting import local_datetime

translate = QCoreApplication.translate


def item_label(item: ChecklistItem) -> str:
    return {
        ChecklistItem.GREETING_NOTICE: translate("ReviewTexts", "Greeting and promotional notice"),
        ChecklistItem.SPIN_S_P: translate("ReviewTexts", "S and P questions asked"),
        ChecklistItem.TEASER_CTA: translate("ReviewTexts", "Teaser with a call to action"),
        ChecklistItem.CLOSING_REMINDER: translate("ReviewTexts", "Closing with a reminder agreed"),
    }[item]


def mark_label(mark: Mark) -> str:
    return {
        Mark.YES: translate("ReviewTexts", "Yes"),
        Mark.NO: translate("ReviewTexts", "No"),
        Mark.NOT_APPLICABLE: translate("ReviewTexts", "Not applicable"),
    }[mark]


def score_text(score: Decimal | None) -> str:
    if score is None:
        return "—"
    return translate("ReviewTexts", "{score} %").format(
        score=QLocale().toString(float(score), "f", 0)
    )


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def hint_text(hint: ItemHint) -> str:
    """What the captured answers say about the item, for the supervisor to check by ear."""
    if not hint.reached:
        return translate("ReviewTexts", "The call did not reach the {stage} stage.").format(
            stage=stage_label(hint.stage.value)
        )
    steps = ", ".join(hint.step_ids)
    if hint.item is ChecklistItem.SPIN_S_P:
        kinds = ", ".join(hint.spin_kinds) or translate("ReviewTexts", "none")
        return translate("ReviewTexts", "SPIN kinds recorded: {kinds} (steps: {steps}).").format(
            kinds=kinds, steps=steps
        )
    return translate("ReviewTexts", "Steps recorded: {steps}.").format(steps=steps)


def _time(value: QDateTime) -> str:
    return QLocale().toString(value.toLocalTime().time(), QLocale.FormatType.ShortFormat)


def _answer_time(step: CapturedStep) -> str:
    return _time(QDateTime.fromSecsSinceEpoch(int(step.answered_at.timestamp())))


def _e(text: str | None) -> str:
    return html.escape(text or "—")


def _heading(text: str) -> str:
    return f"<h4>{html.escape(text)}</h4>"


def _line(label: str, value: str) -> str:
    return f"<b>{html.escape(label)}:</b> {value}<br>"


def _verdict(verdict: str) -> str:
    return {
        "target": translate("ReviewTexts", "Target"),
        "non_target": translate("ReviewTexts", "Non-target"),
        "incomplete": translate("ReviewTexts", "Incomplete"),
    }.get(verdict, verdict)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return translate("ReviewTexts", "yes") if value else translate("ReviewTexts", "no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "—" if value is None else str(value)


def summary_html(call: CallSummary) -> str:
    parts = [
        f"<h3>{_e(call.client_name)}</h3>",
        _line(translate("ReviewTexts", "Operator"), _e(call.operator_name)),
        _line(translate("ReviewTexts", "Campaign"), _e(call.campaign_name)),
        _line(translate("ReviewTexts", "Started"), html.escape(local_datetime(call.started_at))),
        _line(
            translate("ReviewTexts", "Duration / talk time"),
            f"{duration_text(call.duration_seconds)} / {duration_text(call.talk_seconds)}",
        ),
        _line(translate("ReviewTexts", "Script version"), _e(call.script_label)),
        _line(translate("ReviewTexts", "Outcome"), _e(call.disposition_label or call.disposition)),
    ]
    return "".join(parts)


def _step_row(step: CapturedStep) -> str:
    if step.objection_id is not None:
        what = "<i>{label}</i> {title}".format(
            label=html.escape(translate("ReviewTexts", "Objection:")),
            title=_e(step.objection_title or step.objection_id),
        )
    elif step.no_suitable_answer:
        what = "<i>{label}</i> {text}".format(
            label=html.escape(translate("ReviewTexts", "No suitable answer:")),
            text=_e(step.free_text),
        )
    else:
        what = _e(step.answer)
        if step.free_text:
            what += " — " + html.escape(step.free_text)
    tooltip = html.escape(step.step_text or "", quote=True)
    return (
        f"<tr><td>{_answer_time(step)}</td><td>{html.escape(stage_label(step.stage))}</td>"
        f"<td>{html.escape(step.spin or '')}</td>"
        f'<td title="{tooltip}">{html.escape(step.step_id)}</td><td>{what}</td></tr>'
    )


def review_html(review: Review) -> str:
    rows = "".join(
        f"<li>{html.escape(item_label(item))}: <b>{html.escape(mark_label(mark))}</b></li>"
        for item, mark in review.checklist.marks
    )
    return "".join(
        [
            _heading(translate("ReviewTexts", "Review")),
            _line(translate("ReviewTexts", "Score"), html.escape(score_text(review.score))),
            _line(translate("ReviewTexts", "Reviewer"), _e(review.reviewer_name)),
            _line(
                translate("ReviewTexts", "Reviewed"),
                html.escape(local_datetime(review.reviewed_at)),
            ),
            f"<ul>{rows}</ul>",
            _line(translate("ReviewTexts", "Comment"), _e(review.comment).replace("\n", "<br>")),
        ]
    )


def detail_html(detail: CallDetail, *, with_review: bool) -> str:
    parts = [summary_html(detail.summary)]
    if detail.reason:
        parts.append(_line(translate("ReviewTexts", "Reason"), _e(detail.reason)))
    if detail.callback_at is not None:
        parts.append(
            _line(
                translate("ReviewTexts", "Callback"),
                html.escape(local_datetime(detail.callback_at)),
            )
        )
    parts.append(_line(translate("ReviewTexts", "Last step"), _e(detail.last_step_id)))
    parts.append(_line(translate("ReviewTexts", "Notes"), _e(detail.notes).replace("\n", "<br>")))
    if with_review and detail.review is not None:
        parts.append(review_html(detail.review))
    verification = detail.verification
    if verification is not None:
        parts.append(_heading(translate("ReviewTexts", "Verification")))
        parts.append(
            _line(translate("ReviewTexts", "Verdict"), html.escape(_verdict(verification.verdict)))
        )
        if verification.overridden:
            parts.append(
                _line(
                    translate("ReviewTexts", "Overridden; computed verdict was"),
                    html.escape(_verdict(verification.computed_verdict)),
                )
            )
            parts.append(
                _line(
                    translate("ReviewTexts", "Override comment"), _e(verification.override_comment)
                )
            )
        if verification.reason:
            parts.append(
                _line(translate("ReviewTexts", "Non-target reason"), _e(verification.reason))
            )
        parts.extend(
            _line(question, html.escape(_value(value))) for question, value in verification.answers
        )
    parts.append(_heading(translate("ReviewTexts", "Step by step")))
    if detail.steps:
        header = "".join(
            f"<th align='left'>{html.escape(title)}</th>"
            for title in (
                translate("ReviewTexts", "Time"),
                translate("ReviewTexts", "Stage"),
                translate("ReviewTexts", "SPIN"),
                translate("ReviewTexts", "Step"),
                translate("ReviewTexts", "Answer"),
            )
        )
        rows = "".join(_step_row(step) for step in detail.steps)
        parts.append(f"<table cellspacing='0' cellpadding='3'><tr>{header}</tr>{rows}</table>")
    else:
        parts.append(html.escape(translate("ReviewTexts", "Nothing was captured in this call.")))
    return "".join(parts)
