"""The database counts each stored run into its hourly rollups (the trigger of migration 0012), on
SQLite and PostgreSQL alike: only rows actually inserted count, so a run sent twice counts once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from commands.durations import bucket_of
from storage.models import RunDuration, RunHour
from storage.repositories import runs as repo
from tests.storage.rows import NOW, integration

HOUR = NOW.replace(minute=0)


def _run(integration_id: int, run_id: str, status: str, *, minute: int, **extra: Any) -> dict[str, Any]:
    finished = HOUR + timedelta(minutes=minute)
    duration_ms = extra.pop("duration_ms", 4000)
    return {
        "integration_id": integration_id,
        "run_id": run_id,
        "status": status,
        "started_at": finished - timedelta(milliseconds=duration_ms),
        "finished_at": finished,
        "duration_ms": duration_ms,
        "records": None,
        "error": "",
        "source_event_at": None,
        "received_at": NOW,
        "hour": finished.replace(minute=0),
        "duration_bucket": bucket_of(duration_ms),
        "lag_seconds": None,
        **extra,
    }


def _hours(db: Session, integration_id: int) -> dict[Any, dict[str, Any]]:
    rows = db.scalars(select(RunHour).where(RunHour.integration_id == integration_id)).all()
    found = {}
    for row in rows:
        db.refresh(row)
        found[row.hour] = {name: getattr(row, name) for name in (*repo.SUMMED, "last_success_at")}
    return found


def _durations(db: Session, integration_id: int) -> dict[tuple[Any, int], int]:
    query = select(RunDuration.hour, RunDuration.bucket, RunDuration.runs).where(
        RunDuration.integration_id == integration_id
    )
    return {(hour, bucket): runs for hour, bucket, runs in db.execute(query)}


def test_a_batch_is_counted_into_each_hour_it_spans(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    rows = [
        _run(live, "a", "success", minute=5, records=10, lag_seconds=30),
        _run(live, "b", "error", minute=20, records=None),
        _run(live, "c", "success", minute=40, records=4, duration_ms=250),
        _run(live, "d", "partial", minute=65, records=7, lag_seconds=5),
    ]

    assert repo.insert_new(db.connection(), rows) == 4

    later = HOUR + timedelta(hours=1)
    assert _hours(db, live) == {
        HOUR: {
            "runs": 3,
            "successes": 2,
            "errors": 1,
            "partials": 0,
            "records": 14,
            "counted_runs": 2,
            "lag_seconds": 30,
            "lagged_runs": 1,
            "last_success_at": HOUR + timedelta(minutes=40),
        },
        later: {
            "runs": 1,
            "successes": 0,
            "errors": 0,
            "partials": 1,
            "records": 7,
            "counted_runs": 1,
            "lag_seconds": 5,
            "lagged_runs": 1,
            "last_success_at": None,
        },
    }
    assert _durations(db, live) == {
        (HOUR, bucket_of(4000)): 2,
        (HOUR, bucket_of(250)): 1,
        (later, bucket_of(4000)): 1,
    }


def test_a_run_sent_again_is_not_counted_again_and_new_runs_add_to_the_hour(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    first = [_run(live, "a", "success", minute=30, records=10), _run(live, "b", "error", minute=31)]
    assert repo.insert_new(db.connection(), first) == 2

    again = [*first, _run(live, "c", "success", minute=10, records=2)]
    assert repo.insert_new(db.connection(), again) == 1
    assert repo.insert_new(db.connection(), again) == 0

    [hour] = _hours(db, live).values()
    assert (hour["runs"], hour["successes"], hour["errors"], hour["records"]) == (3, 2, 1, 12)
    # An earlier success arriving later keeps the latest one.
    assert hour["last_success_at"] == HOUR + timedelta(minutes=30)
    assert _durations(db, live) == {(HOUR, bucket_of(4000)): 3}


def test_each_integration_is_counted_on_its_own(db: Session) -> None:
    one = integration(db, score=3, payback=None, state="live").id
    two = integration(db, score=3, payback=None, state="live").id
    repo.insert_new(db.connection(), [_run(one, "same-id", "success", minute=1)])
    repo.insert_new(db.connection(), [_run(two, "same-id", "error", minute=1)])

    assert _hours(db, one)[HOUR]["successes"] == 1
    assert _hours(db, two)[HOUR]["errors"] == 1


def test_the_trigger_is_there_after_migrating(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        query = "SELECT count(*) FROM pg_trigger WHERE tgname = 'runs_count_in_rollups'"
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'runs_count_in_rollups'"
    assert db.execute(text(query)).scalar() == 1
