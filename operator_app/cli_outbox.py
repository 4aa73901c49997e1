"""`operator-app outbox send`: send every queued message that is due, once, and report.

Run it from a scheduler (cron, Task Scheduler) every few minutes; several runs at once are
safe — each message is claimed by one of them.
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy.exc import DBAPIError

from operator_app.cli import EXIT_FAILED, EXIT_OK, database_failed
from operator_app.cli_files import OpenDatabase
from operator_app.core.messaging.outbox import Outbox

__all__ = ["run_outbox_send"]

BATCH_LIMIT = 1000


def run_outbox_send(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    database = open_database(args)
    try:
        report = Outbox(database).send_due(limit=BATCH_LIMIT)
    except DBAPIError as error:
        raise database_failed(database, error) from error
    print(
        f"Sent {report.sent}, failed {report.failed}, retry scheduled {report.retried}, "
        f"left in the outbox {report.left}"
    )
    if args.json:
        print(json.dumps(report.to_json()))
    return EXIT_FAILED if report.failed or report.retried else EXIT_OK
