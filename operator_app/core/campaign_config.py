"""Campaigns exchanged as files: export every campaign to YAML, import one file.

An import creates the campaign named in the file or updates the one with that name, in one
transaction: its settings, calling hours, dispositions (matched by code; ones the file no
longer lists are removed — past calls keep their code), the script by name, and the criteria
(a new criteria version only when they changed). What the file does not describe (the
description, per-campaign settings, claim and callback timings) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operator_app.core.calendar.reminders import reminder_settings
from operator_app.core.campaign_format import (
    CampaignDocument,
    HoursInterval,
    dump_campaign,
    load_campaign,
)
from operator_app.core.campaigns import CampaignModel
from operator_app.core.errors import OperatorAppError
from operator_app.core.outcomes import DispositionSpec
from operator_app.core.roles import Actor, Permission, require
from operator_app.core.scripts import script_file_name
from operator_app.core.verification.criteria import criteria_from_data, reasons_from_data
from operator_app.core.verification.service import store_criteria, unlinked_criteria
from operator_app.storage.audit import act_as
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, Disposition
from operator_app.storage.repositories import campaign_config_queries as q
from operator_app.storage.repositories import verification_queries

__all__ = [
    "CampaignConfigError",
    "ImportedCampaign",
    "apply_campaign",
    "campaign_document",
    "export_campaigns",
    "import_campaign",
]


class CampaignConfigError(OperatorAppError):
    """A well-formed campaign file that this database cannot take (e.g. an unknown script)."""


@dataclass(frozen=True, slots=True)
class ImportedCampaign:
    name: str
    campaign_id: int
    created: bool  # False: an existing campaign was updated
    criteria_version: int | None  # None when the campaign has no criteria
    criteria_changed: bool  # a new criteria version was added


def import_campaign(database: Database, actor: Actor, yaml_text: str) -> ImportedCampaign:
    """Create or update the campaign a file describes, in one transaction.

    Needs Permission.MANAGE_CAMPAIGNS. Raises CampaignFormatError (line and reason) for a
    malformed file and CampaignConfigError when the file names a script the database does not
    have, or a script step that script does not have; nothing is written then.
    """
    require(actor, Permission.MANAGE_CAMPAIGNS)
    doc = load_campaign(yaml_text)
    try:
        return _import(database, actor, doc)
    except IntegrityError:
        # Another import created a campaign of the same name meanwhile: now it is an update.
        return _import(database, actor, doc)


def _import(database: Database, actor: Actor, doc: CampaignDocument) -> ImportedCampaign:
    with database.session() as session:
        verification_queries.begin_write(session)
        act_as(session, actor.user_id)
        return apply_campaign(session, doc, actor.user_id)


def apply_campaign(session: Session, doc: CampaignDocument, user_id: int) -> ImportedCampaign:
    """Write the document in the caller's transaction (the demo builds its campaigns so)."""
    campaign = q.campaign_by_name(session, doc.name)
    created = campaign is None
    if campaign is None:
        campaign = Campaign(name=doc.name, active=True)
        session.add(campaign)
    campaign.model = doc.model.value
    campaign.is_b2b = doc.b2b
    campaign.is_cyclic = doc.cyclic
    campaign.time_zone = doc.time_zone
    campaign.max_attempts = doc.max_attempts
    campaign.retry_backoff_minutes = list(doc.backoff_minutes)
    campaign.script_id = _script_id(session, doc)
    campaign.settings = {**(campaign.settings or {}), "reminders": doc.reminders.to_json()}
    session.flush()
    q.replace_calling_hours(
        session, campaign.id, [(i.weekday, i.starts, i.ends) for i in doc.calling_hours]
    )
    _replace_dispositions(session, campaign.id, doc.dispositions)
    # Checked after the rest is written: a refusal here still leaves the database untouched,
    # since everything above happens in the caller's one transaction.
    _check_script_steps(session, doc, campaign.script_id)
    version: int | None = None
    changed = False
    current = verification_queries.current_criteria_set(session, campaign.id)
    if doc.criteria or doc.reasons or current is not None:
        view, changed = store_criteria(session, campaign.id, doc.criteria, doc.reasons, user_id)
        version = view.version
    return ImportedCampaign(doc.name, campaign.id, created, version, changed)


def _script_id(session: Session, doc: CampaignDocument) -> int | None:
    if doc.script is None:
        return None
    found = q.script_id(session, doc.script)
    if found is None:
        raise CampaignConfigError(
            f"there is no script named «{doc.script}»; import it first "
            "(operator-app scripts import FILE)"
        )
    return found


def _check_script_steps(session: Session, doc: CampaignDocument, script_id: int | None) -> None:
    """Every criterion's script_step must be a step of the campaign's script."""
    unlinked = unlinked_criteria(session, doc.criteria, script_id)
    if not unlinked:
        return
    criterion = unlinked[0]
    if script_id is None:
        raise CampaignConfigError(
            f"criterion '{criterion.id}' names a script step, but the campaign has no script"
        )
    raise CampaignConfigError(
        f"criterion '{criterion.id}': the script «{doc.script}» has no step "
        f"'{criterion.script_step}'"
    )


def _replace_dispositions(
    session: Session, campaign_id: int, specs: tuple[DispositionSpec, ...]
) -> None:
    existing = {row.code: row for row in q.dispositions(session, campaign_id)}
    wanted = {spec.code for spec in specs}
    for code, row in existing.items():
        if code not in wanted:
            session.delete(row)
    session.flush()
    for position, spec in enumerate(specs):
        row = existing.get(spec.code) or Disposition(campaign_id=campaign_id, code=spec.code)
        row.label = spec.label
        row.reached = spec.reached
        row.positive = spec.positive
        row.final = spec.final
        row.needs_callback_time = spec.needs_callback_time
        row.needs_reason = spec.needs_reason
        row.sort_order = (position + 1) * 10
        session.add(row)


def campaign_document(session: Session, campaign: Campaign) -> CampaignDocument:
    """The file document of a stored campaign, read in the caller's transaction."""
    criteria_set = verification_queries.current_criteria_set(session, campaign.id)
    return CampaignDocument(
        name=campaign.name,
        model=CampaignModel(campaign.model),
        b2b=campaign.is_b2b,
        cyclic=campaign.is_cyclic,
        time_zone=campaign.time_zone,
        script=q.script_name(session, campaign.script_id),
        max_attempts=campaign.max_attempts,
        backoff_minutes=tuple(int(minutes) for minutes in campaign.retry_backoff_minutes),
        calling_hours=tuple(
            HoursInterval(row.weekday, row.starts, row.ends)
            for row in q.calling_hours(session, campaign.id)
        ),
        dispositions=tuple(
            DispositionSpec(
                row.code,
                row.label,
                reached=row.reached,
                positive=row.positive,
                final=row.final,
                needs_callback_time=row.needs_callback_time,
                needs_reason=row.needs_reason,
            )
            for row in q.dispositions(session, campaign.id)
        ),
        criteria=() if criteria_set is None else criteria_from_data(criteria_set.criteria),
        reasons=() if criteria_set is None else reasons_from_data(criteria_set.reasons),
        reminders=reminder_settings(campaign.settings or {}),
    )


def export_campaigns(database: Database, directory: Path) -> list[Path]:
    """Write every campaign to `directory` (created when missing), one file each.

    Files are named after the campaigns, transliterated (see scripts.script_file_name);
    returns the paths in the order of the campaign names.
    """
    with database.session() as session:
        documents = [campaign_document(session, c) for c in q.campaigns_by_name(session)]
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for doc in documents:
        path = directory / script_file_name(doc.name, taken)
        path.write_text(dump_campaign(doc), encoding="utf-8")
        written.append(path)
    return written
