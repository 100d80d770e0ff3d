"""Run health read-model: figures from the hourly rollups, failed runs from the recent raw runs.

Duration percentiles come from the rollups' log-scale histograms (commands/durations.py), so a
card costs the same with ten runs or ten million.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.durations import percentile
from commands.integrations import get_integration
from commands.vocabulary import State
from storage.models import Integration
from storage.repositories import integrations as integration_repo
from storage.repositories import runs as repo

WINDOW_HOURS = (24, 7 * 24, 30 * 24)
SPARK_DAYS = 14
FAILED_SHOWN = 10
WATCHED = (State.LIVE, State.SUSPENDED)


class Figures(BaseModel):
    """Runs over one window, counted from the rollups."""

    hours: int
    runs: int = 0
    successes: int = 0
    errors: int = 0
    partials: int = 0
    records: int = 0
    counted_runs: int = 0
    lag_seconds: int = 0
    lagged_runs: int = 0
    p50_ms: int | None = None
    p95_ms: int | None = None

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.runs if self.runs else None

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.runs if self.runs else None

    @property
    def records_per_run(self) -> float | None:
        return self.records / self.counted_runs if self.counted_runs else None

    @property
    def freshness_seconds(self) -> int | None:
        """The average time from a source event to the end of the run that carried it."""
        return self.lag_seconds // self.lagged_runs if self.lagged_runs else None


class FailedRun(BaseModel):
    """A run that errored or partly failed, for manual review (the dead-letter list)."""

    run_id: str
    status: str
    finished_at: datetime
    records: int | None
    error: str


class Health(BaseModel):
    """One integration's run health: the last 24 hours, 7 and 30 days, and recent failures."""

    integration_id: int
    title: str
    state: State
    owner_id: str
    windows: list[Figures]
    last_success_at: datetime | None
    daily_success: list[float | None]
    failed: list[FailedRun] = []

    @property
    def week(self) -> Figures:
        return self.windows[1]

    @property
    def reporting(self) -> bool:
        return any(w.runs for w in self.windows) or self.last_success_at is not None


def _figures(hours: int, sums: dict[str, int] | None) -> Figures:
    return Figures(hours=hours, **(sums or {}))


def health_of(*, session: Session, integration_id: int, now: datetime, failed: bool = False) -> Health:
    """One integration's health; with `failed`, its most recent failed runs too."""
    integration = get_integration(session, integration_id)
    health = _healths(session, [integration], now)[0]
    for figures in health.windows:
        histogram = repo.durations_of(session, integration.id, since=now - timedelta(hours=figures.hours))
        figures.p50_ms, figures.p95_ms = percentile(histogram, 0.5), percentile(histogram, 0.95)
    if failed:
        health.failed = [
            FailedRun.model_validate(run, from_attributes=True)
            for run in repo.recent(session, integration.id, limit=FAILED_SHOWN, failed_only=True)
        ]
    return health


def _badness(health: Health) -> tuple[int, float, float]:
    rate = health.week.error_rate
    stale = health.last_success_at.timestamp() if health.last_success_at else 0.0
    return (0 if rate is not None else 1, -(rate or 0.0), stale)


def health_of_each(*, session: Session, integration_ids: Sequence[int], now: datetime) -> dict[int, Health]:
    """The health of several integrations in a fixed number of queries (no percentiles, no failed runs)."""
    if not integration_ids:
        return {}
    found = integration_repo.by_ids(session, integration_ids)
    integrations = [found[n] for n in integration_ids if n in found]
    return {h.integration_id: h for h in _healths(session, integrations, now)}


def _healths(session: Session, integrations: Sequence[Integration], now: datetime) -> list[Health]:
    """Health from the rollups in a fixed number of queries: a grouped sum per window, the last 14 days."""
    ids = [i.id for i in integrations]
    sums = {
        hours: repo.sums_after(session, ids, after=now - timedelta(hours=hours)) for hours in WINDOW_HOURS
    }
    today = now.date()
    first_day = datetime.combine(
        today - timedelta(days=SPARK_DAYS - 1), datetime.min.time(), tzinfo=now.tzinfo
    )
    days: dict[int, list[list[int]]] = {i: [[0, 0] for _ in range(SPARK_DAYS)] for i in ids}
    for integration_id, hour, runs, successes in repo.hourly_outcomes(session, ids, since=first_day):
        day = (today - hour.date()).days
        if 0 <= day < SPARK_DAYS:
            days[integration_id][SPARK_DAYS - 1 - day][0] += successes
            days[integration_id][SPARK_DAYS - 1 - day][1] += runs
    last = repo.last_success(session, ids)
    return [
        Health(
            integration_id=i.id,
            title=i.title,
            state=State(i.state),
            owner_id=i.owner_id,
            windows=[_figures(hours, sums[hours].get(i.id)) for hours in WINDOW_HOURS],
            last_success_at=last.get(i.id),
            daily_success=[ok / runs if runs else None for ok, runs in days[i.id]],
        )
        for i in integrations
    ]


def health_board(*, session: Session, now: datetime) -> list[Health]:
    """Every live or suspended integration's health, worst first: highest 7-day error rate, then stalest."""
    integrations = integration_repo.all_in(session, states=[s.value for s in WATCHED])
    return sorted(_healths(session, integrations, now), key=_badness)


QUARTER_HOURS = 91 * 24


def quarter_figures(*, session: Session, integration_ids: Sequence[int], now: datetime) -> dict[int, Figures]:
    """Each integration's runs over the last quarter (91 days), from the rollups, for its review."""
    sums = repo.sums_after(session, list(integration_ids), after=now - timedelta(hours=QUARTER_HOURS))
    return {i: _figures(QUARTER_HOURS, sums.get(i)) for i in integration_ids}
