"""`patchbay reviews sweep|status`: the review sweep on demand, and what it has done."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.app import make_client
from bot.scheduling.jobs import review_sweep
from bot.settings import Settings, require
from commands.review_cycles import schedule_due
from commands.review_status import sweep_status
from commands.review_sweep import claim_batches
from storage.db import make_engine, make_sessionmaker, session_scope


def _moment(as_of: date | None) -> datetime:
    now = datetime.now(UTC)
    return now if as_of is None else datetime.combine(as_of, time(now.hour, now.minute), tzinfo=UTC)


def sweep(settings: Settings, *, as_of: date | None, dry_run: bool) -> int:
    """Run the sweep now (or as of a date); with `dry_run`, only say what it would send."""
    sessions = make_sessionmaker(make_engine(settings.database_url))
    now = _moment(as_of)
    if dry_run:
        session = sessions()
        try:
            schedule_due(session=session, as_of=now.date(), now=now)
            batches = claim_batches(session=session, wall=datetime.now(UTC), policy=settings.policy)
        finally:
            session.rollback()
            session.close()
        for batch in batches:
            print(f"{batch.owner_id}: {len(batch.items)} due")
            for item in batch.items:
                due = item.due_on.isoformat()
                print(f"  #{item.integration_id} {item.title} ({item.kind.value}, due {due})")
        print(
            f"dry run: {sum(len(b.items) for b in batches)} reviews for {len(batches)} owners would be sent"
        )
        return 0
    require(settings, "SLACK_BOT_TOKEN")
    report = review_sweep(settings=settings, sessions=sessions, client=make_client(settings)).run(now)
    print(report.line())
    for failure in report.failures:
        print(f"  failed: {failure}")
    return 1 if report.failures else 0


def status(settings: Settings, *, as_of: date | None) -> int:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(sessions) as session:
        found = sweep_status(session=session, as_of=_moment(as_of).date())
    print(
        f"due (not sent yet): {found.due}\nsent, awaiting an answer: {found.sent}\n"
        f"answered: {found.answered}\noverdue: {found.overdue}"
    )
    for cycle_id, error in found.failing:
        print(f"  review {cycle_id} failed to send: {error}")
    return 0
