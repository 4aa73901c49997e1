"""The hand-counted report world builds on both backends."""

from __future__ import annotations

from operator_app.storage.database import Database
from tests.support.report_data import build_report_world


def test_the_world_is_built_on_both_backends(db: Database) -> None:
    world = build_report_world(db)
    assert world.version_1 < world.version_2
