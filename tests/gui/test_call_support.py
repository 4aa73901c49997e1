"""(No tests here.) Shared set-up of the operator workspace tests: the demo workspace, open round the clock."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QUrl, Slot
from sqlalchemy import delete, select, update

from operator_app.core.demo import create_demo_workspace
from operator_app.core.roles import Actor, Role
from operator_app.core.users import UserService
from operator_app.gui.call.queue_panel import QueuePanel
from operator_app.storage.database import Database
from operator_app.storage.models import CallingHours, Campaign, Task

DEMO_PASSWORD = "demo"


def demo_database(database: Database) -> None:
    """The demo workspace whose campaigns call at any hour, so tests pass at night too, and
    whose calendar calls (a no-show's feedback, a confirmation) fall due only tomorrow, so
    "Next client" starts with the fresh leads whose script the tests walk."""
    create_demo_workspace(database)
    with database.session() as session:
        tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        session.execute(update(Task).where(Task.state == "open").values(due_at=tomorrow))
        session.execute(delete(CallingHours))
        for campaign_id in session.scalars(select(Campaign.id)):
            for weekday in range(7):
                session.add(
                    CallingHours(
                        campaign_id=campaign_id,
                        weekday=weekday,
                        starts=dt.time(0, 0),
                        ends=dt.time(23, 59, 59, 999999),
                    )
                )


def queue_shown(panel: QueuePanel) -> bool:
    """The panel's background reads are over: counts and the waiting list are on screen."""
    return panel.buckets.rowCount() > 0 and not panel.is_busy()


def demo_operator(database: Database) -> Actor:
    actor = UserService(database).authenticate("operator", DEMO_PASSWORD)
    assert actor.role is Role.OPERATOR
    return actor


class TelHandler(QObject):
    """Stands in for the softphone: the system's handler of tel: links."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())
