"""(7) What run health costs as runs pile up: `/patchbay health ID` and the card's health line timed in
this process against one live integration with 10,000 and with 1,000,000 stored runs. Health is read
from the hourly rollups; only the failed-run list touches the raw runs, through an index."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure
from commands.durations import bucket_of
from commands.policy import Policy
from commands.proposal_card import show_integration
from commands.run_health import health_of
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.models import Integration, Run, RunDuration, RunHour

SIZES = (10_000, 1_000_000)
CALLS = 300
WARMUP = 20
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOURS = 30 * 24
CHUNK = 20_000


def _seed(url: str, runs: int) -> None:
    """`runs` runs of integration 1 spread over the last 30 days, one in ten failed, with their rollups."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    per_hour = runs // HOURS
    with session_scope(sessions) as session:
        session.execute(update(Integration).where(Integration.id == 1).values(state="live", live_at=NOW))
    rows: list[dict[str, Any]] = []
    for n in range(per_hour * HOURS):
        hour = NOW - timedelta(hours=HOURS - n // per_hour)
        finished = hour + timedelta(seconds=(n % per_hour) * 3600 // per_hour)
        failed = n % 10 == 0
        rows.append(
            {
                "integration_id": 1,
                "run_id": f"run-{n}",
                "status": "error" if failed else "success",
                "started_at": finished - timedelta(seconds=4),
                "finished_at": finished,
                "duration_ms": 4000,
                "records": 10,
                "error": "HubSpot answered 429" if failed else "",
                "source_event_at": None,
                "received_at": finished,
            }
        )
        if len(rows) == CHUNK:
            with session_scope(sessions) as session:
                session.execute(insert(Run), rows)
            rows = []
    with session_scope(sessions) as session:
        if rows:
            session.execute(insert(Run), rows)
        errors = per_hour // 10 + (1 if per_hour % 10 else 0)
        hours = [NOW - timedelta(hours=HOURS - h) for h in range(HOURS)]
        session.execute(
            insert(RunHour),
            [
                {
                    "integration_id": 1,
                    "hour": hour,
                    "runs": per_hour,
                    "successes": per_hour - errors,
                    "errors": errors,
                    "partials": 0,
                    "records": 10 * per_hour,
                    "counted_runs": per_hour,
                    "lag_seconds": 0,
                    "lagged_runs": 0,
                    "last_success_at": hour + timedelta(minutes=59),
                }
                for hour in hours
            ],
        )
        session.execute(
            insert(RunDuration),
            [
                {"integration_id": 1, "hour": hour, "bucket": bucket_of(4000), "runs": per_hour}
                for hour in hours
            ],
        )
    engine.dispose()


def _measure(url: str) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    cases: dict[str, Callable[[Session], object]] = {
        "health ID": lambda session: health_of(session=session, integration_id=1, now=NOW, failed=True),
        "card": lambda session: (
            show_integration(session=session, integration_id=1, policy=Policy()),
            health_of(session=session, integration_id=1, now=NOW),
        ),
    }
    found = {}
    for name, case in cases.items():
        timings = []
        for _ in range(WARMUP + CALLS):
            started = time.perf_counter()
            with session_scope(sessions) as session:
                case(session)
            timings.append((time.perf_counter() - started) * 1000)
        measured = sorted(timings[WARMUP:])
        found[name] = (statistics.median(measured), measured[int(len(measured) * 0.99) - 1])
    engine.dispose()
    return found


@figure("health-growth", "/patchbay health ID and the card at 10,000 vs 1,000,000 stored runs")
def health_growth(lab: Lab) -> list[Row]:
    measured = {}
    for i, runs in enumerate(SIZES):
        url = lab.database(tools=2 + i, proposals=1)  # a database of its own per size
        _seed(url, runs)
        measured[runs] = _measure(url)
    rows = [
        Row(f"{name}, {runs:,} runs", metric, value, "ms", f"{lab.backend}, in process")
        for runs in SIZES
        for name, (median, p99) in measured[runs].items()
        for metric, value in (("median", median), ("p99", p99))
    ]
    for name in measured[SIZES[0]]:
        growth = measured[SIZES[1]][name][1] / measured[SIZES[0]][name][1]
        rows.append(Row(f"{name}: 1,000,000 / 10,000", "p99 growth", growth, "x", "target at most 1.2x"))
    return rows
