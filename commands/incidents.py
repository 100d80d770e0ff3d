"""Run-health incidents: opened once when a threshold is crossed, closed once on recovery, answered
(acknowledged, snoozed) by their owner, escalated when nobody does. What the runs themselves open or
close is decided in `commands.run_alerts`; silence is found here, by the scheduler.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import SYSTEM, Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed, NotFound
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.thresholds import effective_policy, expected_interval
from commands.vocabulary import State
from storage.models import Incident
from storage.repositories import incidents as repo
from storage.repositories import integrations as integration_repo
from storage.repositories import runs as runs_repo
from storage.repositories import thresholds as thresholds_repo
from storage.repositories.incidents import OpenIncident


class IncidentKind(StrEnum):
    ERROR_RATE = "error_rate"
    SILENCE = "silence"
    RECORDS = "records"


class Event(StrEnum):
    OPENED = "opened"
    RECOVERED = "recovered"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    ESCALATED = "escalated"
    AUTO_SUSPENDED = "auto_suspended"


class Audience(StrEnum):
    THREAD = "thread"
    OWNER = "owner"
    CHANNEL = "channel"


class IncidentNotice(BaseModel):
    """What the outbox owes Slack about an incident; worded by bot/views when it is sent."""

    incident_id: int
    event: Event
    to: Audience
    by: str = ""


class IncidentView(BaseModel):
    """An incident as people see it."""

    id: int
    integration_id: int
    title: str
    owner_id: str
    state: State
    kind: IncidentKind
    detail: dict[str, Any]
    opened_at: datetime
    acknowledged_by: str | None
    snoozed_until: datetime | None
    closed_at: datetime | None


def tell(
    session: Session,
    incident_id: int,
    integration_id: int,
    event: Event,
    *to: Audience,
    by: str = "",
    now: datetime,
) -> None:
    """Owe each audience a notice of `event` (the outbox sends it after the commit)."""
    for audience in to:
        notice = IncidentNotice(incident_id=incident_id, event=event, to=audience, by=by)
        owe(
            session, kind=Kind.INCIDENT, integration_id=integration_id, now=now, text=notice.model_dump_json()
        )


def _audit(
    session: Session,
    incident_id: int,
    integration_id: int,
    action: str,
    now: datetime,
    actor: Actor = SYSTEM,
    **after: Any,
) -> None:
    record_change(
        session,
        actor=actor,
        now=now,
        action=f"incident.{action}",
        entity_type="integration",
        entity_id=integration_id,
        before=None,
        after={"incident": incident_id, **after},
    )


def open_incident(
    session: Session, integration_id: int, kind: IncidentKind, detail: dict[str, Any], now: datetime
) -> int | None:
    """Open an incident of `kind` unless one is open (audited, its notices owed); the new id, or None."""
    incident_id = repo.open_once(
        session, integration_id=integration_id, kind=kind.value, detail=detail, now=now
    )
    if incident_id is not None:
        _audit(session, incident_id, integration_id, "opened", now, kind=kind.value, **detail)
        tell(session, incident_id, integration_id, Event.OPENED, Audience.THREAD, Audience.OWNER, now=now)
    return incident_id


def close_incident(session: Session, incident: OpenIncident, now: datetime) -> bool:
    """Close an open incident (audited, its recovery owed); False when another process closed it."""
    if not repo.close(session, incident.id, now=now):
        return False
    _audit(session, incident.id, incident.integration_id, "closed", now, kind=incident.kind)
    tell(
        session,
        incident.id,
        incident.integration_id,
        Event.RECOVERED,
        Audience.THREAD,
        Audience.OWNER,
        now=now,
    )
    return True


def check_silence(*, session: Session, policy: Policy, now: datetime) -> int:
    """Open a silence incident for each live integration with no success for N times its interval."""
    live = integration_repo.all_in(session, states=[State.LIVE.value])
    ids = [i.id for i in live]
    last = runs_repo.last_success(session, ids)
    own = thresholds_repo.of_each(session, ids)
    opened = 0
    for integration in live:
        at = last.get(integration.id)
        if at is None:
            continue
        overrides = own.get(integration.id, {})
        expected = expected_interval(integration, overrides)
        if now - at >= effective_policy(policy, overrides).alert_silence_factor * expected:
            detail = {"last_success": at.isoformat(), "expected_minutes": int(expected.total_seconds() // 60)}
            opened += open_incident(session, integration.id, IncidentKind.SILENCE, detail, now) is not None
    return opened


def escalate_due(*, session: Session, policy: Policy, now: datetime) -> int:
    """Tell the governance channel about incidents nobody acknowledged within the policy's hours."""
    claimed = repo.claim_escalations(
        session, opened_before=now - timedelta(hours=policy.alert_escalate_hours), now=now
    )
    for incident_id in claimed:
        incident = repo.get(session, incident_id)
        assert incident is not None
        _audit(session, incident_id, incident.integration_id, "escalated", now)
        tell(
            session,
            incident_id,
            incident.integration_id,
            Event.ESCALATED,
            Audience.CHANNEL,
            Audience.THREAD,
            now=now,
        )
    return len(claimed)


def _answerable(session: Session, actor: Actor, incident_id: int) -> Incident:
    incident = repo.get(session, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident {incident_id}.")
    integration = integration_repo.get(session, incident.integration_id)
    assert integration is not None
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            "Only the owner {owner} or a Patchbay admin can answer this alert.",
            owner=Mention(integration.owner_id),
        )
    return incident


def acknowledge(*, session: Session, actor: Actor, incident_id: int, now: datetime) -> IncidentView:
    """Acknowledge an open incident (owner or admin): it will not be escalated. Once only."""
    incident = _answerable(session, actor, incident_id)
    if repo.acknowledge(session, incident.id, by=actor.user_id, now=now):
        _audit(session, incident.id, incident.integration_id, "acknowledged", now, actor=actor)
        tell(
            session,
            incident.id,
            incident.integration_id,
            Event.ACKNOWLEDGED,
            Audience.THREAD,
            by=actor.user_id,
            now=now,
        )
    return incident_view(session=session, incident_id=incident.id)


def snooze(
    *, session: Session, actor: Actor, incident_id: int, policy: Policy, now: datetime
) -> IncidentView:
    """Snooze an open incident's escalation for the policy's hours (owner or admin)."""
    incident = _answerable(session, actor, incident_id)
    until = now + timedelta(hours=policy.alert_snooze_hours)
    if repo.snooze(session, incident.id, until=until):
        _audit(
            session,
            incident.id,
            incident.integration_id,
            "snoozed",
            now,
            actor=actor,
            until=until.isoformat(),
        )
        tell(
            session,
            incident.id,
            incident.integration_id,
            Event.SNOOZED,
            Audience.THREAD,
            by=actor.user_id,
            now=now,
        )
    return incident_view(session=session, incident_id=incident.id)


def incident_view(*, session: Session, incident_id: int) -> IncidentView:
    incident = repo.get(session, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident {incident_id}.")
    session.refresh(incident)
    integration = integration_repo.get(session, incident.integration_id)
    assert integration is not None
    return IncidentView(
        id=incident.id,
        integration_id=integration.id,
        title=integration.title,
        owner_id=integration.owner_id,
        state=State(integration.state),
        kind=IncidentKind(incident.kind),
        detail=incident.detail,
        opened_at=incident.opened_at,
        acknowledged_by=incident.acknowledged_by,
        snoozed_until=incident.snoozed_until,
        closed_at=incident.closed_at,
    )


def open_incidents(*, session: Session) -> int:
    return repo.open_count(session)
