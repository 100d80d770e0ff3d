"""A fifth of Slack calls failing, "posted, then 5xx" and dropped connections too: nothing lost or doubled.

What the local Slack holds is counted against what was owed, thread by thread and DM by DM.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import make_client
from bot.playground.localslack import LocalSlack, Message
from bot.scheduling.jobs import REPLY_EVENT, THREAD_EVENT, review_sweep
from bot.scheduling.notify import OUTBOX_EVENT, Notifier, slack_sender
from bot.settings import Settings
from commands.actor import Actor, Role
from commands.lifecycle import Step
from commands.outbox import Kind, owe
from commands.workflow import take_step
from storage.db import session_scope
from storage.models import Integration, Outbox, ReviewCycle
from tests.bot.test_reviews_e2e import DAY, go_live
from tests.conftest import BOB, CAROL, DAVE, ERIN, FRANK, START, Patchbay
from tests.factories import add_proposal, add_tool

GOVERNANCE = "C0GOVERN"
FAULTY = (
    "chat.postMessage",
    "chat.update",
    "conversations.history",
    "conversations.replies",
    "conversations.open",
)
RUNS = 40
FAST = {
    "patchbay_slack_channel_pace_seconds": 0,
    "patchbay_slack_posts_per_minute": 60_000,
    "patchbay_slack_lookups_per_minute": 60_000,
}


def tagged(slack: LocalSlack, event_type: str) -> Counter[Any]:
    """How many messages carry each payload of `event_type` in their metadata."""
    found: Counter[Any] = Counter()
    for message in slack.messages:
        meta = message.metadata or {}
        if meta.get("event_type") == event_type:
            found[str(sorted(meta["event_payload"].items()))] += 1
    return found


def taken_then_fail(slack: LocalSlack, *, taken: int, dropped: int) -> None:
    """Besides the random faults (whose share of posts depends on how threads interleave), some posts
    Slack surely takes and then answers 5xx, or drops unanswered: a few posts in, wherever they land."""
    slack.fail("chat.postMessage", status=500, when="taken", times=taken, after=2)
    slack.fail("chat.postMessage", status=0, when="dropped", times=dropped, after=2 + taken + 3)


def taken_then_failed(slack: LocalSlack) -> int:
    """Posts Slack took and then answered 5xx or dropped: the ones a blind retry would double."""
    return len([f for f in slack.injected if f[0] == "chat.postMessage" and f[1] != "before"])


@pytest.mark.parametrize("settings_overrides", [FAST])
def test_a_review_sweep_with_a_fifth_of_slack_failing_loses_nothing_and_posts_nothing_twice(
    patchbay: Patchbay, settings: Settings
) -> None:
    owners = (BOB, CAROL, DAVE, ERIN, FRANK)
    for number in range(15):
        go_live(patchbay, owner=owners[number % len(owners)], title=f"Integration {number:02d}")
    slack = patchbay.slack
    slack.flaky(0.2, *FAULTY, seed=7)
    taken_then_fail(slack, taken=3, dropped=2)
    sweep = review_sweep(settings=settings, sessions=patchbay.sessions, client=make_client(settings))
    due = START + 90 * DAY

    def unsent() -> int:
        with patchbay.sessions() as session:
            return len(session.scalars(select(ReviewCycle).where(ReviewCycle.status != "sent")).all())

    for _ in range(RUNS):
        sweep.run(due)
        if unsent() == 0:
            break
    assert unsent() == 0
    # Every owner's thread once, every review once in its owner's thread.
    threads = tagged(slack, THREAD_EVENT)
    assert len(threads) == len(owners) and set(threads.values()) == {1}
    replies = tagged(slack, REPLY_EVENT)
    assert len(replies) == 15 and set(replies.values()) == {1}
    with patchbay.sessions() as session:
        for cycle in session.scalars(select(ReviewCycle)):
            [message] = [m for m in slack.messages if m.ts == cycle.ts]
            assert (message.metadata or {}).get("event_payload") == {"cycle_id": cycle.id}
            parent = next(m for m in slack.messages if m.ts == message.thread_ts)
            assert parent.channel == slack.dm_channel(cycle.owner_id)

    # Three days later: one reminder in each review's thread, through the outbox.
    for _ in range(RUNS):
        sweep.run(due + 3 * DAY)
        with patchbay.sessions() as session:
            if not session.scalars(select(Outbox).where(Outbox.sent_at.is_(None))).all():
                break
    reminders = [m for m in slack.messages if m.text.startswith("Reminder")]
    assert len(reminders) == 15
    assert Counter(m.thread_ts for m in reminders) == Counter(
        m.thread_ts for m in slack.messages if (m.metadata or {}).get("event_type") == REPLY_EVENT
    )
    assert set(tagged(slack, OUTBOX_EVENT).values()) == {1}
    assert taken_then_failed(slack) >= 5


@pytest.mark.parametrize("settings_overrides", [FAST])
def test_cards_threads_and_dms_with_a_fifth_of_slack_failing_land_once_each(
    patchbay: Patchbay, settings: Settings
) -> None:
    source, target = add_tool(patchbay.sessions, "Salesforce"), add_tool(patchbay.sessions, "Asana")
    ids = [add_proposal(patchbay.sessions, source, target, title=f"Sync {n:02d}") for n in range(12)]
    with session_scope(patchbay.sessions) as session:
        for integration_id in ids:
            take_step(
                session=session,
                actor=Actor(user_id=CAROL, roles=frozenset({Role.SECURITY_REVIEWER})),
                integration_id=integration_id,
                step=Step.START_REVIEW,
                expected=None,
                policy=settings.policy,
                now=START,
            )
    slack = patchbay.slack
    slack.flaky(0.2, *FAULTY, seed=11)
    notifier = Notifier(patchbay.sessions, slack_sender(settings, make_client(settings)))
    for _ in range(RUNS):
        notifier.deliver(START)
        with patchbay.sessions() as session:
            if not session.scalars(select(Outbox).where(Outbox.sent_at.is_(None))).all():
                break

    with patchbay.sessions() as session:
        rows = session.scalars(select(Outbox)).all()
        assert all(row.sent_at is not None for row in rows)
        cards = {i.id: (i.card_channel, i.card_ts) for i in session.scalars(select(Integration))}
    governance: list[Message] = [m for m in slack.messages if m.channel == GOVERNANCE]
    parents = [m for m in governance if m.thread_ts is None]
    assert len(parents) == len(ids) and sorted(ts for _, ts in cards.values()) == sorted(
        m.ts for m in parents
    )
    posted = tagged(slack, OUTBOX_EVENT)
    assert set(posted.values()) == {1}  # no outbox item posted twice
    owed = [row for row in rows if row.kind in (Kind.THREAD, Kind.DM)]
    assert len(owed) >= 2 * len(ids)
    for row in owed:  # each one where it belongs
        [message] = [
            m for m in slack.messages if (m.metadata or {}).get("event_payload") == {"item_id": row.id}
        ]
        if row.kind == Kind.THREAD:
            assert message.thread_ts == cards[row.integration_id][1]  # type: ignore[index]
        else:
            assert message.channel == slack.dm_channel(row.recipient)
    assert taken_then_failed(slack) >= 3


@pytest.mark.parametrize("settings_overrides", [FAST])
def test_run_health_alerts_with_a_fifth_of_slack_failing_land_once_each_where_they_belong(
    patchbay: Patchbay, settings: Settings
) -> None:
    from commands.run_alerts import apply_alerts, check_alerts
    from commands.run_reports import RunReport, ingest_runs
    from commands.run_tokens import intake_of
    from tests.bot.runs_client import run
    from tests.factories import set_state

    source, target = add_tool(patchbay.sessions, "Stripe"), add_tool(patchbay.sessions, "Xero")
    ids = [add_proposal(patchbay.sessions, source, target, title=f"Ledger {n:02d}") for n in range(8)]
    for integration_id in ids:
        set_state(patchbay.sessions, integration_id, "live")
    with session_scope(patchbay.sessions) as session:
        for integration_id in ids:
            owe(session, kind=Kind.CARD, integration_id=integration_id, now=START)
    notifier = Notifier(patchbay.sessions, slack_sender(settings, make_client(settings)))
    notifier.deliver(START)  # the cards, whose threads the alerts go into
    with session_scope(patchbay.sessions) as session:
        connection = session.connection()
        for integration_id in ids:
            failing = [RunReport.model_validate(run(f"r{n}", "error", at=START)) for n in range(6)]
            ingest_runs(connection=connection, integration_id=integration_id, reports=failing, now=START)
            intake = intake_of(connection=connection, integration_id=integration_id)
            check = check_alerts(connection=connection, intake=intake, defaults=settings.policy)
            assert apply_alerts(session=session, check=check, now=START)
    slack = patchbay.slack
    slack.flaky(0.2, *FAULTY, seed=5)
    taken_then_fail(slack, taken=2, dropped=1)
    for _ in range(RUNS):
        notifier.deliver(START)
        with patchbay.sessions() as session:
            if not session.scalars(select(Outbox).where(Outbox.sent_at.is_(None))).all():
                break

    with patchbay.sessions() as session:
        rows = session.scalars(select(Outbox)).all()
        assert all(row.sent_at is not None for row in rows)
        cards = {i.id: i.card_ts for i in session.scalars(select(Integration))}
    assert set(tagged(slack, OUTBOX_EVENT).values()) == {1}  # no outbox item posted twice
    alerts = [row for row in rows if row.kind == Kind.INCIDENT]
    assert len(alerts) == 2 * len(ids)  # the card's thread and the owner
    for row in alerts:
        [message] = [
            m for m in slack.messages if (m.metadata or {}).get("event_payload") == {"item_id": row.id}
        ]
        assert ":rotating_light:" in message.text
        if message.thread_ts is not None:
            assert message.channel == GOVERNANCE and message.thread_ts == cards[row.integration_id]
        else:
            assert message.channel == slack.dm_channel(BOB) and message.blocks
    assert sum(1 for m in slack.messages if m.thread_ts is not None) == len(ids)
