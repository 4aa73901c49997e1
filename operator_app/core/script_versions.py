"""Script versions for their author: the versions with their dates and use, the traffic split
between two versions of a campaign's script, and what clients said when no answer fitted.

Outcomes per version come from the dashboard's breakdown by script version
(`core.reports.dashboard.load_breakdown`); this module lists and configures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from operator_app.core.errors import NotFound, ValidationFailed
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.script_split import SETTINGS_KEY, ScriptSplit
from operator_app.core.scripts_format import ScriptFormatError, from_document
from operator_app.storage.base import utcnow
from operator_app.storage.database import Database
from operator_app.storage.repositories import script_version_queries as q
from operator_app.storage.repositories.call_queries import write_session

__all__ = [
    "CampaignSplit",
    "NoAnswerEntry",
    "NoAnswerStep",
    "VersionInfo",
    "campaign_splits",
    "end_script_split",
    "no_suitable_answer_steps",
    "no_suitable_answers",
    "script_versions",
    "set_script_split",
    "version_label",
]


def version_label(script_name: str | None, version: int | None) -> str | None:
    """The version's name as the dashboard's filter shows it: "Script name v3"."""
    if script_name is None or version is None:
        return None
    return f"{script_name} v{version}"


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version_id: int
    script_id: int
    script_name: str
    version: int
    published: bool
    created_at: dt.datetime
    created_by: str | None
    calls: int
    first_call_at: dt.datetime | None
    last_call_at: dt.datetime | None

    @property
    def label(self) -> str:
        return f"{self.script_name} v{self.version}"


@dataclass(frozen=True, slots=True)
class CampaignSplit:
    """A campaign with a script: its current split (None: everyone gets the latest version)
    and the published versions a split may use, newest first."""

    campaign_id: int
    campaign_name: str
    script_id: int
    script_name: str
    split: ScriptSplit | None
    versions: tuple[VersionInfo, ...]

    @property
    def latest_version_id(self) -> int | None:
        return self.versions[0].version_id if self.versions else None


@dataclass(frozen=True, slots=True)
class NoAnswerStep:
    """A step at which operators recorded "no suitable answer", with how often."""

    script_version_id: int | None
    version_label: str | None
    step_id: str
    stage: str
    step_text: str | None  # from the version's document; None when it is not there
    count: int
    last_at: dt.datetime

    @property
    def key(self) -> tuple[int | None, str]:
        return (self.script_version_id, self.step_id)


@dataclass(frozen=True, slots=True)
class NoAnswerEntry:
    answer_id: int
    call_id: int
    script_version_id: int | None
    version_label: str | None
    step_id: str
    stage: str
    client_said: str | None
    answered_at: dt.datetime
    operator: str | None


def _version(row: q.VersionRow) -> VersionInfo:
    return VersionInfo(
        row.version_id,
        row.script_id,
        row.script_name,
        row.version,
        row.published,
        row.created_at,
        row.created_by,
        row.calls,
        row.first_call_at,
        row.last_call_at,
    )


def script_versions(
    database: Database, actor: Actor, script_id: int | None = None
) -> tuple[VersionInfo, ...]:
    """Every version of every script (or of one), by script name, newest version first."""
    require(actor, Permission.EDIT_SCRIPTS)
    with database.session() as session:
        rows = q.versions(session, script_id)
    return tuple(_version(row) for row in rows)


def campaign_splits(database: Database, actor: Actor) -> tuple[CampaignSplit, ...]:
    """Active campaigns with a script, each with its split and the versions it may use."""
    require(actor, Permission.EDIT_SCRIPTS)
    with database.session() as session:
        campaigns = q.campaigns_with_scripts(session)
        versions = q.versions(session)
    published: dict[int, list[VersionInfo]] = {}
    for row in versions:
        if row.published:
            published.setdefault(row.script_id, []).append(_version(row))
    result: list[CampaignSplit] = []
    for campaign in campaigns:
        assert campaign.script_id is not None and campaign.script_name is not None
        result.append(
            CampaignSplit(
                campaign.campaign_id,
                campaign.name,
                campaign.script_id,
                campaign.script_name,
                ScriptSplit.from_settings(campaign.settings.get(SETTINGS_KEY)),
                tuple(published.get(campaign.script_id, ())),
            )
        )
    return tuple(result)


def set_script_split(
    database: Database,
    actor: Actor,
    campaign_id: int,
    split: ScriptSplit,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Start (or change) the campaign's split. Both versions must be published versions of
    the campaign's script; the change is audited."""
    require(actor, Permission.EDIT_SCRIPTS)
    with write_session(database) as session:
        campaign = _campaign(session, campaign_id)
        if campaign.script_id is None:
            raise ValidationFailed(
                "campaign_id", "no_script", f"the campaign {campaign.name!r} has no call script"
            )
        allowed = q.published_version_ids(session, campaign.script_id)
        for field, version_id in (
            ("version_a_id", split.version_a_id),
            ("version_b_id", split.version_b_id),
        ):
            if version_id not in allowed:
                raise ValidationFailed(
                    field,
                    "not_a_version",
                    f"version {version_id} is not a published version of the campaign's script",
                )
        settings = dict(campaign.settings)
        before = settings.get(SETTINGS_KEY)
        settings[SETTINGS_KEY] = split.to_settings()
        q.replace_campaign_settings(session, campaign_id, settings)
        q.add_campaign_audit(
            session,
            actor.user_id,
            campaign_id,
            "script_split_set",
            _audit_value(before),
            _audit_value(settings[SETTINGS_KEY]),
            now or utcnow(),
        )


def end_script_split(
    database: Database, actor: Actor, campaign_id: int, *, now: dt.datetime | None = None
) -> bool:
    """End the campaign's split: every call opens the latest version again. False when there
    was no split."""
    require(actor, Permission.EDIT_SCRIPTS)
    with write_session(database) as session:
        campaign = _campaign(session, campaign_id)
        settings = dict(campaign.settings)
        if SETTINGS_KEY not in settings:
            return False
        before = settings.pop(SETTINGS_KEY)
        q.replace_campaign_settings(session, campaign_id, settings)
        q.add_campaign_audit(
            session,
            actor.user_id,
            campaign_id,
            "script_split_ended",
            _audit_value(before),
            None,
            now or utcnow(),
        )
    return True


def _campaign(session: Session, campaign_id: int) -> q.CampaignScriptRow:
    campaign = q.campaign_for_update(session, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} does not exist")
    return campaign


def _audit_value(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    return {SETTINGS_KEY: value}


def _bounds(period: ReportPeriod | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    return (None, None) if period is None else period.utc_bounds()


def no_suitable_answer_steps(
    database: Database,
    actor: Actor,
    *,
    script_id: int | None = None,
    period: ReportPeriod | None = None,
) -> tuple[NoAnswerStep, ...]:
    """Per script version and step, how many "no suitable answer" entries calls recorded
    (most first), with the step's text so the author sees what was asked."""
    require(actor, Permission.EDIT_SCRIPTS)
    since, until = _bounds(period)
    with database.session() as session:
        rows = q.no_suitable_answer_steps(session, script_id=script_id, since=since, until=until)
        documents = q.version_documents(
            session, {row.script_version_id for row in rows if row.script_version_id is not None}
        )
    texts = _step_texts(documents)
    return tuple(
        NoAnswerStep(
            row.script_version_id,
            version_label(row.script_name, row.version),
            row.step_id,
            row.stage,
            texts.get((row.script_version_id, row.step_id)),
            row.count,
            row.last_at,
        )
        for row in rows
    )


def _step_texts(documents: dict[int, dict[str, Any]]) -> dict[tuple[int | None, str], str]:
    texts: dict[tuple[int | None, str], str] = {}
    for version_id, document in documents.items():
        try:
            script = from_document(document)
        except ScriptFormatError:
            continue  # an unreadable old version: the step id alone still tells the author
        for _stage, step in script.steps():
            texts[(version_id, step.id)] = step.text
    return texts


def no_suitable_answers(
    database: Database,
    actor: Actor,
    *,
    script_id: int | None = None,
    step: tuple[int | None, str] | None = None,
    period: ReportPeriod | None = None,
    limit: int = 500,
) -> tuple[NoAnswerEntry, ...]:
    """The entries, newest first: the step, what the client said, when, who called and with
    which version. `step` is a `NoAnswerStep.key`."""
    require(actor, Permission.EDIT_SCRIPTS)
    since, until = _bounds(period)
    with database.session() as session:
        rows = q.no_suitable_answers(
            session, script_id=script_id, step=step, since=since, until=until, limit=limit
        )
    return tuple(
        NoAnswerEntry(
            row.answer_id,
            row.call_id,
            row.script_version_id,
            version_label(row.script_name, row.version),
            row.step_id,
            row.stage,
            row.client_said,
            row.answered_at,
            row.operator,
        )
        for row in rows
    )
