"""Script versions on both backends: the split the call card honours, the versions list, and
the "no suitable answer" entries per step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from operator_app.core.call_card import load_call_card
from operator_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from operator_app.core.reports.period import ReportPeriod
from operator_app.core.roles import Role
from operator_app.core.script_split import ScriptSplit, SplitBy, assigned_version
from operator_app.core.script_versions import (
    campaign_splits,
    end_script_split,
    no_suitable_answer_steps,
    no_suitable_answers,
    script_versions,
    set_script_split,
)
from operator_app.core.scripts import import_script
from operator_app.storage.database import Database
from operator_app.storage.models import AuditEntry, Campaign, Script, ScriptVersion
from tests.support.handoff_data import make_lead, make_user
from tests.support.script_version_data import (
    NOON,
    ScriptCampaign,
    add_call,
    campaign_with_two_versions,
    script_text,
)


@pytest.fixture
def setup(db: Database) -> ScriptCampaign:
    return campaign_with_two_versions(db)


def leads(db: Database, campaign_id: int, count: int) -> list[int]:
    return [make_lead(db, campaign_id, f"Клиент {n}") for n in range(count)]


# --- the call card's version --------------------------------------------------------------


def test_without_a_split_the_card_opens_the_latest_version(
    db: Database, setup: ScriptCampaign
) -> None:
    lead = make_lead(db, setup.campaign_id)
    card = load_call_card(db, lead, operator_id=setup.author.user_id)
    assert card.script_version_id == setup.version_ids[1]
    assert card.script is not None and "одну минуту" in card.script.step("greeting").text


def test_a_per_lead_split_opens_the_version_each_lead_is_assigned(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    split = ScriptSplit(v1, v2, 50, SplitBy.LEAD)
    set_script_split(db, setup.author, setup.campaign_id, split)
    caller = make_user(db, "Ольга", Role.OPERATOR)
    opened = {}
    for lead in leads(db, setup.campaign_id, 30):
        card = load_call_card(db, lead, operator_id=caller.user_id)
        assert card.script_version_id == assigned_version(split, lead_id=lead, operator_id=None)
        assert card.script is not None
        expected = "одну минуту" if card.script_version_id == v2 else "пару минут"
        assert expected in card.script.step("greeting").text
        opened[lead] = card.script_version_id
    assert set(opened.values()) == {v1, v2}
    # The same lead opens the same version again, whoever calls.
    other = make_user(db, "Пётр", Role.OPERATOR)
    for lead, version in opened.items():
        assert load_call_card(db, lead, operator_id=other.user_id).script_version_id == version


def test_a_per_operator_split_gives_each_operator_one_version(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    split = ScriptSplit(v1, v2, 50, SplitBy.OPERATOR)
    set_script_split(db, setup.author, setup.campaign_id, split)
    callers = [make_user(db, f"Оператор {n}", Role.OPERATOR) for n in range(12)]
    some_leads = leads(db, setup.campaign_id, 3)
    seen = set()
    for caller in callers:
        expected = assigned_version(split, lead_id=0, operator_id=caller.user_id)
        for lead in some_leads:
            card = load_call_card(db, lead, operator_id=caller.user_id)
            assert card.script_version_id == expected
        seen.add(expected)
    assert seen == {v1, v2}
    # Without a caller (a card looked at outside a call) the split gives version A.
    assert load_call_card(db, some_leads[0]).script_version_id == v1


def test_ending_the_split_returns_every_call_to_the_latest_version(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    set_script_split(db, setup.author, setup.campaign_id, ScriptSplit(v2, v1, 99, SplitBy.LEAD))
    some_leads = leads(db, setup.campaign_id, 10)
    assert v1 in {load_call_card(db, lead).script_version_id for lead in some_leads}
    assert end_script_split(db, setup.author, setup.campaign_id) is True
    assert {load_call_card(db, lead).script_version_id for lead in some_leads} == {v2}
    assert end_script_split(db, setup.author, setup.campaign_id) is False
    with db.session() as session:
        assert "script_split" not in session.get_one(Campaign, setup.campaign_id).settings


def test_a_restored_call_keeps_the_version_it_started_with(
    db: Database, setup: ScriptCampaign
) -> None:
    # The call started on v1; meanwhile the split ended (or moved the lead to v2). Restored
    # from its draft, the call goes on in v1: its captured steps belong to that version.
    v1, v2 = setup.version_ids
    lead = make_lead(db, setup.campaign_id)
    assert load_call_card(db, lead).script_version_id == v2
    assert load_call_card(db, lead, script_version_id=v1).script_version_id == v1
    with db.session() as session:
        other_script = session.scalars(select(Script.id).where(Script.id != setup.script_id))
        foreign = session.execute(
            select(ScriptVersion.id).where(ScriptVersion.script_id.in_(other_script))
        ).scalar()
    # A version that is not this script's (or no longer exists) is not forced on the call.
    assert load_call_card(db, lead, script_version_id=10_000).script_version_id == v2
    if foreign is not None:
        assert load_call_card(db, lead, script_version_id=foreign).script_version_id == v2


def test_a_stale_split_falls_back_to_the_latest_version(
    db: Database, setup: ScriptCampaign
) -> None:
    # The campaign moved to another script after the split was set: its versions no longer
    # belong to the campaign, so calls open the latest version of the current script.
    v1, v2 = setup.version_ids
    other_name, _ = import_script(
        db, setup.author, script_text().replace(setup.script_name, "Другой скрипт", 1)
    )
    set_script_split(db, setup.author, setup.campaign_id, ScriptSplit(v1, v2, 50, SplitBy.LEAD))
    with db.session() as session:
        other_id = session.scalars(select(Script.id).where(Script.name == other_name)).one()
        session.get_one(Campaign, setup.campaign_id).script_id = other_id
    lead = make_lead(db, setup.campaign_id)
    card = load_call_card(db, lead)
    assert card.script_version_id not in setup.version_ids
    assert card.script is not None and card.script.name == "Другой скрипт"


# --- configuring the split ----------------------------------------------------------------


def test_the_split_is_stored_in_the_campaign_settings_and_audited(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    with db.session() as session:
        session.get_one(Campaign, setup.campaign_id).settings = {"company_name": "Брокер"}
    at = NOON + dt.timedelta(days=1)
    set_script_split(
        db, setup.author, setup.campaign_id, ScriptSplit(v1, v2, 30, SplitBy.OPERATOR), now=at
    )
    end_script_split(db, setup.author, setup.campaign_id, now=at + dt.timedelta(hours=1))
    with db.session() as session:
        settings = session.get_one(Campaign, setup.campaign_id).settings
        audit = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "campaign", AuditEntry.entity_id == setup.campaign_id)
            .order_by(AuditEntry.id)
        ).all()
        entries = [(a.action, a.user_id, a.at, a.before, a.after) for a in audit]
    assert settings == {"company_name": "Брокер"}  # other keys survive
    stored = {"version_a_id": v1, "version_b_id": v2, "share_b": 30, "by": "operator"}
    assert entries == [
        ("script_split_set", setup.author.user_id, at, None, {"script_split": stored}),
        (
            "script_split_ended",
            setup.author.user_id,
            at + dt.timedelta(hours=1),
            {"script_split": stored},
            None,
        ),
    ]


def test_campaign_splits_list_the_split_and_the_published_versions(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    before = {c.campaign_id: c for c in campaign_splits(db, setup.author)}
    assert before[setup.campaign_id].split is None
    assert [v.version_id for v in before[setup.campaign_id].versions] == [v2, v1]
    assert before[setup.campaign_id].latest_version_id == v2
    split = ScriptSplit(v1, v2, 50, SplitBy.LEAD)
    set_script_split(db, setup.author, setup.campaign_id, split)
    after = {c.campaign_id: c for c in campaign_splits(db, setup.author)}
    assert after[setup.campaign_id].split == split
    assert after[setup.campaign_id].script_name == setup.script_name


def test_a_split_must_use_published_versions_of_the_campaigns_script(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, _ = setup.version_ids
    import_script(db, setup.author, script_text().replace(setup.script_name, "Чужой", 1))
    foreign = [v.version_id for v in script_versions(db, setup.author) if v.script_name == "Чужой"]
    with pytest.raises(ValidationFailed) as raised:
        set_script_split(
            db, setup.author, setup.campaign_id, ScriptSplit(v1, foreign[0], 50, SplitBy.LEAD)
        )
    assert (raised.value.field, raised.value.problem) == ("version_b_id", "not_a_version")
    with pytest.raises(NotFound):
        set_script_split(db, setup.author, 424242, ScriptSplit(1, 2, 50, SplitBy.LEAD))
    with db.session() as session:
        assert "script_split" not in session.get_one(Campaign, setup.campaign_id).settings


def test_operators_may_not_see_or_change_versions(db: Database, setup: ScriptCampaign) -> None:
    operator = make_user(db, "Ольга", Role.OPERATOR)
    v1, v2 = setup.version_ids
    with pytest.raises(PermissionDenied):
        set_script_split(db, operator, setup.campaign_id, ScriptSplit(v1, v2, 50, SplitBy.LEAD))
    with pytest.raises(PermissionDenied):
        end_script_split(db, operator, setup.campaign_id)
    with pytest.raises(PermissionDenied):
        script_versions(db, operator)
    with pytest.raises(PermissionDenied):
        no_suitable_answers(db, operator)


# --- the versions list --------------------------------------------------------------------


def test_versions_are_listed_with_their_dates_and_calls(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    caller = make_user(db, "Ольга", Role.OPERATOR)
    lead = make_lead(db, setup.campaign_id)
    for day in (0, 2, 5):
        add_call(db, lead, caller.user_id, v1, at=NOON + dt.timedelta(days=day))
    add_call(db, lead, caller.user_id, v2, at=NOON + dt.timedelta(days=7))
    add_call(db, lead, caller.user_id, None)  # a call without a script is nobody's
    versions = script_versions(db, setup.author, setup.script_id)
    assert [(v.version_id, v.version, v.calls) for v in versions] == [(v2, 2, 1), (v1, 1, 3)]
    first = versions[1]
    assert (first.first_call_at, first.last_call_at) == (NOON, NOON + dt.timedelta(days=5))
    assert first.label == f"{setup.script_name} v1"
    assert first.created_by == "Автор" and first.published
    assert first.created_at.tzinfo is not None


# --- "no suitable answer" ----------------------------------------------------------------


def test_no_suitable_answers_are_counted_per_step_and_version(
    db: Database, setup: ScriptCampaign
) -> None:
    v1, v2 = setup.version_ids
    olga = make_user(db, "Ольга", Role.OPERATOR)
    petr = make_user(db, "Пётр", Role.OPERATOR)
    lead = make_lead(db, setup.campaign_id)
    add_call(
        db,
        lead,
        olga.user_id,
        v1,
        answered=("greeting",),
        no_answer=(("number_source", "contact", "Откуда у вас мой номер?"),),
    )
    add_call(
        db,
        lead,
        petr.user_id,
        v1,
        at=NOON + dt.timedelta(hours=2),
        no_answer=(("number_source", "contact", "Я в чёрном списке банков"),),
    )
    add_call(
        db,
        lead,
        olga.user_id,
        v2,
        at=NOON + dt.timedelta(days=1),
        no_answer=(("greeting", "contact", None), ("number_source", "contact", "Кто вы?")),
    )
    add_call(db, lead, olga.user_id, None, no_answer=(("greeting", "contact", "Алло?"),))

    steps = no_suitable_answer_steps(db, setup.author)
    assert [(s.script_version_id, s.step_id, s.count) for s in steps[:1]] == [
        (v1, "number_source", 2)
    ]
    assert sorted((s.script_version_id or 0, s.step_id, s.count) for s in steps[1:]) == sorted(
        [(v2, "greeting", 1), (v2, "number_source", 1), (0, "greeting", 1)]
    )
    top = steps[0]
    assert top.version_label == f"{setup.script_name} v1"
    assert top.step_text is not None and top.step_text.startswith("Понимаю, такое бывает")
    assert top.last_at == NOON + dt.timedelta(hours=2, seconds=0)
    no_version = next(s for s in steps if s.script_version_id is None)
    assert (no_version.version_label, no_version.step_text) == (None, None)

    entries = no_suitable_answers(db, setup.author, step=top.key)
    assert [(e.client_said, e.operator, e.version_label) for e in entries] == [
        ("Я в чёрном списке банков", "Пётр", top.version_label),
        ("Откуда у вас мой номер?", "Ольга", top.version_label),
    ]
    assert all(e.step_id == "number_source" and e.stage == "contact" for e in entries)
    unversioned = no_suitable_answers(db, setup.author, step=no_version.key)
    assert [e.client_said for e in unversioned] == ["Алло?"]

    # Only the script's own calls, and only the period's.
    assert {
        s.script_version_id
        for s in no_suitable_answer_steps(db, setup.author, script_id=setup.script_id)
    } == {v1, v2}
    next_day = ReportPeriod(dt.date(2026, 11, 11), dt.date(2026, 11, 11))
    assert [e.client_said for e in no_suitable_answers(db, setup.author, period=next_day)] == [
        "Кто вы?",
        None,
    ]
