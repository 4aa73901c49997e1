"""Builders for script-version tests: a campaign whose script has two published versions,
and calls that used them with "no suitable answer" entries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import import_script
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import CallAttempt, Campaign, Script, ScriptAnswer, ScriptVersion
from tests.support.handoff_data import make_campaign, make_user

SCRIPT_FILE = "credit_broker_visit.ru.yaml"
# Tuesday 10 November 2026, noon in Moscow.
NOON = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class ScriptCampaign:
    author: Actor
    campaign_id: int
    script_id: int
    script_name: str
    version_ids: tuple[int, int]  # v1, v2


def script_text() -> str:
    return resource_path("scripts", SCRIPT_FILE).read_text(encoding="utf-8")


def campaign_with_two_versions(db: Database) -> ScriptCampaign:
    author = make_user(db, "Автор", Role.SUPERVISOR)
    text = script_text()
    name, first = import_script(db, author, text)
    _, second = import_script(db, author, text.replace("пару минут", "одну минуту", 1))
    campaign_id = make_campaign(db, "Кредиты")
    with db.session() as session:
        script_id = session.scalars(select(Script.id).where(Script.name == name)).one()
        rows = session.execute(
            select(ScriptVersion.version, ScriptVersion.id).where(
                ScriptVersion.script_id == script_id
            )
        )
        ids = {version: version_id for version, version_id in rows}
        campaign = session.get_one(Campaign, campaign_id)
        campaign.script_id = script_id
    return ScriptCampaign(author, campaign_id, script_id, name, (ids[first], ids[second]))


def add_call(
    db: Database,
    lead_id: int,
    operator_id: int,
    version_id: int | None,
    *,
    at: dt.datetime = NOON,
    disposition: str = "refused",
    no_answer: tuple[tuple[str, str, str | None], ...] = (),
    answered: tuple[str, ...] = (),
) -> int:
    """A finished call; `no_answer` = (step id, stage, what the client said) entries,
    `answered` = steps answered normally."""
    with db.session() as session:
        call = CallAttempt(
            client_uuid=str(uuid.uuid4()),
            lead_id=lead_id,
            operator_id=operator_id,
            script_version_id=version_id,
            started_at=at,
            ended_at=at + dt.timedelta(minutes=3),
            talk_seconds=150,
            disposition=disposition,
        )
        session.add(call)
        session.flush()
        for offset, step in enumerate(answered):
            session.add(
                ScriptAnswer(
                    call_id=call.id,
                    step_id=step,
                    stage="contact",
                    answer="Да",
                    answered_at=at + dt.timedelta(seconds=offset),
                )
            )
        for offset, (step, stage, said) in enumerate(no_answer, start=len(answered)):
            session.add(
                ScriptAnswer(
                    call_id=call.id,
                    step_id=step,
                    stage=stage,
                    free_text=said,
                    no_suitable_answer=True,
                    answered_at=at + dt.timedelta(seconds=offset),
                )
            )
        return call.id
