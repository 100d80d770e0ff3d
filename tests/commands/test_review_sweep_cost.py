"""The review sweep reads its items in a fixed number of SQL statements: claiming, nudging and
listing cost the same for a few reviews as for many (for the same owners)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from commands.actor import Actor
from commands.policy import Policy
from commands.review_cycles import schedule_due
from commands.review_nudges import due_nudges
from commands.review_status import reviews_for
from commands.review_sweep import claim_batches, mark_sent, record_thread, thread_for
from storage.db import session_scope
from storage.models import Integration, ReviewCycle
from tests.factories import NOW, add_proposal, add_tool
from tests.statements import counted

POLICY = Policy()
OWNERS = ("U0BOB0002", "U0CAROL03")


@pytest.fixture
def tools(sessions: sessionmaker[Session]) -> list[int]:
    return [add_tool(sessions, name) for name in ("Salesforce", "Asana", "HubSpot")]


def seed(sessions: sessionmaker[Session], tools: list[int], count: int) -> None:
    """`count` live integrations due for review, shared between the same two owners, half of them
    with a key rotation due too."""
    for n in range(count):
        pid = add_proposal(sessions, tools[n % 3], tools[(n + 1) % 3], title=f"R{n}")
        with session_scope(sessions) as session:
            session.execute(
                update(Integration)
                .where(Integration.id == pid)
                .values(
                    state="live",
                    owner_id=OWNERS[n % 2],
                    live_at=NOW - timedelta(days=120),
                    next_review_on=NOW.date(),
                    rotation_days=90 if n % 2 else None,
                    data_classes=["personal"],
                )
            )


def sweep_statements(engine: Engine, sessions: sessionmaker[Session], *, expected: int) -> tuple[int, ...]:
    """Schedule what is due, then count the statements of the claim, the nudges and the status list."""
    with session_scope(sessions) as session:
        schedule_due(session=session, as_of=NOW.date(), now=NOW)
    with session_scope(sessions) as session, counted(engine) as claim:
        batches = claim_batches(session=session, wall=NOW, policy=POLICY)
    assert sum(len(b.items) for b in batches) == expected
    assert sorted(b.owner_id for b in batches) == sorted(OWNERS)
    with session_scope(sessions) as session:
        for batch in batches:
            thread = thread_for(
                session=session, owner_id=batch.owner_id, opened_on=NOW.date()
            ) or record_thread(
                session=session,
                owner_id=batch.owner_id,
                opened_on=NOW.date(),
                channel="D0",
                ts="1.0",
                now=NOW,
            )
            for item in batch.items:
                ts = f"1.{item.cycle_id:06d}"
                mark_sent(
                    session=session, cycle_id=item.cycle_id, thread=thread, channel="D0", ts=ts, now=NOW
                )
        session.execute(update(ReviewCycle).values(sent_at=NOW - timedelta(days=20)))
    later = NOW + timedelta(days=1)
    with session_scope(sessions) as session, counted(engine) as nudges:
        found = due_nudges(session=session, now=later, policy=POLICY)
    assert len({n.item.cycle_id for n in found}) >= expected // 2
    with session_scope(sessions) as session, counted(engine) as status:
        rows = reviews_for(session=session, actor=Actor(user_id=OWNERS[0]), as_of=later.date(), everyone=True)
    assert rows
    return len(claim), len(nudges), len(status)


def test_the_sweep_reads_few_and_many_reviews_in_the_same_statements(
    engine: Engine, sessions: sessionmaker[Session], tools: list[int]
) -> None:
    seed(sessions, tools, 4)
    few = sweep_statements(engine, sessions, expected=4 + 2)
    seed(sessions, tools, 20)
    many = sweep_statements(engine, sessions, expected=20 + 10)
    assert few == many
    claim, nudges, status = many
    # The claim (after SQLite's BEGIN): the owners, then per owner what an interrupted sweep held
    # and the claim itself; then the cycles, their integrations, tool names, last answers and
    # threads once each. The nudges and the list read their cycles, then the same four kinds of row.
    assert claim <= 2 + 2 * len(OWNERS) + 5
    assert nudges <= 6 and status <= 6
