"""Reported runs and their hourly rollups. Functions flush; the caller commits.

A run is inserted "or ignored" on its unique key, and the database adds each row actually inserted
to the rollups (a trigger on `runs`, migration 0012: an atomic upsert per hour), so the same run
arriving on several replicas at once is stored and counted exactly once. What every run report
sends (storing the runs, reading the last runs) takes the request's Core connection.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Run, RunDuration, RunHour


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]) -> Any:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, on SQLite and PostgreSQL."""
    return _dialect(session).insert(model).values(rows).on_conflict_do_nothing(index_elements=keys)


def _dialect(bind: Session | Connection) -> Any:
    name = bind.dialect.name if isinstance(bind, Connection) else bind.get_bind().dialect.name
    return postgresql if name == "postgresql" else sqlite


# The insert every POST /runs sends is written once (per dialect) and sent with one parameter set per
# row (executemany) on the request's connection: SQLAlchemy compiles it once per process, and no ORM
# machinery runs for rows that are never loaded as objects.
@functools.cache
def _new_runs(dialect: Any) -> Any:
    return (
        dialect.insert(Run.__table__)
        .on_conflict_do_nothing(index_elements=["integration_id", "run_id"])
        .execution_options(preserve_rowcount=True)
    )


def insert_new(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert the runs whose (integration_id, run_id) is new (the rollups count each one inserted);
    how many were inserted. Rows go in run id order, so concurrent batches take locks alike."""
    if not rows:
        return 0
    ordered = sorted(rows, key=lambda row: row["run_id"])
    result = connection.execute(_new_runs(_dialect(connection)), ordered[0] if len(ordered) == 1 else ordered)
    return int(result.rowcount)


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


_LAST_RUNS = (
    select(Run.status, Run.records)
    .where(Run.integration_id == bindparam("integration_id"))
    .order_by(Run.finished_at.desc(), Run.id.desc())
    .limit(bindparam("limit"))
)


def last_runs(connection: Connection, integration_id: int, *, limit: int) -> Sequence[tuple[str, int | None]]:
    """(status, records) of the integration's last `limit` runs, newest first (after every report)."""
    return connection.execute(_LAST_RUNS, {"integration_id": integration_id, "limit": limit}).all()


def last_finished(session: Session, integration_id: int) -> datetime | None:
    """When the integration's newest stored run finished."""
    return session.scalar(select(func.max(Run.finished_at)).where(Run.integration_id == integration_id))
