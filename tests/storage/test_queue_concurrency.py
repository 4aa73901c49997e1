"""Many operators pressing "next client" at once: every lead is claimed at most once."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter

from operator_app.core.queue.service import QueueService
from operator_app.core.roles import Actor
from operator_app.storage.database import Database
from tests.storage.test_queue_seed import (
    MONDAY_0910_MSK,
    bulk_leads,
    make_campaign,
    make_list,
    make_user,
)


def seed(db: Database, leads: int, operators: int) -> tuple[list[int], list[Actor]]:
    campaign = make_campaign(db)
    lead_ids = bulk_leads(db, campaign, make_list(db, "Big", campaign), leads)
    actors = [make_user(db, f"op{i}") for i in range(operators)]
    return lead_ids, actors


def claim_until_empty(service: QueueService, actor: Actor) -> list[int]:
    claimed = []
    while (lead := service.claim_next(actor, now=MONDAY_0910_MSK)) is not None:
        claimed.append(lead.lead_id)
    return claimed


def run_threads(database: Database, actors: list[Actor]) -> tuple[list[int], list[BaseException]]:
    service = QueueService(database)
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(actors))

    def work(actor: Actor) -> None:
        try:
            start.wait()
            mine = claim_until_empty(service, actor)
            with lock:
                claimed.extend(mine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return claimed, errors


def assert_each_lead_claimed_once(claimed: list[int], lead_ids: list[int]) -> None:
    double_claims = [lead for lead, times in Counter(claimed).items() if times > 1]
    assert double_claims == []
    assert sorted(claimed) == sorted(lead_ids)


def test_sixteen_threads_on_postgresql_never_double_claim(pg_db: Database) -> None:
    lead_ids, actors = seed(pg_db, 2000, 16)
    database = Database(pg_db.url, pool_size=16, max_overflow=4)
    try:
        claimed, errors = run_threads(database, actors)
    finally:
        database.dispose()
    assert errors == []
    assert_each_lead_claimed_once(claimed, lead_ids)


def _process_worker(url: str, actor: Actor) -> list[int]:
    database = Database(url)
    try:
        return claim_until_empty(QueueService(database), actor)
    finally:
        database.dispose()


def test_four_processes_on_postgresql_never_double_claim(pg_db: Database) -> None:
    lead_ids, actors = seed(pg_db, 800, 4)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_process_worker, [(pg_db.url, actor) for actor in actors])
    claimed = [lead for result in results for lead in result]
    assert_each_lead_claimed_once(claimed, lead_ids)
    assert all(result for result in results), "every process got some work"


def test_threads_on_sqlite_never_double_claim(sqlite_db: Database) -> None:
    lead_ids, actors = seed(sqlite_db, 600, 8)
    claimed, errors = run_threads(sqlite_db, actors)
    assert errors == []
    assert_each_lead_claimed_once(claimed, lead_ids)
