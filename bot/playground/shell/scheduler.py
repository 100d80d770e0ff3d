"""The seam between the shell's clock and the scheduler's jobs.

`:advance 90d` and `:now 2027-03-01` move the shell's ManualClock forward and, on the way, run every
job that would have come due, so a quarter of reminders and escalations plays out in a second.

The shell gets its jobs from ONE place:
`bot.scheduling.jobs.due_jobs(settings=..., sessions=..., client=...)`, the same list the production
scheduler (`bot/scheduling/scheduler.py`) runs, so what the shell shows is what production does.

A job's `run(now)` does whatever is due at `now` and must be safe to call again (a sweep: "remind
every review that has waited three days and was not reminded yet"). It opens its own session, calls
use-cases in `commands/` and posts through the client, like any job in `bot/scheduling/jobs.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.scheduling.jobs import Job, due_jobs
from bot.settings import Settings

log = logging.getLogger(__name__)


def load_jobs(*, settings: Settings, sessions: sessionmaker[Session], client: WebClient) -> list[Job]:
    """The same business-time jobs the production scheduler runs."""
    return list(due_jobs(settings=settings, sessions=sessions, client=client))


@dataclass
class Ran:
    """One job run while the clock moved."""

    name: str
    at: datetime
    error: str = ""


class Ticker:
    """Moves a ManualClock forward, running each job every time its interval comes round on the way."""

    def __init__(self, clock: ManualClock, jobs: Sequence[Job], *, after_each: Callable[[], Any]) -> None:
        self.clock = clock
        self.jobs = list(jobs)
        self._after_each = after_each
        start = clock.now()
        self._next = {job.name: start + job.every for job in self.jobs}

    def move_to(self, target: datetime) -> list[Ran]:
        """Walk the clock to `target`, running due jobs in time order; then run every job once at `target`."""
        ran: list[Ran] = []
        while True:
            due = sorted((when, job.name) for job in self.jobs if (when := self._next[job.name]) < target)
            if not due:
                break
            when, name = due[0]
            job = next(j for j in self.jobs if j.name == name)
            self.clock.set(when)
            ran.append(self._run(job, when))
            self._next[name] = when + job.every
        self.clock.set(target)
        for job in self.jobs:
            ran.append(self._run(job, target))
            if self._next[job.name] <= target:
                self._next[job.name] = target + job.every
        return ran

    def _run(self, job: Job, now: datetime) -> Ran:
        try:
            job.run(now)
        except Exception as exc:  # one failing job must not stop the others, as in the real scheduler
            log.exception("job %s failed at %s", job.name, now.isoformat())
            return Ran(job.name, now, f"{type(exc).__name__}: {exc}")
        finally:
            self._after_each()
        return Ran(job.name, now)
