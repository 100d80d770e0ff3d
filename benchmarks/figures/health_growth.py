"""(7) What run health costs as runs pile up: `/patchbay health ID` and the card's health line timed in
this process against one live integration with 10,000 and with 1,000,000 stored runs. Health is read
from the hourly rollups; only the failed-run list touches the raw runs, through an index. The two
databases are seeded with one INSERT ... SELECT each and timed call by call in turn."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from benchmarks.lab import Lab
from benchmarks.registry import Row, figure
from benchmarks.seed import settle
from commands.durations import bucket_of
from commands.policy import Policy
from commands.proposal_card import show_integration
from commands.run_health import health_of
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.models import Integration

SIZES = (10_000, 1_000_000)
CALLS = 300
TARGET_GROWTH = 1.2
WARMUP = 20
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOURS = 30 * 24


RUN_COLUMNS = (
    "integration_id, run_id, status, started_at, finished_at, duration_ms, records, error, "
    "source_event_at, received_at, hour, duration_bucket"
)
# One INSERT ... SELECT over a generated series: the database writes the runs itself (and its trigger
# counts them into the rollups), so a million of them take seconds, not the minutes a million bound
# rows would.
SQLITE_RUNS = f"""
WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < :total - 1),
at(x, finished) AS (
    SELECT x, :first + (x / :per_hour) * 3600 + (x % :per_hour) * 3600 / :per_hour FROM n
)
INSERT INTO runs ({RUN_COLUMNS})
SELECT 1, 'run-' || x, CASE WHEN x % 10 = 0 THEN 'error' ELSE 'success' END,
       strftime('%Y-%m-%d %H:%M:%S', finished - 4, 'unixepoch') || '.000000',
       strftime('%Y-%m-%d %H:%M:%S', finished, 'unixepoch') || '.000000',
       4000, 10, CASE WHEN x % 10 = 0 THEN 'HubSpot answered 429' ELSE '' END, NULL,
       strftime('%Y-%m-%d %H:%M:%S', finished, 'unixepoch') || '.000000',
       strftime('%Y-%m-%d %H:00:00', finished, 'unixepoch') || '.000000', :bucket
FROM at
"""
POSTGRES_RUNS = f"""
INSERT INTO runs ({RUN_COLUMNS})
SELECT 1, 'run-' || x, CASE WHEN x % 10 = 0 THEN 'error' ELSE 'success' END,
       to_timestamp(finished - 4), to_timestamp(finished),
       4000, 10, CASE WHEN x % 10 = 0 THEN 'HubSpot answered 429' ELSE '' END, NULL, to_timestamp(finished),
       date_trunc('hour', to_timestamp(finished), 'UTC'), :bucket
FROM (
    SELECT x, :first + (x / :per_hour) * 3600 + (x % :per_hour) * 3600 / :per_hour AS finished
    FROM generate_series(0, :total - 1) AS x
) AS at
"""


def _seed(url: str, runs: int) -> None:
    """`runs` runs of integration 1 spread over the last 30 days, one in ten failed (the database
    counts them into the rollups as they are inserted)."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    per_hour = runs // HOURS
    first = int((NOW - timedelta(hours=HOURS)).timestamp())
    runs_sql = POSTGRES_RUNS if engine.dialect.name == "postgresql" else SQLITE_RUNS
    with session_scope(sessions) as session:
        session.execute(update(Integration).where(Integration.id == 1).values(state="live", live_at=NOW))
        session.execute(
            text(runs_sql),
            {"total": per_hour * HOURS, "per_hour": per_hour, "first": first, "bucket": bucket_of(4000)},
        )
    settle(engine)
    engine.dispose()


CASES: dict[str, Callable[[Session], object]] = {
    "health ID": lambda session: health_of(session=session, integration_id=1, now=NOW, failed=True),
    "card": lambda session: (
        show_integration(session=session, integration_id=1, policy=Policy()),
        health_of(session=session, integration_id=1, now=NOW),
    ),
}


def _measure(urls: dict[int, str]) -> dict[int, dict[str, tuple[float, float]]]:
    """(median, p99) of each case on each database, the sizes taking turns call by call, so the
    noise of a shared machine falls on both alike."""
    engines = {runs: make_engine(url) for runs, url in urls.items()}
    sessions = {runs: make_sessionmaker(engine) for runs, engine in engines.items()}
    found: dict[int, dict[str, tuple[float, float]]] = {runs: {} for runs in urls}
    for name, case in CASES.items():
        timings: dict[int, list[float]] = {runs: [] for runs in urls}
        for call in range(WARMUP + CALLS):
            order = list(urls) if call % 2 else list(reversed(urls))
            for runs in order:
                started = time.perf_counter()
                with session_scope(sessions[runs]) as session:
                    case(session)
                timings[runs].append((time.perf_counter() - started) * 1000)
        for runs, taken in timings.items():
            measured = sorted(taken[WARMUP:])
            found[runs][name] = (statistics.median(measured), measured[int(len(measured) * 0.99) - 1])
    for engine in engines.values():
        engine.dispose()
    return found


@figure("health-growth", "/patchbay health ID and the card at 10,000 vs 1,000,000 stored runs")
def health_growth(lab: Lab) -> list[Row]:
    urls, seeded = {}, {}
    for i, runs in enumerate(SIZES):
        urls[runs] = lab.database(tools=2 + i, proposals=1)  # a database of its own per size
        started = time.perf_counter()
        _seed(urls[runs], runs)
        seeded[runs] = time.perf_counter() - started
    measured = _measure(urls)
    rows = [
        Row(f"{name}, {runs:,} runs", metric, value, "ms", f"{lab.backend}, in process, {CALLS} calls")
        for runs in SIZES
        for name, (median, p99) in measured[runs].items()
        for metric, value in (("median", median), ("p99", p99))
    ]
    for name in measured[SIZES[0]]:
        small, large = measured[SIZES[0]][name], measured[SIZES[1]][name]
        verdict = "met" if large[1] / small[1] <= TARGET_GROWTH else "NOT met"
        rows += [
            Row(f"{name}: 1,000,000 / 10,000", "median growth", large[0] / small[0], "x"),
            Row(
                f"{name}: 1,000,000 / 10,000",
                "p99 growth",
                large[1] / small[1],
                "x",
                f"target <= {TARGET_GROWTH}x: {verdict}",
            ),
        ]
    rows += [
        Row(f"seeding {runs:,} runs", "duration", seconds, "s", "runs, rollups and statistics")
        for runs, seconds in seeded.items()
    ]
    return rows
