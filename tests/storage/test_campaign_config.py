"""Campaign files against both backends: presets round-trip, updates, versions, one transaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from operator_app.core.campaign_config import (
    CampaignConfigError,
    export_campaigns,
    import_campaign,
)
from operator_app.core.campaign_format import CampaignFormatError, load_campaign
from operator_app.core.errors import PermissionDenied, ValidationFailed
from operator_app.core.roles import Actor, Role
from operator_app.core.scripts import import_script
from operator_app.core.users import UserService
from operator_app.core.verification.service import CriteriaService
from operator_app.resources import resource_path
from operator_app.storage.base import Base
from operator_app.storage.database import Database
from operator_app.storage.models import CallingHours, Campaign, CriteriaSet, Disposition

PRESETS = sorted(resource_path("campaigns").glob("*.yaml"))
CREDIT = resource_path("campaigns", "credit_broker.yaml").read_text(encoding="utf-8")
SCRIPTS = ("credit_broker_visit.ru.yaml", "b2b_decision_maker.ru.yaml")


@pytest.fixture
def admin(db: Database) -> Actor:
    return UserService(db).create_first_admin("admin", "Admin", "secret1")


def with_scripts(db: Database, admin: Actor) -> None:
    for name in SCRIPTS:
        import_script(db, admin, resource_path("scripts", name).read_text(encoding="utf-8"))


def snapshot(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_presets_import_and_export_to_the_same_text(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    with_scripts(db, admin)
    for path in PRESETS:
        result = import_campaign(db, admin, path.read_text(encoding="utf-8"))
        assert result.created and result.criteria_changed and result.criteria_version == 1
    written = export_campaigns(db, tmp_path / "out")
    assert len(written) == len(PRESETS)
    assert all(path.suffix == ".yaml" and path.stem.isascii() for path in written)
    originals = {load_campaign(p.read_text(encoding="utf-8")).name: p for p in PRESETS}
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert text == originals[load_campaign(text).name].read_text(encoding="utf-8")


def test_reimporting_the_same_file_changes_nothing(db: Database, admin: Actor) -> None:
    with_scripts(db, admin)
    first = import_campaign(db, admin, CREDIT)
    before = snapshot(db)
    again = import_campaign(db, admin, CREDIT)
    assert (again.created, again.criteria_changed, again.criteria_version) == (False, False, 1)
    assert again.campaign_id == first.campaign_id
    assert snapshot(db) == before


def test_an_update_replaces_hours_and_dispositions_and_versions_the_criteria(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    with_scripts(db, admin)
    import_campaign(db, admin, CREDIT)
    with db.session() as session:
        campaign = session.scalars(select(Campaign)).one()
        campaign.description = "Описание, которого нет в файле"
        lead_label_id = session.scalar(select(Disposition.id).where(Disposition.code == "lead"))
    edited = (
        CREDIT.replace("  sat: ['10:00-18:00']\n", "")
        .replace("  - code: voicemail\n    label: Автоответчик\n", "")
        .replace("label: Лид — на верификацию", "label: Лид")
        .replace("less_than: 21", "less_than: 18")
        .replace("max_attempts: 6", "max_attempts: 4")
    )
    result = import_campaign(db, admin, edited)
    assert (result.created, result.criteria_changed, result.criteria_version) == (False, True, 2)
    with db.session() as session:
        campaign = session.scalars(select(Campaign)).one()
        assert campaign.max_attempts == 4 and campaign.description
        weekdays = set(session.scalars(select(CallingHours.weekday)))
        codes = list(session.scalars(select(Disposition.code).order_by(Disposition.sort_order)))
        lead = session.scalars(select(Disposition).where(Disposition.code == "lead")).one()
        versions = list(session.scalars(select(CriteriaSet.version).order_by(CriteriaSet.version)))
    assert weekdays == {0, 1, 2, 3, 4}
    assert "voicemail" not in codes and len(codes) == 9
    assert (lead.id, lead.label) == (lead_label_id, "Лид")
    assert versions == [1, 2]
    (path,) = export_campaigns(db, tmp_path)
    assert path.read_text(encoding="utf-8") == edited


def test_an_unknown_script_is_refused_by_name(db: Database, admin: Actor) -> None:
    with pytest.raises(CampaignConfigError, match="there is no script named «Кредитный брокер"):
        import_campaign(db, admin, CREDIT)
    assert snapshot(db)["campaigns"] == 0


def test_a_file_failing_late_leaves_the_database_unchanged(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    with_scripts(db, admin)
    import_campaign(db, admin, CREDIT)
    before = snapshot(db)
    (exported,) = export_campaigns(db, tmp_path / "before")
    # Hours, dispositions and settings are written before the criteria's script steps are
    # checked against the script; the bad step at the end must undo all of it.
    broken = (
        CREDIT.replace("  sat: ['10:00-18:00']\n", "")
        .replace("model: two-step", "model: one-step")
        .replace("  - code: voicemail\n    label: Автоответчик\n", "")
        .replace("script_step: s_income", "script_step: s_no_such_step")
    )
    with pytest.raises(CampaignConfigError, match="has no step 's_no_such_step'"):
        import_campaign(db, admin, broken)
    assert snapshot(db) == before
    (after,) = export_campaigns(db, tmp_path / "after")
    assert after.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_a_malformed_file_writes_nothing(db: Database, admin: Actor) -> None:
    with pytest.raises(CampaignFormatError) as caught:
        import_campaign(db, admin, CREDIT.replace("model: two-step", "model: 2"))
    assert caught.value.line == 2
    assert snapshot(db)["campaigns"] == 0


def test_only_administrators_import_campaigns(db: Database, admin: Actor) -> None:
    users = UserService(db)
    for role in (Role.SUPERVISOR, Role.OPERATOR):
        info = users.create_user(admin, role.value, role.value, role, "secret1")
        with pytest.raises(PermissionDenied):
            import_campaign(db, Actor(info.id, info.login, info.display_name, role), CREDIT)


def test_file_names_are_safe_and_distinct(db: Database, admin: Actor, tmp_path: Path) -> None:
    text = CREDIT.replace("script: Кредитный брокер — визит в офис", "script: null")
    text = text.replace("      script_step: ", "      # script_step: ")
    for name in ("Кредиты: Москва/Питер", "Кредиты? Москва*Питер"):
        import_campaign(
            db, admin, text.replace("name: Кредитный брокер — визит в офис", f"name: '{name}'")
        )
    names = sorted(path.name for path in export_campaigns(db, tmp_path))
    assert names == ["kredity-moskva-piter-2.yaml", "kredity-moskva-piter.yaml"]


def test_the_criteria_editor_refuses_a_step_the_campaign_script_lacks(
    db: Database, admin: Actor
) -> None:
    with_scripts(db, admin)
    imported = import_campaign(
        db, admin, resource_path("campaigns", "credit_broker.yaml").read_text(encoding="utf-8")
    )
    service = CriteriaService(db)
    current = service.current(imported.campaign_id)
    assert current is not None
    criteria = list(current.criteria)
    criteria[0] = replace(criteria[0], script_step="q_no_such_step")
    supervisor = Actor(admin.user_id, admin.login, admin.display_name, Role.SUPERVISOR)
    with pytest.raises(ValidationFailed) as refused:
        service.save(supervisor, imported.campaign_id, criteria, current.reasons)
    assert refused.value.problem == "unknown_script_step"
    assert f"criterion '{criteria[0].id}'" in str(refused.value)
    assert "q_no_such_step" in str(refused.value)
    still = service.current(imported.campaign_id)
    assert still is not None and still.version == current.version
    criteria[0] = replace(criteria[0], script_step="q_credit_history")  # a real step
    assert service.save(supervisor, imported.campaign_id, criteria, current.reasons).version == 2


def test_a_reminder_plan_is_stored_with_the_campaign_and_exported_back(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    with_scripts(db, admin)
    text = CREDIT + "reminders:\n  confirm_call_hours_before: 5\n"
    result = import_campaign(db, admin, text)
    with db.session() as session:
        settings = session.get_one(Campaign, result.campaign_id).settings
    assert settings["reminders"]["confirm_call_hours_before"] == 5
    assert settings["reminders"]["control_touch_min_days"] == 2
    (written,) = export_campaigns(db, tmp_path / "out")
    assert written.read_text(encoding="utf-8") == text
