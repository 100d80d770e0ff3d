"""Rows written straight through the models, for tests of the queries in storage/repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from storage.models import Integration, ReviewCycle, Tool

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
_names = count(1)


def tool(session: Session) -> Tool:
    n = next(_names)
    row = Tool(
        name=f"Tool {n}",
        name_key=f"tool{n}",
        category="crm",
        owner_id="U0BOB0002",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(row)
    session.flush()
    return row


def integration(
    session: Session, *, score: int, payback: str | None, state: str = "proposed", owner: str = "U0BOB0002"
) -> Integration:
    source, target = tool(session), tool(session)
    row = Integration(
        title=f"score {score} payback {payback}",
        purpose="",
        source_tool_id=source.id,
        target_tool_id=target.id,
        trigger="",
        actions="",
        direction="one_way",
        timing="realtime",
        method="direct_api",
        method_reason="",
        effort_hours=Decimal(8),
        owner_id=owner,
        proposer_id=owner,
        frequency=3,
        impact=3,
        feasibility=3,
        hours_per_week=Decimal(1),
        monthly_cost=Decimal(0),
        score=score,
        payback_months=None if payback is None else Decimal(payback),
        state=state,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(row)
    session.flush()
    return row


def cycle(
    session: Session,
    *,
    owner: str,
    status: str = "pending",
    claimed_until: datetime | None = None,
    due_on: date = date(2026, 11, 20),
) -> ReviewCycle:
    parent = integration(session, score=9, payback="3", state="live", owner=owner)
    row = ReviewCycle(
        integration_id=parent.id,
        kind="review",
        due_on=due_on,
        owner_id=owner,
        status=status,
        claimed_until=claimed_until,
        created_at=NOW,
    )
    session.add(row)
    session.flush()
    return row
