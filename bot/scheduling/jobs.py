"""Scheduler jobs: the daily review sweep. Each job opens its own sessions and posts through the client.

`due_jobs()` is the one list of business-time jobs: the production scheduler, `patchbay reviews sweep`
and the shell's clock all run the same ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPException

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.roles import RoleDirectory
from bot.scheduling.notify import LOOKUP_LIMIT, Notifier, SlackSender, slack_sender
from bot.scheduling.pacing import Pacer
from bot.scheduling.retries import may_have_landed
from bot.settings import Settings
from bot.views.fallbacks import review_fallback
from bot.views.reviews import parent_text, review_reply
from commands.actor import Role
from commands.check_ins import schedule_check_ins
from commands.incidents import check_silence, escalate_due
from commands.installation import current_removal
from commands.nudges import nudge_waiting
from commands.ownership import flag_orphaned, owners_to_check
from commands.policy import Policy
from commands.renewals import follow_renewals
from commands.review_cycles import schedule_due
from commands.review_items import CycleKind
from commands.review_nudges import due_nudges, owe_nudge
from commands.review_sweep import (
    OwnerBatch,
    claim_batches,
    last_confirmed_ts,
    mark_sent,
    record_thread,
    release,
    thread_for,
)
from commands.run_health import quarter_figures
from commands.run_retention import PruneResult, prune_runs
from commands.workspace_policy import read_policy
from storage.db import session_scope

log = logging.getLogger(__name__)
THREAD_EVENT = "patchbay_review_thread"
REPLY_EVENT = "patchbay_review"


class NoLookupLeft(Exception):
    """The pace of history reads allows none now: the batch waits for the next run."""


def _describe(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return f"{type(error).__name__}: {error}"


@dataclass(frozen=True)
class Job:
    """A scheduler job: its name, how often it runs, and what it does at a given moment."""

    name: str
    run: Callable[[datetime], object]
    every: timedelta = timedelta(days=1)


@dataclass
class SweepReport:
    scheduled: int = 0
    threads: int = 0
    replies: int = 0
    reminders: int = 0
    escalations: int = 0
    orphaned: int = 0
    proposal_nudges: int = 0
    proposal_escalations: int = 0
    failures: list[str] = field(default_factory=list)

    def merge(self, other: SweepReport) -> None:
        self.threads += other.threads
        self.replies += other.replies
        self.failures.extend(other.failures)

    def line(self) -> str:
        return (
            f"{self.scheduled} newly due, {self.threads} threads, {self.replies} reviews sent, "
            f"{self.reminders} reminders, {self.escalations} escalations, {self.orphaned} orphaned, "
            f"{len(self.failures)} failures"
        )


def wall_clock() -> datetime:
    return datetime.now(UTC)


class ReviewSweep:
    """Finds what is due, opens one DM thread per owner, chases and escalates; safe to run again.

    Owners are served by `workers` threads at once: Slack limits posting per channel (about one
    message a second), and every owner's thread is a channel of its own.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        policy: Policy,
        roles: RoleDirectory,
        wall: Callable[[], datetime] = wall_clock,
        workers: int = 8,
        posts_per_minute: float = 300,
        channel_pace_seconds: float = 1.0,
        lookups_per_minute: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.defaults = policy
        self.roles = roles
        self.wall = wall
        self.workers = workers
        self.pacer = Pacer(per_minute=posts_per_minute, per_channel_seconds=channel_pace_seconds)
        self.sender = SlackSender(client, policy, lookups_per_minute=lookups_per_minute)
        self.notifier = Notifier(sessions, self.sender)

    def run(self, now: datetime) -> SweepReport:
        report = SweepReport()
        with session_scope(self.sessions) as session:
            removal = current_removal(session=session)
        if removal is not None:
            report.failures.append(f"skipped: Patchbay is {removal.reason.value} in {removal.team_id}")
            log.warning("review sweep at %s skipped: %s", now.isoformat(), report.line())
            return report
        with session_scope(self.sessions) as session:
            policy = read_policy(session=session, defaults=self.defaults).policy
            report.scheduled = schedule_due(session=session, as_of=now.date(), now=now)
        self._check_owners(now, report)
        with session_scope(self.sessions) as session:
            batches = claim_batches(session=session, wall=self.wall(), policy=policy)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sweep") as pool:
            for part in pool.map(lambda batch: self._send(batch, now), batches):
                report.merge(part)
        self._nudge(now, report, policy)
        with session_scope(self.sessions) as session:
            report.proposal_nudges, report.proposal_escalations = nudge_waiting(
                session=session, now=now, policy=policy, admins=sorted(self.roles.members(Role.ADMIN))
            )
        self.notifier.deliver(now)
        log.info("review sweep at %s: %s", now.isoformat(), report.line())
        return report

    def _check_owners(self, now: datetime, report: SweepReport) -> None:
        with session_scope(self.sessions) as session:
            owners = owners_to_check(session=session)
        for owner_id in owners:
            try:
                person = self.client.users_info(user=owner_id)["user"]
            except SlackApiError as exc:
                if exc.response.get("error") != "user_not_found":
                    report.failures.append(f"users.info {owner_id}: {exc.response.get('error')}")
                    continue
                person = {"deleted": True}
            if person.get("deleted"):
                with session_scope(self.sessions) as session:
                    report.orphaned += len(flag_orphaned(session=session, owner_id=owner_id, now=now))

    def _send(self, batch: OwnerBatch, now: datetime) -> SweepReport:
        """One owner's thread: the parent once a day, then a reply per cycle, each recorded when confirmed.

        A post Slack may have taken (5xx, or the connection dropped after sending) is never posted
        again blindly: its cycles are left as interrupted, and the next run looks for what landed by
        the metadata each message carries (the DM's latest few messages, or the thread after the last
        confirmed reply), within the lookup pace; past it, they wait for the next run.
        """
        report = SweepReport()
        remaining = [item.cycle_id for item in batch.items]
        try:
            with session_scope(self.sessions) as session:
                thread = thread_for(session=session, owner_id=batch.owner_id, opened_on=now.date())
                after = last_confirmed_ts(session=session, thread_id=thread.id) if thread else None
            if thread is None:
                thread_key = {"owner_id": batch.owner_id, "opened_on": now.date().isoformat()}
                found = self._find_parent(batch.owner_id, thread_key) if batch.interrupted else None
                if found is None:
                    self.pacer.wait(batch.owner_id)
                    posted = self.client.chat_postMessage(
                        channel=batch.owner_id,
                        text=parent_text(batch.owner_id, batch.items),
                        metadata={"event_type": THREAD_EVENT, "event_payload": thread_key},
                    )
                    found = (str(posted["channel"]), str(posted["ts"]))
                    report.threads += 1
                with session_scope(self.sessions) as session:
                    thread = record_thread(
                        session=session,
                        owner_id=batch.owner_id,
                        opened_on=now.date(),
                        channel=found[0],
                        ts=found[1],
                        now=now,
                    )
            already = self._replies_in(thread.channel, thread.ts, after) if batch.interrupted else {}
            with session_scope(self.sessions) as session:
                ids = [item.integration_id for item in batch.items if item.kind is CycleKind.REVIEW]
                quarter = quarter_figures(session=session, integration_ids=ids, now=now)
            for item in batch.items:
                ts = already.get(item.cycle_id)
                if ts is None:
                    self.pacer.wait(batch.owner_id)
                    posted = self.client.chat_postMessage(
                        channel=thread.channel,
                        thread_ts=thread.ts,
                        blocks=review_reply(item, now.date(), quarter.get(item.integration_id)),
                        text=review_fallback(item.integration_id, item.title),
                        metadata={"event_type": REPLY_EVENT, "event_payload": {"cycle_id": item.cycle_id}},
                    )
                    ts = str(posted["ts"])
                    report.replies += 1
                with session_scope(self.sessions) as session:
                    mark_sent(
                        session=session,
                        cycle_id=item.cycle_id,
                        thread=thread,
                        channel=thread.channel,
                        ts=ts,
                        now=now,
                    )
                remaining.remove(item.cycle_id)
        except (SlackApiError, OSError, HTTPException, NoLookupLeft) as exc:
            error = _describe(exc)
            report.failures.append(f"owner {batch.owner_id}: {error}")
            uncertain = batch.interrupted if isinstance(exc, NoLookupLeft) else may_have_landed(exc)
            with session_scope(self.sessions) as session:
                release(
                    session=session,
                    cycle_ids=remaining,
                    error=error,
                    look_next_time=self.wall() if uncertain else None,
                )
        return report

    def _lookup(self) -> None:
        if not self.sender.take_lookup():
            raise NoLookupLeft("history lookups paced: waiting for the next run")

    def _find_parent(self, owner_id: str, key: dict[str, str]) -> tuple[str, str] | None:
        channel = str(self.client.conversations_open(users=owner_id)["channel"]["id"])
        self._lookup()
        history = self.client.conversations_history(
            channel=channel, include_all_metadata=True, limit=LOOKUP_LIMIT
        )
        for message in history["messages"]:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == THREAD_EVENT and meta.get("event_payload") == key:
                return channel, str(message["ts"])
        return None

    def _replies_in(self, channel: str, ts: str, after: str | None) -> dict[int, str]:
        """Replies after the last one Slack confirmed: those an interrupted run may have posted."""
        self._lookup()
        found = self.client.conversations_replies(
            channel=channel, ts=ts, oldest=after or ts, include_all_metadata=True, limit=LOOKUP_LIMIT
        )
        replies = {}
        for message in found["messages"]:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == REPLY_EVENT:
                replies[int(meta["event_payload"]["cycle_id"])] = str(message["ts"])
        return replies

    def _nudge(self, now: datetime, report: SweepReport, policy: Policy) -> None:
        """Reminders and escalations go through the outbox, owed in the transaction that claims them."""
        with session_scope(self.sessions) as session:
            nudges = due_nudges(session=session, now=now, policy=policy)
        admins = sorted(self.roles.members(Role.ADMIN))
        for nudge in nudges:
            with session_scope(self.sessions) as session:
                owed = owe_nudge(
                    session=session,
                    nudge=nudge,
                    now=now,
                    admins=admins,
                    governance_channel=bool(policy.governance_channel),
                )
            if owed and nudge.kind == "reminder":
                report.reminders += 1
            elif owed:
                report.escalations += 1


def review_sweep(*, settings: Settings, sessions: sessionmaker[Session], client: WebClient) -> ReviewSweep:
    return ReviewSweep(
        sessions=sessions,
        client=client,
        policy=settings.policy,
        roles=RoleDirectory(settings, client),
        workers=settings.patchbay_sweep_workers,
        posts_per_minute=settings.patchbay_slack_posts_per_minute,
        channel_pace_seconds=settings.patchbay_slack_channel_pace_seconds,
        lookups_per_minute=settings.patchbay_slack_lookups_per_minute,
    )


def run_prune(*, settings: Settings, sessions: sessionmaker[Session]) -> Callable[[datetime], object]:
    """The daily job that deletes raw runs older than PATCHBAY_RUN_RETENTION_DAYS."""

    def prune(now: datetime) -> PruneResult:
        with session_scope(sessions) as session:
            result = prune_runs(session=session, now=now, retention_days=settings.patchbay_run_retention_days)
        log.info("pruned %s runs received before %s", result.pruned, result.before.isoformat())
        return result

    return prune


class WatchReport(BaseModel):
    silent: int
    escalated: int


def incident_watch(
    *, settings: Settings, sessions: sessionmaker[Session]
) -> Callable[[datetime], WatchReport]:
    """The frequent job: open silence incidents, escalate the unacknowledged ones."""
    defaults = settings.policy

    def watch(now: datetime) -> WatchReport:
        with session_scope(sessions) as session:
            policy = read_policy(session=session, defaults=defaults).policy
            silent = check_silence(session=session, policy=policy, now=now)
        with session_scope(sessions) as session:
            escalated = escalate_due(session=session, policy=policy, now=now)
        return WatchReport(silent=silent, escalated=escalated)

    return watch


def _owing_then_delivering(
    settings: Settings, sessions: sessionmaker[Session], client: WebClient, owe: Callable[..., int]
) -> Callable[[datetime], int]:
    """A daily job whose use-case owes messages in the outbox (`owe(session=, now=)`, how many), then
    delivers them at once."""
    roles = RoleDirectory(settings, client)
    notifier = Notifier(sessions, slack_sender(settings, client, admins=lambda: roles.members(Role.ADMIN)))

    def run(now: datetime) -> int:
        with session_scope(sessions) as session:
            owed = owe(session=session, now=now)
        if owed:
            notifier.deliver(now)
        return owed

    return run


def check_ins(
    *, settings: Settings, sessions: sessionmaker[Session], client: WebClient
) -> Callable[[datetime], int]:
    """The daily job that posts the weekly check-ins of integrations in their first month live."""
    return _owing_then_delivering(settings, sessions, client, schedule_check_ins)


def renewal_reminders(
    *, settings: Settings, sessions: sessionmaker[Session], client: WebClient
) -> Callable[[datetime], int]:
    """The daily job that reminds owners of tools renewing in 60 and in 30 days, and follows the
    dates that passed unanswered (rolled forward when the tool renews automatically)."""
    return _owing_then_delivering(settings, sessions, client, follow_renewals)


def due_jobs(*, settings: Settings, sessions: sessionmaker[Session], client: WebClient) -> Sequence[Job]:
    """The jobs that follow business time: the review sweep, the prune of raw runs, the check-ins,
    the renewal reminders."""
    return [
        Job("review-sweep", review_sweep(settings=settings, sessions=sessions, client=client).run),
        Job("run-prune", run_prune(settings=settings, sessions=sessions)),
        Job("check-ins", check_ins(settings=settings, sessions=sessions, client=client)),
        Job("renewals", renewal_reminders(settings=settings, sessions=sessions, client=client)),
    ]
