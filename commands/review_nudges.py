"""Reminders and escalations for quarterly reviews left unanswered, each owed once."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.review_items import ReviewItem, items_of
from storage.repositories import integrations as integration_repo
from storage.repositories import reviews as repo


class Nudge(BaseModel):
    kind: str  # "reminder" or "escalation"
    number: int
    item: ReviewItem
    days_waiting: int


def due_nudges(*, session: Session, now: datetime, policy: Policy) -> list[Nudge]:
    """Reminders (after 3 and 7 days by default) and escalations (after 14) owed for unanswered reviews.

    No reminder goes to an owner who has left (the integration is orphaned) until an admin reassigns it.
    """
    cycles = [cycle for cycle in repo.sent_unanswered(session) if cycle.sent_at is not None]
    integrations = integration_repo.by_ids(session, {c.integration_id for c in cycles})
    orphaned = {i.id for i in integrations.values() if i.orphaned_at}
    steps = policy.review_reminder_days
    due: list[tuple[str, int, int, int]] = []  # kind, number, cycle id, days waited
    for cycle in cycles:
        assert cycle.sent_at is not None
        waited = (now - cycle.sent_at).days
        sent = cycle.reminders_sent
        if cycle.integration_id not in orphaned and sent < len(steps) and waited >= steps[sent]:
            due.append(("reminder", sent + 1, cycle.id, waited))
        if cycle.escalated_at is None and waited >= policy.review_escalate_days:
            due.append(("escalation", 1, cycle.id, waited))
    wanted = {cycle_id for _, _, cycle_id, _ in due}
    items = {
        item.cycle_id: item
        for item in items_of(session, [c for c in cycles if c.id in wanted], integrations=integrations)
    }
    return [
        Nudge(kind=kind, number=number, item=items[cycle_id], days_waiting=waited)
        for kind, number, cycle_id, waited in due
    ]


def _claim(*, session: Session, nudge: Nudge, now: datetime) -> bool:
    """Take the nudge for this sweep; False when another sweep already sent it."""
    if nudge.kind == "reminder":
        return repo.bump_reminders(
            session, cycle_id=nudge.item.cycle_id, expected=nudge.number - 1, to=nudge.number
        )
    return repo.mark_escalated(session, cycle_id=nudge.item.cycle_id, at=now)


def owe_nudge(
    *, session: Session, nudge: Nudge, now: datetime, admins: list[str], governance_channel: bool
) -> bool:
    """Claim the nudge and owe its message: a reminder in the owner's review thread, an escalation in
    the governance channel (when there is one). False when another sweep took it or nothing is owed."""
    if not _claim(session=session, nudge=nudge, now=now):
        return False
    item = nudge.item
    if nudge.kind == "reminder":
        owe(
            session,
            kind=Kind.REPLY,
            now=now,
            recipient=item.channel or item.owner_id,
            thread_ts=item.thread_ts or "",
            text=Notice(
                say=Say.REVIEW_REMINDER,
                integration_id=item.integration_id,
                title=item.title,
                owner_id=item.owner_id,
                have=nudge.number,
                days=nudge.days_waiting,
            ).model_dump_json(),
        )
        return True
    if not governance_channel:
        return False
    owe(
        session,
        kind=Kind.CHANNEL,
        now=now,
        text=Notice(
            say=Say.REVIEW_ESCALATION,
            integration_id=item.integration_id,
            title=item.title,
            flow=item.flow,
            owner_id=item.owner_id,
            admins=admins,
            days=nudge.days_waiting,
        ).model_dump_json(),
    )
    return True
