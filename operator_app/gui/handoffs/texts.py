"""Words for hand-off states and verdicts, and the captured-data summary shown to deciders."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from operator_app.core.contacts import ContactRole, ContactView
from operator_app.core.handoff import HandoffDetail, HandoffState
from operator_app.gui.models.formatting import local_datetime, zoned_datetime

translate = QCoreApplication.translate


def _words() -> dict[str, str]:
    # Written out here, not inside the f-strings below: lupdate cannot find calls there.
    return {
        "nothing recorded": translate("HandoffTexts", "nothing recorded"),
        "ext.": translate("HandoffTexts", "ext."),
        "verified": translate("HandoffTexts", "verified"),
        "Campaign": translate("HandoffTexts", "Campaign"),
        "Lead generator": translate("HandoffTexts", "Lead generator"),
        "Handed off": translate("HandoffTexts", "Handed off"),
        "State": translate("HandoffTexts", "State"),
        "Seller": translate("HandoffTexts", "Seller"),
        "Return reason": translate("HandoffTexts", "Return reason"),
        "Arbitration": translate("HandoffTexts", "Arbitration"),
        "office time": translate("HandoffTexts", "office time"),
        "With": translate("HandoffTexts", "With"),
        "INN": translate("HandoffTexts", "INN"),
        "Verdict": translate("HandoffTexts", "Verdict"),
        "Overridden; computed verdict was": translate(
            "HandoffTexts", "Overridden; computed verdict was"
        ),
        "Non-target reason": translate("HandoffTexts", "Non-target reason"),
        "objection": translate("HandoffTexts", "objection"),
    }


def _w(text: str) -> str:
    return _words()[text]


def state_label(state: HandoffState) -> str:
    return {
        HandoffState.OFFERED: translate("HandoffTexts", "Waiting for decision"),
        HandoffState.ACCEPTED: translate("HandoffTexts", "Accepted"),
        HandoffState.RETURNED: translate("HandoffTexts", "Returned, waiting for arbitration"),
        HandoffState.UPHELD: translate("HandoffTexts", "Return upheld"),
        HandoffState.OVERRULED: translate("HandoffTexts", "Return overruled"),
    }[state]


def verdict_label(verdict: str) -> str:
    return {
        "target": translate("HandoffTexts", "Target"),
        "non_target": translate("HandoffTexts", "Non-target"),
        "incomplete": translate("HandoffTexts", "Incomplete"),
    }.get(verdict, verdict)


def contact_role_label(role: ContactRole | None) -> str:
    if role is None:
        return ""
    return {
        ContactRole.DECISION_MAKER: translate("HandoffTexts", "decision maker"),
        ContactRole.INFLUENCER: translate("HandoffTexts", "influencer"),
        ContactRole.SECRETARY: translate("HandoffTexts", "secretary"),
        ContactRole.OTHER: translate("HandoffTexts", "other"),
    }[role]


def already_decided_text(state: str) -> str:
    try:
        where = state_label(HandoffState(state))
    except ValueError:
        where = state
    return translate(
        "HandoffTexts",
        "Someone else decided this hand-off first (it is now: {state}). The list has been "
        "refreshed.",
    ).format(state=where)


def _e(text: object) -> str:
    return html.escape(str(text))


def _section(title: str, lines: Iterable[str]) -> str:
    body = "".join(f"<li>{line}</li>" for line in lines)
    if not body:
        body = f"<li><i>{_e(_w('nothing recorded'))}</i></li>"
    return f"<h3>{_e(title)}</h3><ul>{body}</ul>"


def _contact_line(contact: ContactView) -> str:
    parts = [f"<b>{_e(contact.full_name)}</b>"]
    role = contact_role_label(contact.role)
    if role:
        parts.append(_e(role))
    if contact.position:
        parts.append(_e(contact.position))
    for phone in contact.phones:
        extension = f" ({_e(_w('ext.'))} {_e(phone.extension)})" if phone.extension else ""
        verified = f" ✓ {_e(_w('verified'))}" if phone.verified else ""
        parts.append(f"{_e(phone.e164)}{extension}{verified}")
    if contact.email:
        parts.append(_e(contact.email))
    if contact.comment:
        parts.append(_e(contact.comment))
    return " · ".join(parts)


def detail_html(detail: HandoffDetail) -> str:
    """Everything the operator captured, as rich text, in the order a seller reads it."""
    handoff = detail.handoff
    out: list[str] = [f"<h2>{_e(detail.client.full_name)}</h2>"]
    facts = [
        f"{_e(_w('Campaign'))}: {_e(handoff.campaign_name or '—')}",
        f"{_e(_w('Lead generator'))}: {_e(handoff.lead_generator_name or '—')}",
        f"{_e(_w('Handed off'))}: {_e(local_datetime(handoff.created_at))}",
        f"{_e(_w('State'))}: {_e(state_label(handoff.state))}",
    ]
    if handoff.seller_name:
        facts.append(f"{_e(_w('Seller'))}: {_e(handoff.seller_name)}")
    if handoff.return_reason:
        facts.append(f"<b>{_e(_w('Return reason'))}</b>: {_e(handoff.return_reason)}")
    if handoff.arbitration_comment:
        facts.append(
            f"{_e(_w('Arbitration'))} ({_e(handoff.arbitrated_by_name or '—')}): "
            f"{_e(handoff.arbitration_comment)}"
        )
    out.append("<p>" + "<br>".join(facts) + "</p>")

    visit = detail.visit
    out.append(
        _section(
            translate("HandoffTexts", "Visit"),
            []
            if visit is None
            else [
                f"<b>{_e(zoned_datetime(visit.starts_at, visit.office_time_zone))}</b> – "
                f"{_e(zoned_datetime(visit.ends_at, visit.office_time_zone))} "
                f"({_e(_w('office time'))}, {_e(visit.office_time_zone)})",
                f"{_e(visit.office_name)}, {_e(visit.office_address)}",
                f"{_e(_w('With'))}: {_e(visit.resource_name)}",
            ],
        )
    )
    out.append(_section(translate("HandoffTexts", "Client"), [_contact_line(detail.client)]))
    if detail.company is not None:
        company = detail.company
        line = f"<b>{_e(company.name)}</b>"
        if company.inn:
            line += f" · {_e(_w('INN'))} {_e(company.inn)}"
        place = ", ".join(p for p in (company.city, company.region) if p)
        if place:
            line += f" · {_e(place)}"
        out.append(
            _section(
                translate("HandoffTexts", "Company"),
                [line, *(_contact_line(c) for c in detail.company_contacts)],
            )
        )

    verification = detail.verification
    if verification is None:
        out.append(_section(translate("HandoffTexts", "Verification"), []))
    else:
        lines = [f"<b>{_e(_w('Verdict'))}: {_e(verdict_label(verification.verdict))}</b>"]
        if verification.overridden:
            lines.append(
                f"{_e(_w('Overridden; computed verdict was'))} "
                f"{_e(verdict_label(verification.computed_verdict))}: "
                f"{_e(verification.override_comment or '')}"
            )
        if verification.reason:
            lines.append(f"{_e(_w('Non-target reason'))}: {_e(verification.reason)}")
        lines.extend(
            f"{_e(verification.questions.get(key, key))} <b>{_e(_answer_text(value))}</b>"
            for key, value in verification.answers.items()
        )
        lines.append(
            f"{_e(verification.verified_by_name or '—')}, "
            f"{_e(local_datetime(verification.verified_at))}"
        )
        out.append(_section(translate("HandoffTexts", "Verification"), lines))

    out.append(
        _section(
            translate("HandoffTexts", "Answers, step by step"),
            [
                f"{_e(local_datetime(a.answered_at))} · <b>{_e(a.step_id)}</b>: "
                + _e(" — ".join(t for t in (a.answer, a.free_text) if t))
                + (f" ({_e(_w('objection'))} {_e(a.objection_id)})" if a.objection_id else "")
                for a in detail.answers
            ],
        )
    )
    out.append(
        _section(
            translate("HandoffTexts", "Call notes"),
            [
                f"{_e(local_datetime(n.started_at))} · {_e(n.operator_name or '—')}: {_e(n.notes)}"
                for n in detail.notes
            ],
        )
    )
    return "".join(out)


def _answer_text(value: object) -> str:
    if isinstance(value, bool):
        return translate("HandoffTexts", "yes") if value else translate("HandoffTexts", "no")
    return str(value)
