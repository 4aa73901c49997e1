"""What the call's verification and hand-off panels load about a lead, on both backends."""

from __future__ import annotations

import pytest

from operator_app.core.errors import NotFound
from operator_app.core.lead_overview import load_handoff_options, load_lead_extras
from operator_app.core.users import UserService
from operator_app.core.verification.service import VerificationService
from operator_app.core.verification.verdict import Verdict
from operator_app.storage.database import Database
from tests.gui.helpers import PASSWORD
from tests.gui.verification_data import VISIT_AT, add_seller, book_visit, build_space


def test_the_lead_extras_and_hand_off_options(db: Database) -> None:
    admin = UserService(db).create_first_admin("boss", "Boss", PASSWORD)
    space = build_space(db, admin, b2b=True)
    extras = load_lead_extras(db, space.operator, space.lead_id)
    assert (extras.two_step, extras.b2b, extras.campaign_id) == (True, True, space.campaign_id)
    assert extras.criteria is not None and len(extras.criteria.criteria) == 5
    assert extras.latest is None and extras.company is None
    assert extras.contact.full_name == "Иван Петров"
    assert not extras.consents.personal_data.granted
    VerificationService(db).save(
        space.operator, space.lead_id, None, {"history": "Хорошая", "visit": True, "age": 30}
    )
    latest = load_lead_extras(db, space.operator, space.lead_id).latest
    assert latest is not None and latest.verdict is Verdict.TARGET

    assert load_handoff_options(db, space.operator, space.lead_id).visit is None
    boris, desk = add_seller(db, admin, "boris", "Boris")
    anna, _desk = add_seller(db, admin, "anna", "Anna")
    visit_id = book_visit(db, space.lead_id, desk, VISIT_AT)
    options = load_handoff_options(db, space.operator, space.lead_id)
    assert options.visit is not None and options.visit.visit_id == visit_id
    assert options.visit.starts_at == VISIT_AT
    assert [(s.user_id, s.name) for s in options.sellers] == [
        (anna.user_id, "Anna"),
        (boris.user_id, "Boris"),
    ]
    with pytest.raises(NotFound):
        load_lead_extras(db, space.operator, 999_999)
