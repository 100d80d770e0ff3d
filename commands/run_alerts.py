"""The alert check after run reports: which incidents the latest runs open or close.

An error-rate incident opens at `alert_error_rate` over the last `alert_window_runs` runs (at least
`alert_min_runs`) and closes only when the rate falls below half of it, so an integration that flaps
stays in one incident instead of alerting on every run. A record-count incident opens when the newest
count is `alert_records_factor` times above or below the median of the 20 before it. A success closes
a silence incident. With auto-suspend on, a live integration whose runs nearly all failed is
suspended (Zapier's own rule), within a workspace cap.

`check_alerts` reads on the request's connection and decides; it runs after every report and mostly
nothing changes. Only when something does, the caller binds a Session to the same transaction and
calls `apply_alerts`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from commands.actor import SYSTEM
from commands.audit import record_change
from commands.incidents import Audience, Event, IncidentKind, close_incident, open_incident, tell
from commands.lifecycle import Step
from commands.notices import ReasonKind, StepReason
from commands.policy import Policy
from commands.thresholds import thresholds_in_force
from commands.vocabulary import State
from commands.workflow import take_step
from storage.repositories import audit as audit_repo
from storage.repositories import incidents as repo
from storage.repositories import integrations as integration_repo
from storage.repositories import runs as runs_repo
from storage.repositories.incidents import OpenIncident
from storage.repositories.run_intake import Intake

AUTO_SUSPENDED = "integration.auto_suspended"
RECORDS_WINDOW = 21  # the newest count and the 20 it is compared with


class AlertCheck(NamedTuple):
    """What the latest runs of one integration call for."""

    integration_id: int
    opens: tuple[tuple[IncidentKind, dict[str, Any]], ...]
    closes: tuple[OpenIncident, ...]
    may_suspend: bool  # auto-suspend is on and an error-rate incident is (or is being) opened
    workspace: Policy
    policy: Policy

    @property
    def due(self) -> bool:
        return bool(self.opens or self.closes or self.may_suspend)


def check_alerts(*, connection: Connection, intake: Intake, defaults: Policy) -> AlertCheck:
    """Read the integration's last runs (and its open incidents, if any) and decide what changes.

    The integration's own thresholds, where it set any, hold over the workspace's.
    """
    workspace, policy = thresholds_in_force(defaults=defaults, workspace=intake.workspace, own=intake.own)
    latest = runs_repo.last_runs(
        connection, intake.integration_id, limit=max(policy.alert_window_runs, RECORDS_WINDOW)
    )
    open_now = repo.open_of(connection, intake.integration_id) if intake.open_incidents else {}
    opens: list[tuple[IncidentKind, dict[str, Any]]] = []
    closes: list[OpenIncident] = []
    window = latest[: policy.alert_window_runs]
    rate_open = open_now.get(IncidentKind.ERROR_RATE)
    if window:
        errors = sum(1 for status, _ in window if status == "error")
        rate = errors / len(window)
        if rate_open is None and len(window) >= policy.alert_min_runs and rate >= policy.alert_error_rate:
            opens.append((IncidentKind.ERROR_RATE, {"errors": errors, "runs": len(window)}))
        elif rate_open is not None and rate < policy.alert_error_rate / 2:
            closes.append(rate_open)
        silent = open_now.get(IncidentKind.SILENCE)
        if silent is not None and window[0][0] == "success":
            closes.append(silent)
    counts = [records for _, records in latest if records is not None]
    if len(counts) >= policy.alert_min_runs + 1:
        far = _records_far(counts, policy)
        records_open = open_now.get(IncidentKind.RECORDS)
        if far is not None and records_open is None:
            opens.append((IncidentKind.RECORDS, far))
        elif far is None and records_open is not None:
            closes.append(records_open)
    rate_stays_open = rate_open is not None and rate_open not in closes
    opening_rate = any(kind == IncidentKind.ERROR_RATE for kind, _ in opens)
    return AlertCheck(
        integration_id=intake.integration_id,
        opens=tuple(opens),
        closes=tuple(closes),
        may_suspend=policy.auto_suspend and (rate_stays_open or opening_rate),
        workspace=workspace,
        policy=policy,
    )


def _records_far(counts: Sequence[int], policy: Policy) -> dict[str, Any] | None:
    """The newest record count and the median of those before it, when it is far from it; else None."""
    newest, median = counts[0], statistics.median(counts[1:RECORDS_WINDOW])
    factor = policy.alert_records_factor
    if median > 0 and (newest > factor * median or newest * factor < median):
        return {"records": newest, "median": median}
    return None


def apply_alerts(*, session: Session, check: AlertCheck, now: datetime) -> int:
    """Open and close what `check` found, then auto-suspend if the policy says so; how many changed."""
    changed = 0
    for kind, detail in check.opens:
        changed += open_incident(session, check.integration_id, kind, detail, now) is not None
    for incident in check.closes:
        changed += close_incident(session, incident, now)
    if check.may_suspend:
        changed += _auto_suspend(session, check, now)
    return changed


def _auto_suspend(session: Session, check: AlertCheck, now: datetime) -> int:
    """Suspend a live integration whose runs nearly all fail (Zapier's own rule), within a workspace cap."""
    integration_id, policy = check.integration_id, check.policy
    week = runs_repo.sums_after(session, [integration_id], after=now - timedelta(days=7)).get(
        integration_id, {}
    )
    runs, errors = week.get("runs", 0), week.get("errors", 0)
    if runs <= policy.auto_suspend_min_runs or errors < policy.auto_suspend_error_rate * runs:
        return 0
    integration = integration_repo.get(session, integration_id)
    incident = repo.open_of(session.connection(), integration_id).get(IncidentKind.ERROR_RATE)
    if integration is None or integration.state != State.LIVE.value or incident is None:
        return 0
    recent = audit_repo.count_since(session, action=AUTO_SUSPENDED, since=now - timedelta(days=1))
    if recent >= policy.auto_suspend_cap:
        return 0  # the open incident still alerts and escalates; a person decides
    because = StepReason(kind=ReasonKind.RUNS_FAILED, errors=errors, runs=runs)
    take_step(
        session=session,
        actor=SYSTEM,
        integration_id=integration_id,
        step=Step.SUSPEND,
        expected=State.LIVE,
        policy=check.workspace,
        now=now,
        because=because,
    )
    record_change(
        session,
        actor=SYSTEM,
        now=now,
        action=AUTO_SUSPENDED,
        entity_type="integration",
        entity_id=integration_id,
        before={"state": State.LIVE.value},
        after={"state": State.SUSPENDED.value, "reason": because.model_dump(), "incident": incident.id},
    )
    tell(session, incident.id, integration_id, Event.AUTO_SUSPENDED, Audience.OWNER, now=now)
    return 1
