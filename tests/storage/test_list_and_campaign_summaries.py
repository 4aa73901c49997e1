"""The lead-list and campaign overviews: what they return, and who may ask (both backends)."""

from __future__ import annotations

import pytest

from operator_app.core.campaigns import CampaignModel, campaign_summaries
from operator_app.core.errors import PermissionDenied
from operator_app.core.lists import list_summaries
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, LeadList, Script


@pytest.fixture
def admin(db: Database) -> Actor:
    return UserService(db).create_first_admin("admin", "Admin", "secret1")


def actor_with(db: Database, admin: Actor, role: Role) -> Actor:
    info = UserService(db).create_user(admin, role.value, role.value, role, "secret1")
    return Actor(info.id, info.login, info.display_name, info.role)


def seed(db: Database) -> None:
    with db.session() as session:
        script = Script(name="Брокер, скрипт")
        session.add(script)
        session.flush()
        broker = Campaign(name="Кредитный брокер", model="two-step", script_id=script.id)
        archive = Campaign(name="Архив", active=False)
        session.add_all([broker, archive])
        session.flush()
        session.add_all(
            [
                LeadList(name="Малый приоритет", priority=10, abc_class="C"),
                LeadList(
                    name="Автосалоны",
                    priority=90,
                    abc_class="A",
                    hypothesis="Меняют машину раз в три года",
                    campaign_id=broker.id,
                    rows_read=12,
                    rows_imported=9,
                    rows_duplicate=1,
                    rows_rejected=1,
                    rows_blocked=1,
                ),
            ]
        )


def test_lists_come_most_important_first_with_their_counts(db: Database, admin: Actor) -> None:
    seed(db)
    summaries = list_summaries(db, admin)
    assert [s.name for s in summaries] == ["Автосалоны", "Малый приоритет"]
    top = summaries[0]
    assert (top.campaign_name, top.abc_class, top.hypothesis) == (
        "Кредитный брокер",
        "A",
        "Меняют машину раз в три года",
    )
    counts = (
        top.rows_read,
        top.rows_imported,
        top.rows_duplicate,
        top.rows_rejected,
        top.rows_blocked,
    )
    assert counts == (12, 9, 1, 1, 1)
    assert top.created_at.tzinfo is not None
    assert summaries[1].campaign_name is None


def test_campaigns_active_first_with_their_script(db: Database, admin: Actor) -> None:
    seed(db)
    summaries = campaign_summaries(db, admin)
    assert [(c.name, c.active) for c in summaries] == [("Кредитный брокер", True), ("Архив", False)]
    assert summaries[0].model is CampaignModel.TWO_STEP
    assert summaries[0].script_name == "Брокер, скрипт"
    assert summaries[1].model is CampaignModel.ONE_STEP


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SELLER])
def test_callers_may_not_read_the_overviews(db: Database, admin: Actor, role: Role) -> None:
    caller = actor_with(db, admin, role)
    with pytest.raises(PermissionDenied):
        list_summaries(db, caller)
    with pytest.raises(PermissionDenied):
        campaign_summaries(db, caller)


def test_a_supervisor_may(db: Database, admin: Actor) -> None:
    seed(db)
    supervisor = actor_with(db, admin, Role.SUPERVISOR)
    assert len(list_summaries(db, supervisor)) == 2
    assert len(campaign_summaries(db, supervisor)) == 2
