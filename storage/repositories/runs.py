"""Reported runs and their hourly rollups. Functions flush; the caller commits.

Every write is insert-or-ignore on a unique key followed by atomic increments, so the same run
arriving on several replicas at once is stored and counted exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Run, RunDuration, RunHour


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]) -> Any:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(rows).on_conflict_do_nothing(index_elements=keys)


def insert_new(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the runs whose (integration_id, run_id) is new; return the ones inserted."""
    if not rows:
        return []
    ordered = sorted(rows, key=lambda row: row["run_id"])
    statement = insert_ignore(session, Run, ordered, ["integration_id", "run_id"]).returning(Run.run_id)
    inserted = set(session.execute(statement).scalars().all())
    session.flush()
    return [row for row in ordered if row["run_id"] in inserted]


def add_to_hour(
    session: Session,
    *,
    integration_id: int,
    hour: datetime,
    counts: dict[str, int],
    last_success_at: datetime | None,
) -> None:
    """Add `counts` (runs, successes, errors, partials, records, ...) to one hour's rollup."""
    key = {"integration_id": integration_id, "hour": hour}
    zeros = {name: 0 for name in counts}
    session.execute(insert_ignore(session, RunHour, [{**key, **zeros}], ["integration_id", "hour"]))
    values: dict[str, Any] = {name: getattr(RunHour, name) + amount for name, amount in counts.items()}
    if last_success_at is not None:
        values["last_success_at"] = case(
            (RunHour.last_success_at.is_(None), last_success_at),
            (RunHour.last_success_at < last_success_at, last_success_at),
            else_=RunHour.last_success_at,
        )
    session.execute(
        update(RunHour)
        .where(RunHour.integration_id == integration_id, RunHour.hour == hour)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def add_durations(session: Session, *, integration_id: int, hour: datetime, buckets: dict[int, int]) -> None:
    """Add run counts to one hour's duration histogram."""
    for bucket, runs in sorted(buckets.items()):
        key = {"integration_id": integration_id, "hour": hour, "bucket": bucket}
        session.execute(
            insert_ignore(session, RunDuration, [{**key, "runs": 0}], ["integration_id", "hour", "bucket"])
        )
        session.execute(
            update(RunDuration)
            .where(
                RunDuration.integration_id == integration_id,
                RunDuration.hour == hour,
                RunDuration.bucket == bucket,
            )
            .values(runs=RunDuration.runs + runs)
            .execution_options(synchronize_session=False)
        )
    session.flush()


SUMMED = ("runs", "successes", "errors", "partials", "records", "counted_runs", "lag_seconds", "lagged_runs")


def sums_after(
    session: Session, integration_ids: Sequence[int], *, after: datetime
) -> dict[int, dict[str, int]]:
    """Each integration's rollup totals over the hours after `after` (one grouped query)."""
    if not integration_ids:
        return {}
    columns = [func.sum(getattr(RunHour, name)) for name in SUMMED]
    query = (
        select(RunHour.integration_id, *columns)
        .where(RunHour.integration_id.in_(list(integration_ids)), RunHour.hour > after)
        .group_by(RunHour.integration_id)
    )
    return {
        int(row[0]): {name: int(value or 0) for name, value in zip(SUMMED, row[1:], strict=True)}
        for row in session.execute(query)
    }


def hourly_outcomes(
    session: Session, integration_ids: Sequence[int], *, since: datetime
) -> list[tuple[int, datetime, int, int]]:
    """(integration id, hour, runs, successes) from `since` on, as plain tuples."""
    if not integration_ids:
        return []
    query = select(RunHour.integration_id, RunHour.hour, RunHour.runs, RunHour.successes).where(
        RunHour.integration_id.in_(list(integration_ids)), RunHour.hour >= since
    )
    return [(int(i), hour, int(runs), int(ok)) for i, hour, runs, ok in session.execute(query)]


def durations_of(session: Session, integration_id: int, *, since: datetime) -> dict[int, int]:
    """The duration histogram of one integration from `since` on: bucket -> runs."""
    query = (
        select(RunDuration.bucket, func.sum(RunDuration.runs))
        .where(RunDuration.integration_id == integration_id, RunDuration.hour >= since)
        .group_by(RunDuration.bucket)
    )
    return {int(bucket): int(runs) for bucket, runs in session.execute(query)}


def last_success(session: Session, integration_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these integrations last succeeded, from the rollups (kept for good)."""
    if not integration_ids:
        return {}
    query = (
        select(RunHour.integration_id, func.max(RunHour.last_success_at))
        .where(RunHour.integration_id.in_(list(integration_ids)))
        .group_by(RunHour.integration_id)
    )
    found: dict[int, datetime] = {}
    for integration_id, at in session.execute(query):
        if at is not None:
            found[int(integration_id)] = at
    return found


def recent(session: Session, integration_id: int, *, limit: int, failed_only: bool = False) -> Sequence[Run]:
    """The integration's most recent raw runs, newest first."""
    query = select(Run).where(Run.integration_id == integration_id)
    if failed_only:
        query = query.where(Run.status != "success")
    return session.scalars(query.order_by(Run.finished_at.desc(), Run.id.desc()).limit(limit)).all()


def prune(session: Session, *, before: datetime) -> int:
    """Delete raw runs received before `before`; the rollups stay. How many were deleted."""
    statement = delete(Run).where(Run.received_at < before).execution_options(synchronize_session=False)
    result = session.execute(statement)
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]


def last_runs(session: Session, integration_id: int, *, limit: int) -> Sequence[tuple[str, int | None]]:
    """(status, records) of the integration's last `limit` runs, newest first."""
    query = (
        select(Run.status, Run.records)
        .where(Run.integration_id == integration_id)
        .order_by(Run.finished_at.desc(), Run.id.desc())
        .limit(limit)
    )
    return [(str(status), records) for status, records in session.execute(query)]


def last_finished(session: Session, integration_id: int) -> datetime | None:
    """When the integration's newest stored run finished."""
    return session.scalar(select(func.max(Run.finished_at)).where(Run.integration_id == integration_id))
