"""Proposal use-cases against a real database (rolled back after each test): scoring and payback,
the overlap warning, the queue's order and the audit event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.policy import Policy
from commands.proposal_form import ProposalDraft
from commands.proposal_writes import Similar, propose_integration
from commands.queue import queue
from commands.tools import ToolDraft, register_tool
from commands.vocabulary import State
from storage.models import AuditEvent, Integration
from tests.factories import NOW, proposal_values

BOB = Actor(user_id="U0BOB0002")
POLICY = Policy()


def _tools(db: Session, *names: str) -> list[int]:
    return [
        register_tool(
            session=db,
            actor=BOB,
            draft=ToolDraft.parse({"name": name, "category": "crm", "owner_id": BOB.user_id}),
            now=NOW,
        ).id
        for name in names
    ]


def _propose(db: Session, source: int, target: int, *, confirmed: bool = False, **changes: Any) -> int:
    draft = ProposalDraft.parse(proposal_values(source, target, **changes))
    return propose_integration(
        session=db, actor=BOB, draft=draft, policy=POLICY, now=NOW, confirmed=confirmed
    ).id


def test_a_proposal_is_scored_costed_stored_and_audited(db: Session) -> None:
    source, target = _tools(db, "Salesforce", "Asana")

    integration_id = _propose(db, source, target)

    row = db.get(Integration, integration_id)
    assert row is not None
    assert (row.state, row.score) == (State.PROPOSED.value, 4 + 3 + 5)
    # 3 h/week x 52 x 50 = 7,800 a year; first year 20 x 12 + 8 h x 50 + 10% of 400 = 680
    assert row.payback_months == Decimal("1.0")
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity_type == "integration")).all()
    assert [(e.action, e.entity_id, e.actor_id) for e in events] == [
        ("integration.proposed", integration_id, BOB.user_id)
    ]


def test_an_overlapping_proposal_asks_for_confirmation_first(db: Session) -> None:
    source, target = _tools(db, "Salesforce", "Asana")
    first = _propose(db, source, target)

    with pytest.raises(Similar) as warned:
        _propose(db, target, source, title="The other way round")
    assert [match[0] for match in warned.value.matches] == [first]
    assert db.scalars(select(Integration.id)).all() == [first]

    second = _propose(db, target, source, title="The other way round", confirmed=True)
    assert db.scalars(select(Integration.id).order_by(Integration.id)).all() == [first, second]


def test_the_queue_ranks_by_score_then_payback(db: Session) -> None:
    a, b, c, d = _tools(db, "A", "B", "C", "D")
    low = _propose(db, a, b, frequency="1", impact="1", feasibility="1")
    slow = _propose(db, b, c, hours_per_week="1")
    fast = _propose(db, c, d, hours_per_week="10")

    page = queue(session=db, policy=POLICY)

    assert [card.id for card in page.cards] == [fast, slow, low]
    assert [card.queue_position for card in page.cards] == [1, 2, 3]
    assert page.total == 3
