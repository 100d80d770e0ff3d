"""Three `patchbay serve` processes on one PostgreSQL database, as behind a load balancer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.driver import Reply, SlackDriver
from bot.localslack import LocalSlack
from storage.db import make_engine, make_sessionmaker
from storage.models import AuditEvent, Tool
from tests.bot.test_cli import SECRET, Served, env_for, wait_for
from tests.bot.test_tools_e2e import HUBSPOT
from tests.conftest import ALICE, BOB, POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PATCHBAY_TEST_DATABASE_URL (PostgreSQL)")
REPLICAS = 3
DISTINCT = 30


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[tuple[list[SlackDriver], LocalSlack]]:
    slack = LocalSlack().start()
    env = {**env_for(slack, tmp_path / "unused.db"), "DATABASE_URL": database_url}
    servers: list[Served] = []
    try:
        servers = [Served(env, tmp_path) for _ in range(REPLICAS)]
        drivers = [
            SlackDriver(app_url=f"http://127.0.0.1:{s.port}/slack/events", secret=SECRET, slack=slack)
            for s in servers
        ]
        yield drivers, slack
    finally:
        for server in servers:
            server.stop()
        slack.stop()


def test_the_same_submission_on_every_replica_registers_one_tool_and_distinct_ones_all_land(
    replicas: tuple[list[SlackDriver], LocalSlack], database_url: str
) -> None:
    drivers, slack = replicas
    drivers[0].command("tool add", user=ALICE)
    wait_for(lambda: slack.last_view_id)
    view = slack.views[slack.last_view_id]
    jobs: list[tuple[SlackDriver, dict[str, Any]]] = [(d, {**HUBSPOT, "name": "Salesforce"}) for d in drivers]
    jobs += [(drivers[i % REPLICAS], {**HUBSPOT, "name": f"Tool {i:02d}"}) for i in range(DISTINCT)]
    start = threading.Barrier(len(jobs))

    def submit(job: tuple[SlackDriver, dict[str, Any]]) -> Reply:
        driver, values = job
        start.wait()
        return driver.submit(view, values, user=BOB)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        replies = list(pool.map(submit, jobs))

    assert [r.status for r in replies] == [200] * len(jobs), [r.body for r in replies if r.status != 200]
    same = replies[:REPLICAS]
    assert sorted(r.body == "" for r in same) == [False, False, True]
    for refused in (r for r in same if r.body):
        assert refused.json["response_action"] == "errors" and "Salesforce" in refused.json["errors"]["name"]
    assert all(r.body == "" for r in replies[REPLICAS:])

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        tools = {t.name: t.id for t in session.scalars(select(Tool))}
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "tool.registered")).all()
    engine.dispose()
    assert sorted(tools) == sorted(["Salesforce", *(f"Tool {i:02d}" for i in range(DISTINCT))])
    assert sorted(e.entity_id for e in audit) == sorted(tools.values())
    assert all(e.actor_id == BOB for e in audit)
    wait_for(lambda: len(slack.calls_to("chat.postMessage")) == DISTINCT + 1)
