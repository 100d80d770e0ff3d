"""The incident runbook: what to do when a live integration is suspended, and who to tell."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.impact import tool_impact
from commands.integrations import get_integration
from commands.outbox import Kind, owe
from commands.vocabulary import Method, State
from storage.models import Integration
from storage.repositories import flows as flow_repo
from storage.repositories import incidents as incident_repo
from storage.repositories import runs as runs_repo
from storage.repositories import tools as tool_repo


class Phase(StrEnum):
    DOWN = "down"
    RETESTED = "retested"
    BACK = "back"


# What each runbook step adds to the incident's timeline.
INCIDENT_EVENTS = {"retest": "retested", "redeploy": "redeployed", "resume": "resumed"}


class RunbookNotice(BaseModel):
    """What the outbox owes Slack when an integration goes down or comes back; worded by bot/views."""

    integration_id: int
    phase: Phase
    person: str = ""  # empty: the card's thread


class Fallback(BaseModel):
    """The manual flow this integration replaced: what to do by hand while it is down."""

    data: str
    source_tool: str
    target_tool: str
    done_by: str | None


class Runbook(BaseModel):
    integration_id: int
    title: str
    owner_id: str
    state: State
    method: Method
    source_tool: str
    target_tool: str
    runs_7d: int
    failed_7d: int
    fallbacks: list[Fallback]
    affected: list[str]


def affected_people(session: Session, integration: Integration) -> list[str]:
    """Owners of the target tool and of what depends on it (the impact analysis), but not the owner."""
    target = tool_repo.get(session, integration.target_tool_id)
    if target is None:
        return []
    impact = tool_impact(session=session, name=target.name)
    return [p for p in dict.fromkeys(impact.people) if p and p != integration.owner_id]


def runbook(*, session: Session, integration_id: int) -> Runbook:
    """The runbook of one integration as of its latest stored run (or its last state change)."""
    integration = get_integration(session, integration_id)
    now = (
        runs_repo.last_finished(session, integration.id) or integration.state_since or integration.updated_at
    )
    return runbook_of(session=session, integration=integration, now=now)


def runbook_of(*, session: Session, integration: Integration, now: datetime) -> Runbook:
    """The runbook of one integration: failed runs this week, the manual fallback, who is affected."""
    names = {t.id: t.name for t in tool_repo.all_tools(session)}
    week = runs_repo.sums_after(session, [integration.id], after=now - timedelta(days=7)).get(
        integration.id, {}
    )
    return Runbook(
        integration_id=integration.id,
        title=integration.title,
        owner_id=integration.owner_id,
        state=State(integration.state),
        method=Method(integration.method),
        source_tool=names.get(integration.source_tool_id, "?"),
        target_tool=names.get(integration.target_tool_id, "?"),
        runs_7d=week.get("runs", 0),
        failed_7d=week.get("errors", 0) + week.get("partials", 0),
        fallbacks=[
            Fallback(
                data=f.data,
                source_tool=names.get(f.source_tool_id, "?"),
                target_tool=names.get(f.target_tool_id, "?"),
                done_by=f.done_by,
            )
            for f in flow_repo.of_integration(session, integration.id)
        ],
        affected=affected_people(session, integration),
    )


def owe_runbook(session: Session, integration: Integration, *, phase: Phase, now: datetime) -> None:
    """The runbook's step in the card's thread and, when it goes down or comes back, a word to everyone
    affected."""
    notices = [RunbookNotice(integration_id=integration.id, phase=phase)]
    if phase is not Phase.RETESTED:
        notices += [
            RunbookNotice(integration_id=integration.id, phase=phase, person=person)
            for person in affected_people(session, integration)
        ]
    for notice in notices:
        owe(session, kind=Kind.RUNBOOK, integration_id=integration.id, now=now, text=notice.model_dump_json())


def record_on_incident(
    session: Session, integration_id: int, *, step: str, actor: Actor, now: datetime
) -> None:
    """Add a runbook step (retest, redeploy, resume) to the timeline of the integration's latest incident."""
    incident = incident_repo.latest_of(session, integration_id)
    if incident is None:
        return
    record_change(
        session,
        actor=actor,
        now=now,
        action=f"incident.{INCIDENT_EVENTS[step]}",
        entity_type="integration",
        entity_id=integration_id,
        before=None,
        after={"incident": incident.id},
    )
