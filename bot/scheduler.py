"""The APScheduler that triggers jobs. It only triggers: what was done lives in the database.

Jobs have fixed ids (replace_existing), coalesce missed runs into one, and may start up to six hours
late, so a restart causes one catch-up sweep rather than a skipped day or a burst. Any number of
processes may run it: the sweep claims its work row by row.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.jobs import Job, due_jobs, incident_watch
from bot.notify import Notifier, slack_sender
from bot.roles import RoleDirectory
from bot.settings import Settings
from commands.actor import Role

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 6 * 3600
WATCH_MINUTES = 5


def build_scheduler(
    *, settings: Settings, sessions: sessionmaker[Session], client: WebClient, clock: Clock
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=settings.patchbay_timezone)
    hour, minute = (int(part) for part in settings.patchbay_sweep_time.split(":"))
    defaults = {
        "replace_existing": True,
        "coalesce": True,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        "max_instances": 1,
    }

    def run(job: Job) -> None:
        job.run(clock.now())

    for job in due_jobs(settings=settings, sessions=sessions, client=client):
        scheduler.add_job(run, CronTrigger(hour=hour, minute=minute), args=[job], id=job.name, **defaults)
    roles = RoleDirectory(settings, client)
    notifier = Notifier(sessions, slack_sender(settings, client, admins=lambda: roles.members(Role.ADMIN)))
    scheduler.add_job(
        lambda: notifier.deliver(clock.now()), IntervalTrigger(minutes=1), id="outbox-retry", **defaults
    )
    watch = incident_watch(settings=settings, sessions=sessions)

    def watch_and_tell() -> None:
        watch(clock.now())
        notifier.deliver(clock.now())

    scheduler.add_job(watch_and_tell, IntervalTrigger(minutes=WATCH_MINUTES), id="incident-watch", **defaults)
    return scheduler
