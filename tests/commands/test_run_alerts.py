"""The alert check after run reports, on a real database: what the latest runs open or close, under
the workspace's thresholds or the integration's own, and that applying it acts once."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.incidents import IncidentKind
from commands.policy import Policy
from commands.run_alerts import AlertCheck, apply_alerts, check_alerts
from commands.run_reports import RunReport, RunStatus, ingest_runs
from commands.run_tokens import intake_of
from storage.models import Incident, IntegrationThresholds, Outbox, WorkspacePolicy
from storage.repositories.policy import ROW
from tests.storage.rows import NOW, integration

DEFAULTS = Policy()
_serial = count(1)


def _report(db: Session, integration_id: int, *statuses: str, records: int | None = None) -> None:
    reports = []
    for status in statuses:
        n = next(_serial)
        finished = NOW + timedelta(seconds=n)
        reports.append(
            RunReport(
                run_id=f"run-{n}",
                status=RunStatus(status),
                started_at=finished - timedelta(seconds=2),
                finished_at=finished,
                records=records,
            )
        )
    ingest_runs(connection=db.connection(), integration_id=integration_id, reports=reports, now=NOW)


def _check(db: Session, integration_id: int, defaults: Policy = DEFAULTS) -> AlertCheck:
    intake = intake_of(connection=db.connection(), integration_id=integration_id)
    return check_alerts(connection=db.connection(), intake=intake, defaults=defaults)


def _open_kinds(db: Session, integration_id: int) -> list[str]:
    query = select(Incident.kind).where(
        Incident.integration_id == integration_id, Incident.closed_at.is_(None)
    )
    return sorted(db.scalars(query))


def test_errors_below_the_minimum_of_runs_do_not_alert_and_the_run_that_reaches_it_does(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _report(db, live, "error", "error", "error", "error")
    assert not _check(db, live).due

    _report(db, live, "success")  # 4 of 5 failed: the window is now long enough to judge

    check = _check(db, live)
    assert check.opens == ((IncidentKind.ERROR_RATE, {"errors": 4, "runs": 5}),)
    assert not check.may_suspend


def test_a_healthy_integration_has_nothing_due(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _report(db, live, *(["success"] * 9), "error")
    assert not _check(db, live).due


def test_applying_opens_once_and_owes_the_thread_and_the_owner(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _report(db, live, *(["error"] * 5))
    check = _check(db, live)

    assert apply_alerts(session=db, check=check, now=NOW) == 1
    assert apply_alerts(session=db, check=check, now=NOW) == 0  # another replica's check, a moment later

    assert _open_kinds(db, live) == ["error_rate"]
    assert len(db.scalars(select(Outbox).where(Outbox.integration_id == live)).all()) == 2
    assert not _check(db, live).due  # still failing: the open incident stays, nothing new


def test_an_error_rate_incident_closes_only_below_half_the_threshold(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _report(db, live, *(["error"] * 5))
    apply_alerts(session=db, check=_check(db, live), now=NOW)

    _report(db, live, *(["success"] * 12))  # 5 of 17: 29%, still at or over 10%
    assert not _check(db, live).due
    _report(db, live, *(["success"] * 14))  # the last 20 hold no error

    check = _check(db, live)
    assert [incident.kind for incident in check.closes] == ["error_rate"]
    assert apply_alerts(session=db, check=check, now=NOW) == 1
    assert _open_kinds(db, live) == []


def test_a_record_count_far_from_the_median_opens_and_a_normal_one_closes(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    for _ in range(6):
        _report(db, live, "success", records=100)
    _report(db, live, "success", records=5000)

    check = _check(db, live)
    assert check.opens == ((IncidentKind.RECORDS, {"records": 5000, "median": 100}),)
    apply_alerts(session=db, check=check, now=NOW)

    _report(db, live, "success", records=120)
    assert [incident.kind for incident in _check(db, live).closes] == ["records"]


def test_the_integrations_own_thresholds_hold_over_the_workspaces(db: Session) -> None:
    strict = integration(db, score=3, payback=None, state="live").id
    lenient = integration(db, score=3, payback=None, state="live").id
    db.add(WorkspacePolicy(id=ROW, overrides={"alert_min_runs": 3}, updated_at=NOW, updated_by="U0ALICE01"))
    db.add(
        IntegrationThresholds(
            integration_id=lenient,
            overrides={"alert_error_rate": 0.9, "auto_suspend": True},
            updated_at=NOW,
            updated_by="U0BOB0002",
        )
    )
    db.flush()
    for live in (strict, lenient):
        _report(db, live, "error", "error", "success")

    assert _check(db, strict).opens == ((IncidentKind.ERROR_RATE, {"errors": 2, "runs": 3}),)
    held = _check(db, lenient)
    assert not held.due
    own = held.policy
    assert (own.alert_error_rate, own.alert_min_runs, own.auto_suspend) == (0.9, 3, True)
    assert held.workspace.alert_error_rate == DEFAULTS.alert_error_rate

    _report(db, lenient, *(["error"] * 7))  # 9 of 10: at its own 90%
    assert _check(db, lenient).may_suspend
