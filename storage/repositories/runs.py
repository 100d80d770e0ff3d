"""Reported runs and their hourly rollups. Functions flush; the caller commits.

A run is inserted "or ignored" on its unique key, and only the runs actually inserted are added to
the rollups, each hour by one atomic upsert (insert, or add to the row there), so the same run
arriving on several replicas at once is stored and counted exactly once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Run, RunDuration, RunHour


def insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]], keys: list[str]) -> Any:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, on SQLite and PostgreSQL."""
    return _dialect(session).insert(model).values(rows).on_conflict_do_nothing(index_elements=keys)


def _dialect(session: Session) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


# The statements every POST /runs sends are written once (per dialect) and sent with one parameter
# set per row (executemany) on the session's connection: SQLAlchemy compiles each once per process,
# and no ORM machinery runs for rows that are never loaded as objects.
@functools.cache
def _new_runs(dialect: Any) -> Any:
    runs = Run.__table__
    return (
        dialect.insert(runs)
        .on_conflict_do_nothing(index_elements=["integration_id", "run_id"])
        .returning(runs.c.run_id)
    )


@functools.cache
def _hour_upsert(dialect: Any) -> Any:
    hours = RunHour.__table__
    statement = dialect.insert(hours)
    new = statement.excluded
    later = or_(hours.c.last_success_at.is_(None), hours.c.last_success_at < new.last_success_at)
    return statement.on_conflict_do_update(
        index_elements=["integration_id", "hour"],
        set_={
            **{name: hours.c[name] + new[name] for name in SUMMED},
            "last_success_at": case((later, new.last_success_at), else_=hours.c.last_success_at),
        },
    )


@functools.cache
def _duration_upsert(dialect: Any) -> Any:
    durations = RunDuration.__table__
    statement = dialect.insert(durations)
    return statement.on_conflict_do_update(
        index_elements=["integration_id", "hour", "bucket"],
        set_={"runs": durations.c.runs + statement.excluded.runs},
    )


def insert_new(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the runs whose (integration_id, run_id) is new; return the ones inserted."""
    if not rows:
        return []
    ordered = sorted(rows, key=lambda row: row["run_id"])
    inserted = set(session.connection().execute(_new_runs(_dialect(session)), ordered).scalars().all())
    return [row for row in ordered if row["run_id"] in inserted]


def add_to_hours(session: Session, *, integration_id: int, hours: list[dict[str, Any]]) -> None:
    """Add each hour's counts (`hour`, every name in SUMMED, `last_success_at` or None) to its rollup,
    creating the hour's row if it has none: one atomic upsert per hour, in one statement."""
    if hours:
        rows = [{"integration_id": integration_id, **hour} for hour in sorted(hours, key=lambda h: h["hour"])]
        session.connection().execute(_hour_upsert(_dialect(session)), rows)


def add_durations(session: Session, *, integration_id: int, buckets: dict[tuple[datetime, int], int]) -> None:
    """Add run counts to the duration histograms: (hour, bucket) -> runs."""
    if buckets:
        rows = [
            {"integration_id": integration_id, "hour": hour, "bucket": bucket, "runs": runs}
            for (hour, bucket), runs in sorted(buckets.items())
        ]
        session.connection().execute(_duration_upsert(_dialect(session)), rows)


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


def last_runs(session: Session, integration_id: int, *, limit: int) -> Sequence[tuple[str, int | None]]:
    """(status, records) of the integration's last `limit` runs, newest first (after every report)."""
    rows = session.connection().execute(_LAST_RUNS, {"integration_id": integration_id, "limit": limit})
    return [(str(status), records) for status, records in rows]


def last_finished(session: Session, integration_id: int) -> datetime | None:
    """When the integration's newest stored run finished."""
    return session.scalar(select(func.max(Run.finished_at)).where(Run.integration_id == integration_id))
