"""The queue and a card cost a fixed number of SQL statements, however many proposals there are,
and the faster queue shows exactly what ranking every row one by one would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from commands.policy import Policy
from commands.proposal_card import card_of, show_integration
from commands.queue import QUEUE_PAGE, queue, queue_sizes
from commands.vocabulary import OPEN_PROPOSAL
from storage.db import session_scope
from storage.models import Approval, Integration, SecurityReview
from storage.repositories import integrations as repo
from storage.repositories import security_reviews as review_repo
from tests.factories import NOW, add_proposal, add_tool
from tests.statements import counted

POLICY = Policy()
# Open states first (the queue), then some that are not in it.
STATES = ("proposed", "security_review", "changes_requested", "awaiting_approval", "approved", "live")


def seed(sessions: sessionmaker[Session], tools: list[int], count: int) -> list[int]:
    """`count` proposals with tied and missing paybacks, spread over open and other states, with
    reviews and approvals on the reviewed ones."""
    ids = []
    for i in range(count):
        pid = add_proposal(
            sessions,
            tools[i % len(tools)],
            tools[(i + 1) % len(tools)],
            title=f"P{i}",
            frequency=str(1 + i % 5),
            impact=str(1 + (i // 5) % 3),
            feasibility="3",
            hours_per_week=str(i % 4),  # 0 hours: no payback at all
            data_kinds=["deals"],
        )
        ids.append(pid)
    with session_scope(sessions) as session:
        for n, pid in enumerate(ids):
            state = STATES[n % len(STATES)]
            session.execute(
                update(Integration)
                .where(Integration.id == pid)
                .values(state=state, review_round=1, data_classes=["personal"])
            )
            if state in ("changes_requested", "awaiting_approval", "approved", "live"):
                for outcome in ("changes_requested", "pass"):
                    session.add(review(pid, outcome))
                session.add(Approval(integration_id=pid, round=1, approver_id="U0DAVE004", created_at=NOW))
                session.add(Approval(integration_id=pid, round=0, approver_id="U0ERIN005", created_at=NOW))
    return ids


def review(pid: int, outcome: str) -> SecurityReview:
    return SecurityReview(
        integration_id=pid,
        round=1,
        reviewer_id="U0CAROL03",
        scopes=[],
        access_level="read_only",
        credential_type="oauth",
        credential_storage="vault",
        data_classes=["personal"],
        attestations=[],
        encrypted_in_transit=True,
        encrypted_at_rest=True,
        rotation_days=90,
        outcome=outcome,
        notes="",
        created_at=NOW,
    )


@pytest.fixture
def tools(sessions: sessionmaker[Session]) -> list[int]:
    return [add_tool(sessions, name) for name in ("Salesforce", "Asana", "HubSpot", "Zendesk")]


def statements_for(engine: Engine, sessions: sessionmaker[Session], ids: list[int]) -> tuple[int, int, int]:
    with session_scope(sessions) as session, counted(engine) as first_page:
        assert len(queue(session=session, policy=POLICY).cards) == QUEUE_PAGE
    with session_scope(sessions) as session, counted(engine) as later_page:
        queue(session=session, policy=POLICY, page=2)
    with session_scope(sessions) as session, counted(engine) as show:
        show_integration(session=session, integration_id=ids[len(ids) // 2], policy=POLICY)
    return len(first_page), len(later_page), len(show)


def test_queue_and_show_issue_the_same_statements_for_few_and_many_proposals(
    engine: Engine, sessions: sessionmaker[Session], tools: list[int]
) -> None:
    ids = seed(sessions, tools, 2 * len(STATES) * 2)
    few = statements_for(engine, sessions, ids)
    ids += seed(sessions, tools, 60)
    many = statements_for(engine, sessions, ids)
    assert few == many
    first_page, later_page, show = many
    assert first_page <= 8 and later_page <= 8 and show <= 8


def test_the_queue_matches_ranking_every_open_proposal_one_by_one(
    sessions: sessionmaker[Session], tools: list[int]
) -> None:
    seed(sessions, tools, 66)
    open_states = [s.value for s in OPEN_PROPOSAL]
    with session_scope(sessions) as session:
        rows = session.scalars(select(Integration).where(Integration.state.in_(open_states))).all()
        nulls_last = Decimal("Infinity")
        expected = sorted(
            rows, key=lambda i: (-i.score, nulls_last if i.payback_months is None else i.payback_months, i.id)
        )
        assert any(i.payback_months is None for i in rows)
        shown = []
        pages = queue(session=session, policy=POLICY).pages
        for page in range(1, pages + 2):
            found = queue(session=session, policy=POLICY, page=page)
            assert found.total == len(rows) and found.first_rank == (page - 1) * QUEUE_PAGE + 1
            for card in found.cards:
                integration = session.get(Integration, card.id)
                assert integration is not None
                # What the card said when it was built row by row.
                assert card.queue_position == repo.rank_of(session, integration, states=open_states)
                assert card == card_of(session, integration, POLICY)
                latest = review_repo.latest(session, card.id)
                assert card.reviewer_id == (latest.reviewer_id if latest else None)
                assert card.review_outcome == (latest.outcome if latest else None)
                assert card.approvers == list(review_repo.approvers(session, card.id, 1))
                assert (card.source_tool, card.target_tool) != ("?", "?")
            shown += [card.id for card in found.cards]
    assert shown == [i.id for i in expected]


def test_queue_sizes_count_open_in_flight_and_live(sessions: sessionmaker[Session], tools: list[int]) -> None:
    seed(sessions, tools, 12)
    with session_scope(sessions) as session:
        sizes = queue_sizes(session=session)
    assert (sizes.open_proposals, sizes.in_flight, sizes.live) == (8, 2, 2)
