"""Seeding a database through the real use-cases, for tests that need many records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from commands.actor import Actor
from commands.policy import Policy
from commands.proposal_form import ProposalDraft
from commands.proposal_writes import propose_integration
from commands.tools import ToolDraft, register_tool
from storage.db import session_scope

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def add_tool(
    sessions: sessionmaker[Session], name: str, *, owner: str = "U0BOB0002", category: str = "crm"
) -> int:
    with session_scope(sessions) as session:
        card = register_tool(
            session=session,
            actor=Actor(user_id=owner),
            draft=ToolDraft.parse({"name": name, "category": category, "owner_id": owner}),
            now=NOW,
        )
    return card.id


def proposal_values(source: int, target: int, **changes: Any) -> dict[str, Any]:
    """Form values as a person would type them into the proposal modal."""
    values: dict[str, Any] = {
        "title": "Closed-won deals start onboarding",
        "purpose": "Stop retyping won deals into the onboarding tracker",
        "source_tool_id": str(source),
        "target_tool_id": str(target),
        "trigger": "Deal marked Closed Won",
        "actions": "Create an onboarding project",
        "data_kinds": ["deals"],
        "mapping": "Deal name -> Project name\nPhone -> Phone Number | normalise to E.164",
        "direction": "one_way",
        "timing": "realtime",
        "method": "ipaas_zapier",
        "method_reason": "Both tools have Zapier connectors",
        "effort_hours": "8",
        "owner_id": "U0BOB0002",
        "frequency": "4",
        "impact": "3",
        "feasibility": "5",
        "hours_per_week": "3",
        "monthly_cost": "20",
    }
    values.update(changes)
    return values


def add_proposal(
    sessions: sessionmaker[Session],
    source: int,
    target: int,
    *,
    by: str = "U0BOB0002",
    policy: Policy | None = None,
    **changes: Any,
) -> int:
    form = proposal_values(source, target, **changes)
    form = {k: v for k, v in form.items() if v is not None}
    with session_scope(sessions) as session:
        card = propose_integration(
            session=session,
            actor=Actor(user_id=by),
            draft=ProposalDraft.parse(form),
            policy=policy or Policy(),
            now=NOW,
            confirmed=True,
        )
    return card.id


def add_flow(
    sessions: sessionmaker[Session],
    source: int,
    target: int,
    *,
    by: str = "U0BOB0002",
    data: str = "Won deals",
    mode: str = "manual",
    times_per_week: str = "5",
    minutes_each: str = "30",
    integration_id: int | None = None,
) -> int:
    from commands.flows import FlowDraft, record_flow

    form: dict[str, Any] = {
        "source_tool_id": source,
        "target_tool_id": target,
        "data": data,
        "data_kinds": ["deals"],
        "mode": mode,
        "integration_id": integration_id,
        "times_per_week": times_per_week,
        "minutes_each": minutes_each,
        "done_by": by if mode != "automated" else None,
    }
    with session_scope(sessions) as session:
        line = record_flow(session=session, actor=Actor(user_id=by), draft=FlowDraft.parse(form), now=NOW)
    return line.id


def set_state(sessions: sessionmaker[Session], integration_id: int, state: str) -> None:
    """Put an integration straight into a state (for tests about what a state looks like)."""
    from sqlalchemy import update

    from storage.models import Integration

    with session_scope(sessions) as session:
        session.execute(update(Integration).where(Integration.id == integration_id).values(state=state))
