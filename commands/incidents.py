"""Run-health incidents: opened once when a threshold is crossed, closed once on recovery.

Thresholds come from the Policy. An error-rate incident opens at `alert_error_rate` over the last
`alert_window_runs` runs (at least `alert_min_runs`) and closes only when the rate falls below half
of it, so an integration that flaps stays in one incident instead of alerting on every run.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import SYSTEM, Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed, NotFound
from commands.lifecycle import Step
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.thresholds import effective_policy, expected_interval, policy_for
from commands.vocabulary import State
from commands.workflow import take_step
from storage.models import Incident
from storage.repositories import audit as audit_repo
from storage.repositories import incidents as repo
from storage.repositories import integrations as integration_repo
from storage.repositories import runs as runs_repo
from storage.repositories import thresholds as thresholds_repo

AUTO_SUSPENDED = "integration.auto_suspended"


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


def _tell(
    session: Session,
    incident_id: int,
    integration_id: int,
    event: Event,
    *to: Audience,
    by: str = "",
    now: datetime,
) -> None:
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


def _open(
    session: Session, integration_id: int, kind: IncidentKind, detail: dict[str, Any], now: datetime
) -> int | None:
    incident_id = repo.open_once(
        session, integration_id=integration_id, kind=kind.value, detail=detail, now=now
    )
    if incident_id is not None:
        _audit(session, incident_id, integration_id, "opened", now, kind=kind.value, **detail)
        _tell(session, incident_id, integration_id, Event.OPENED, Audience.THREAD, Audience.OWNER, now=now)
    return incident_id


def _close(session: Session, incident: Incident, now: datetime) -> bool:
    if not repo.close(session, incident.id, now=now):
        return False
    _audit(session, incident.id, incident.integration_id, "closed", now, kind=incident.kind)
    _tell(
        session,
        incident.id,
        incident.integration_id,
        Event.RECOVERED,
        Audience.THREAD,
        Audience.OWNER,
        now=now,
    )
    return True


def check_runs(*, session: Session, integration_id: int, policy: Policy, now: datetime) -> int:
    """Open or close error-rate and record-count incidents from the latest runs; how many changed.

    The integration's own thresholds, where it set any, hold over the workspace's.
    """
    workspace, policy = policy, policy_for(session, integration_id, policy)
    latest = runs_repo.last_runs(session, integration_id, limit=max(policy.alert_window_runs, 21))
    window = latest[: policy.alert_window_runs]
    open_now = repo.open_of(session, integration_id)
    changed = 0
    if window:
        errors = sum(1 for status, _ in window if status == "error")
        rate = errors / len(window)
        open_rate = open_now.get(IncidentKind.ERROR_RATE)
        if open_rate is None and len(window) >= policy.alert_min_runs and rate >= policy.alert_error_rate:
            detail = {"errors": errors, "runs": len(window)}
            changed += _open(session, integration_id, IncidentKind.ERROR_RATE, detail, now) is not None
        elif open_rate is not None and rate < policy.alert_error_rate / 2:
            changed += _close(session, open_rate, now)
        silent = open_now.get(IncidentKind.SILENCE)
        if silent is not None and window[0][0] == "success":
            changed += _close(session, silent, now)
    changed += _check_records(
        session, integration_id, latest, open_now.get(IncidentKind.RECORDS), policy, now
    )
    if policy.auto_suspend:
        changed += _auto_suspend(session, integration_id, policy, workspace, now)
    return changed


def _auto_suspend(
    session: Session, integration_id: int, policy: Policy, workspace: Policy, now: datetime
) -> int:
    """Suspend a live integration whose runs nearly all fail (Zapier's own rule), within a workspace cap."""
    week = runs_repo.sums_after(session, [integration_id], after=now - timedelta(days=7)).get(
        integration_id, {}
    )
    runs, errors = week.get("runs", 0), week.get("errors", 0)
    if runs <= policy.auto_suspend_min_runs or errors < policy.auto_suspend_error_rate * runs:
        return 0
    integration = integration_repo.get(session, integration_id)
    incident = repo.open_of(session, integration_id).get(IncidentKind.ERROR_RATE)
    if integration is None or integration.state != State.LIVE.value or incident is None:
        return 0
    recent = audit_repo.count_since(session, action=AUTO_SUSPENDED, since=now - timedelta(days=1))
    if recent >= policy.auto_suspend_cap:
        return 0  # the open incident still alerts and escalates; a person decides
    note = f"Suspended by Patchbay: {errors} of {runs} runs failed in the last 7 days."
    take_step(
        session=session,
        actor=SYSTEM,
        integration_id=integration_id,
        step=Step.SUSPEND,
        expected=State.LIVE,
        policy=workspace,
        now=now,
        reason=note,
    )
    record_change(
        session,
        actor=SYSTEM,
        now=now,
        action=AUTO_SUSPENDED,
        entity_type="integration",
        entity_id=integration_id,
        before={"state": State.LIVE.value},
        after={"state": State.SUSPENDED.value, "errors": errors, "runs": runs, "incident": incident.id},
        note=note,
    )
    _tell(session, incident.id, integration_id, Event.AUTO_SUSPENDED, Audience.OWNER, now=now)
    return 1


def _check_records(
    session: Session,
    integration_id: int,
    latest: Sequence[tuple[str, int | None]],
    open_records: Incident | None,
    policy: Policy,
    now: datetime,
) -> int:
    counts = [records for _, records in latest if records is not None]
    if len(counts) < policy.alert_min_runs + 1:
        return 0
    newest, median = counts[0], statistics.median(counts[1:21])
    factor = policy.alert_records_factor
    far = median > 0 and (newest > factor * median or newest * factor < median)
    if far and open_records is None:
        return (
            _open(session, integration_id, IncidentKind.RECORDS, {"records": newest, "median": median}, now)
            is not None
        )
    if not far and open_records is not None:
        return int(_close(session, open_records, now))
    return 0


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
            opened += _open(session, integration.id, IncidentKind.SILENCE, detail, now) is not None
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
        _tell(
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
        _tell(
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
        _tell(
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
