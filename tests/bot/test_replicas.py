"""Three `patchbay serve` processes on one PostgreSQL database, as behind a load balancer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.playground.driver import Reply, SlackDriver
from bot.playground.localslack import LocalSlack
from storage.db import make_engine, make_sessionmaker
from storage.models import AuditEvent, Integration, SecurityReview, Tool
from tests.bot.test_cli import SECRET, Served, env_for, wait_for
from tests.bot.test_tools_e2e import HUBSPOT
from tests.bot.test_workflow_e2e import GOVERNANCE, PASSING_REVIEW
from tests.conftest import ALICE, BOB, CAROL, DAVE, POSTGRES_URL
from tests.factories import add_tool, proposal_values

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PATCHBAY_TEST_DATABASE_URL (PostgreSQL)")
REPLICAS = 3
DISTINCT = 30


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[tuple[list[SlackDriver], LocalSlack]]:
    slack = LocalSlack().start()
    roles = {
        "PATCHBAY_SECURITY_REVIEWERS": CAROL,
        "PATCHBAY_APPROVERS": DAVE,
        "PATCHBAY_GOVERNANCE_CHANNEL": GOVERNANCE,
    }
    env = {**env_for(slack, tmp_path / "unused.db", **roles), "DATABASE_URL": database_url}
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
    # The one modal submitted on every replica, and as many other modals (each its own view id).
    jobs: list[tuple[SlackDriver, dict[str, Any], dict[str, Any]]] = [
        (d, view, {**HUBSPOT, "name": "Salesforce"}) for d in drivers
    ]
    jobs += [
        (drivers[i % REPLICAS], {**view, "id": f"V0OTHER{i:02d}"}, {**HUBSPOT, "name": f"Tool {i:02d}"})
        for i in range(DISTINCT)
    ]
    start = threading.Barrier(len(jobs))

    def submit(job: tuple[SlackDriver, dict[str, Any], dict[str, Any]]) -> Reply:
        driver, modal, values = job
        start.wait()
        return driver.submit(modal, values, user=BOB)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        replies = list(pool.map(submit, jobs))

    assert [r.status for r in replies] == [200] * len(jobs), [r.body for r in replies if r.status != 200]

    def registered(reply: Reply) -> bool:
        """Closed, or turned into the new tool's assessment (once other tools are registered)."""
        return reply.body == "" or reply.json.get("view", {}).get("callback_id") == "assess"

    same = replies[:REPLICAS]
    assert sorted(registered(r) for r in same) == [False, False, True]
    for again in (r for r in same if not registered(r)):  # the same modal again: told what the first saved
        assert again.json["response_action"] == "update" and "Already saved as tool #" in again.body
    assert all(registered(r) for r in replies[REPLICAS:])

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        tools = {t.name: t.id for t in session.scalars(select(Tool))}
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "tool.registered")).all()
    engine.dispose()
    assert sorted(tools) == sorted(["Salesforce", *(f"Tool {i:02d}" for i in range(DISTINCT))])
    assert sorted(e.entity_id for e in audit) == sorted(tools.values())
    assert all(e.actor_id == BOB for e in audit)
    wait_for(lambda: len(slack.calls_to("chat.postMessage")) == DISTINCT + 1)


def four_on_replicas(drivers: list[SlackDriver], send: Any) -> list[Reply]:
    """`send(driver, n)` for n in 0..3, spread over the replicas, all released at once."""
    start = threading.Barrier(4)

    def run(number: int) -> Reply:
        start.wait()
        return send(drivers[number % REPLICAS], number)

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(run, range(4)))
    assert [r.status for r in replies] == [200] * 4, [r.body for r in replies]
    return replies


def card_button(slack: LocalSlack, label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    [card] = [m for m in slack.messages if m.channel == GOVERNANCE and m.thread_ts is None]
    buttons = [e for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    return next(b for b in buttons if b["text"]["text"] == label), {"ts": card.ts}


@pytest.mark.parametrize("retry", [False, True], ids=["double-submit", "slack-retry"])
def test_a_proposal_and_its_lifecycle_sent_four_times_over_three_replicas_change_once(
    replicas: tuple[list[SlackDriver], LocalSlack], database_url: str, retry: bool
) -> None:
    drivers, slack = replicas
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    source, target = add_tool(sessions, "Salesforce"), add_tool(sessions, "Asana")

    def again(number: int) -> int | None:
        return number if retry and number else None

    drivers[0].command("propose", user=BOB)
    wait_for(lambda: slack.last_view_id)
    form = slack.views[slack.last_view_id]
    values = proposal_values(source, target)
    four_on_replicas(drivers, lambda d, n: d.submit(form, values, user=BOB, retry=again(n)))
    # The same tools and data again: warned first, then "Save anyway" four times.
    drivers[1].command("propose", user=BOB)
    wait_for(lambda: slack.last_view_id != form["id"])
    second = slack.views[slack.last_view_id]
    warned = drivers[1].submit(second, proposal_values(target, source), user=BOB)
    assert warned.json["response_action"] == "update"
    updated = {**warned.json["view"], "id": second["id"]}
    four_on_replicas(
        drivers, lambda d, n: d.submit(updated, {"confirm_similar": ["yes"]}, user=BOB, retry=again(n))
    )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Integration)) == 2

    wait_for(lambda: len([m for m in slack.messages if m.channel == GOVERNANCE and m.thread_ts is None]) == 2)
    for message in [m for m in slack.messages if m.channel == GOVERNANCE and m.thread_ts is None][1:]:
        slack.messages.remove(message)  # keep the first proposal's card in view
    button, message = card_button(slack, "Start security review")
    trigger = drivers[0].trigger() if retry else None
    four_on_replicas(
        drivers,
        lambda d, n: d.click(
            button, user=CAROL, channel=GOVERNANCE, message=message, trigger=trigger, retry=again(n)
        ),
    )
    wait_for(lambda: any(v.get("callback_id") == "security_review" for v in slack.views.values()))
    review_form = next(v for v in slack.views.values() if v.get("callback_id") == "security_review")
    review = {**PASSING_REVIEW, "data_classes": ["none"], "attestations": []}
    four_on_replicas(drivers, lambda d, n: d.submit(review_form, review, user=CAROL, retry=again(n)))
    wait_for(lambda: "Approve" in str(card_button_labels(slack)))
    button, message = card_button(slack, "Approve")
    trigger = drivers[0].trigger() if retry else None
    four_on_replicas(
        drivers,
        lambda d, n: d.click(
            button, user=DAVE, channel=GOVERNANCE, message=message, trigger=trigger, retry=again(n)
        ),
    )

    def state() -> str:
        with sessions() as session:
            return session.scalars(select(Integration.state).where(Integration.id == 1)).one()

    wait_for(lambda: state() == "approved")
    wait_for(lambda: len(slack.calls_to("response_url")) == 6)  # the repeats are told who acted first
    told = [str(c.args["text"]) for c in slack.calls_to("response_url")]
    assert all(("Already saved as integration #1" if retry else "acted first") in t for t in told), told
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SecurityReview)) == 1
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "integration")
        ).all()
    engine.dispose()
    for action in ("integration.proposed", "integration.start_review", "integration.approve"):
        assert actions.count(action) == (2 if action == "integration.proposed" else 1), actions


def card_button_labels(slack: LocalSlack) -> list[str]:
    cards = [m for m in slack.messages if m.channel == GOVERNANCE and m.thread_ts is None]
    return [
        e["text"]["text"] for m in cards for b in m.blocks if b["type"] == "actions" for e in b["elements"]
    ]
