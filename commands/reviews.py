"""Quarterly reviews and key-rotation reminders: what is due, who was asked, what they answered.

The scheduler only triggers; correctness lives here, in the database. Each cycle is a row unique by
(integration, kind, due date); a sweep claims an owner's pending cycles with a conditional UPDATE and
marks each one sent only after Slack confirmed it, so a crashed or concurrent sweep never posts twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Conflict, InvalidInput, NotAllowed, NotFound
from commands.fields import Choice, Form, LongText, UserId, YesNo
from commands.lifecycle import Step
from commands.notices import Notice, Say
from commands.outbox import Kind as OutboxKind
from commands.outbox import owe
from commands.policy import Policy
from commands.vocabulary import DataClass, Labelled, State
from commands.workflow import take_step
from storage.models import Integration, ReviewCycle, ReviewThread
from storage.repositories import reviews as repo
from storage.repositories import tools as tool_repo

REVIEWED_STATES = (State.LIVE.value, State.SUSPENDED.value)
OWNED_STATES = (State.APPROVED.value, State.IN_SANDBOX.value, State.LIVE.value, State.SUSPENDED.value)


class CycleKind(StrEnum):
    REVIEW = "review"
    ROTATION = "rotation"


class Status(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ANSWERED = "answered"


class Outcome(Labelled):
    KEEP = ("keep", "Keep")
    NEEDS_CHANGES = ("needs_changes", "Needs changes")
    RETIRE = ("retire", "Retire")
    ROTATED = ("rotated", "Key rotated")


class ReviewItem(BaseModel):
    """One cycle as the owner sees it in their thread."""

    cycle_id: int
    kind: CycleKind
    integration_id: int
    title: str
    purpose: str
    flow: str
    state: State
    owner_id: str
    due_on: date
    live_since: date | None
    last_outcome: str | None
    data_classes: list[DataClass]
    status: Status
    channel: str | None
    ts: str | None
    thread_ts: str | None
    reminders_sent: int
    sent_at: datetime | None
    escalated: bool
    rotation_days: int | None
    maybe_sent: bool = False


class OwnerBatch(BaseModel):
    owner_id: str
    items: list[ReviewItem]

    @property
    def interrupted(self) -> bool:
        """A sweep died while sending some of these: Slack may already have them."""
        return any(item.maybe_sent for item in self.items)


class Nudge(BaseModel):
    kind: str  # "reminder" or "escalation"
    number: int
    item: ReviewItem
    days_waiting: int


def _item(session: Session, cycle: ReviewCycle) -> ReviewItem:
    integration = session.get(Integration, cycle.integration_id)
    assert integration is not None
    source = tool_repo.get(session, integration.source_tool_id)
    target = tool_repo.get(session, integration.target_tool_id)
    last = repo.last_answered(session, integration.id)
    thread = session.get(ReviewThread, cycle.thread_id) if cycle.thread_id else None
    return ReviewItem(
        cycle_id=cycle.id,
        kind=CycleKind(cycle.kind),
        integration_id=integration.id,
        title=integration.title,
        purpose=integration.purpose,
        flow=f"{source.name if source else '?'} -> {target.name if target else '?'}",
        state=State(integration.state),
        owner_id=cycle.owner_id,
        due_on=cycle.due_on,
        live_since=integration.live_at.date() if integration.live_at else None,
        last_outcome=Outcome(last.outcome).label if last and last.outcome else None,
        data_classes=[DataClass(c) for c in integration.data_classes],
        status=Status(cycle.status),
        channel=cycle.channel,
        ts=cycle.ts,
        thread_ts=thread.ts if thread else None,
        reminders_sent=cycle.reminders_sent,
        sent_at=cycle.sent_at,
        escalated=cycle.escalated_at is not None,
        rotation_days=integration.rotation_days,
    )


def _ensure(session: Session, integration: Integration, kind: CycleKind, due_on: date, now: datetime) -> bool:
    if repo.exists(session, integration_id=integration.id, kind=kind.value, due_on=due_on):
        return False
    try:
        with session.begin_nested():
            repo.add(
                session,
                ReviewCycle(
                    integration_id=integration.id,
                    kind=kind.value,
                    due_on=due_on,
                    owner_id=integration.owner_id,
                    status=Status.PENDING.value,
                    created_at=now,
                ),
            )
    except IntegrityError:  # another sweep created it first
        return False
    return True


def rotation_due_on(integration: Integration) -> date | None:
    if not integration.rotation_days:
        return None
    last = integration.rotated_at or integration.live_at
    return last.date() + timedelta(days=integration.rotation_days) if last else None


def schedule_due(*, session: Session, as_of: date, now: datetime) -> int:
    """Create a cycle for every review and key rotation due by `as_of`; how many were new."""
    created = 0
    for integration in repo.integrations_in(session, states=REVIEWED_STATES):
        if integration.next_review_on and integration.next_review_on <= as_of:
            created += _ensure(session, integration, CycleKind.REVIEW, integration.next_review_on, now)
        rotation = rotation_due_on(integration)
        if rotation and rotation <= as_of:
            created += _ensure(session, integration, CycleKind.ROTATION, rotation, now)
    return created


def claim_batches(*, session: Session, wall: datetime, policy: Policy) -> list[OwnerBatch]:
    """Claim, owner by owner, the pending cycles no other sweep holds."""
    until = wall + timedelta(seconds=policy.sweep_claim_seconds)
    batches = []
    for owner_id in repo.owners_with_pending(session, wall=wall):
        suspects = repo.interrupted(session, owner_id=owner_id, wall=wall)
        ids = repo.claim_owner(session, owner_id=owner_id, wall=wall, until=until)
        if ids:
            cycles = [repo.get(session, cycle_id) for cycle_id in ids]
            items = [
                _item(session, c).model_copy(update={"maybe_sent": c.id in suspects})
                for c in cycles
                if c is not None
            ]
            batches.append(
                OwnerBatch(owner_id=owner_id, items=sorted(items, key=lambda i: (i.due_on, i.cycle_id)))
            )
    return batches


class ThreadRef(BaseModel):
    id: int
    channel: str
    ts: str


def thread_for(*, session: Session, owner_id: str, opened_on: date) -> ThreadRef | None:
    """The owner's review thread opened on `opened_on`, if one was posted."""
    row = repo.thread_for(session, owner_id=owner_id, opened_on=opened_on)
    return ThreadRef(id=row.id, channel=row.channel, ts=row.ts) if row else None


def record_thread(
    *, session: Session, owner_id: str, opened_on: date, channel: str, ts: str, now: datetime
) -> ThreadRef:
    """Remember a parent message Slack confirmed."""
    row = ReviewThread(owner_id=owner_id, opened_on=opened_on, channel=channel, ts=ts, created_at=now)
    repo.add(session, row)
    return ThreadRef(id=row.id, channel=channel, ts=ts)


def mark_sent(
    *, session: Session, cycle_id: int, thread: ThreadRef, channel: str, ts: str, now: datetime
) -> None:
    """Slack confirmed the reply for this cycle: it is sent and released."""
    session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle_id, ReviewCycle.status == Status.PENDING.value)
        .values(
            status=Status.SENT.value,
            thread_id=thread.id,
            channel=channel,
            ts=ts,
            sent_at=now,
            claimed_until=None,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    )


def release(
    *, session: Session, cycle_ids: list[int], error: str, look_next_time: datetime | None = None
) -> None:
    """Give unsent cycles back for the next sweep, noting why they were not sent.

    With `look_next_time` (Slack may have taken a post) the claim is left to lapse at that moment
    instead of being cleared, so the next sweep treats them as interrupted and looks before posting.
    """
    if cycle_ids:
        session.execute(
            update(ReviewCycle)
            .where(ReviewCycle.id.in_(cycle_ids), ReviewCycle.status == Status.PENDING.value)
            .values(claimed_until=look_next_time, last_error=error[:200])
            .execution_options(synchronize_session=False)
        )


def last_confirmed_ts(*, session: Session, thread_id: int) -> str | None:
    """The newest reply in the thread that Slack confirmed; unconfirmed ones can only come after it."""
    return repo.last_sent_ts(session, thread_id=thread_id)


def due_nudges(*, session: Session, now: datetime, policy: Policy) -> list[Nudge]:
    """Reminders (after 3 and 7 days by default) and escalations (after 14) owed for unanswered reviews."""
    nudges = []
    for cycle in repo.sent_unanswered(session):
        if cycle.sent_at is None:
            continue
        orphaned = _orphaned(session, cycle)
        waited = (now - cycle.sent_at).days
        steps = policy.review_reminder_days
        if not orphaned and cycle.reminders_sent < len(steps) and waited >= steps[cycle.reminders_sent]:
            nudges.append(
                Nudge(
                    kind="reminder",
                    number=cycle.reminders_sent + 1,
                    item=_item(session, cycle),
                    days_waiting=waited,
                )
            )
        if cycle.escalated_at is None and waited >= policy.review_escalate_days:
            nudges.append(Nudge(kind="escalation", number=1, item=_item(session, cycle), days_waiting=waited))
    return nudges


def _orphaned(session: Session, cycle: ReviewCycle) -> bool:
    """The owner has left: nothing goes to their messages until an admin reassigns the integration."""
    integration = session.get(Integration, cycle.integration_id)
    return integration is not None and integration.orphaned_at is not None


def claim_nudge(*, session: Session, nudge: Nudge, now: datetime) -> bool:
    """Take the nudge for this sweep; False when another sweep already sent it."""
    if nudge.kind == "reminder":
        return repo.bump_reminders(
            session, cycle_id=nudge.item.cycle_id, expected=nudge.number - 1, to=nudge.number
        )
    return repo.mark_escalated(session, cycle_id=nudge.item.cycle_id, at=now)


class ReviewAnswer(Form):
    """The owner's answer to a quarterly review."""

    field_messages = {
        "still_serves": "Say whether it still does what it was built for.",
        "data_quality_ok": "Say whether the data quality is acceptable.",
    }

    still_serves: YesNo
    data_quality_ok: YesNo
    incidents: LongText = ""
    notes: LongText = ""
    confirm_retire: list[Choice] = Field(default_factory=list)


class Answered(BaseModel):
    item: ReviewItem
    outcome: Outcome
    by: str
    next_review_on: date | None


def _cycle_for_answer(
    session: Session, actor: Actor, cycle_id: int, *, lock: bool = True
) -> tuple[ReviewCycle, Integration]:
    cycle = repo.lock(session, cycle_id) if lock else repo.get(session, cycle_id)
    if cycle is None:
        raise NotFound("That review no longer exists.")
    integration = session.get(Integration, cycle.integration_id)
    assert integration is not None
    if cycle.status == Status.ANSWERED.value:
        outcome = Outcome(cycle.outcome).label.lower() if cycle.outcome else "answered"
        raise Conflict(f"<@{cycle.answered_by}> already answered this review: {outcome}.")
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            f"Only #{integration.id}'s owner <@{integration.owner_id}> or a Patchbay admin can answer."
        )
    return cycle, integration


def _close(
    session: Session,
    cycle: ReviewCycle,
    *,
    outcome: Outcome,
    actor: Actor,
    now: datetime,
    answer: dict[str, Any] | None,
) -> None:
    cycle.status, cycle.outcome, cycle.answer = Status.ANSWERED.value, outcome.value, answer
    cycle.answered_at, cycle.answered_by, cycle.claimed_until = now, actor.user_id, None
    session.flush()


def answer_review(
    *,
    session: Session,
    actor: Actor,
    cycle_id: int,
    outcome: Outcome,
    answer: ReviewAnswer,
    policy: Policy,
    now: datetime,
) -> Answered:
    """Record Keep, Needs changes or Retire; schedule the next review or move the integration on."""
    cycle, integration = _cycle_for_answer(session, actor, cycle_id)
    errors = {}
    if outcome is Outcome.NEEDS_CHANGES and not answer.notes:
        errors["notes"] = "Say what needs to change: the note goes with the integration."
    if outcome is Outcome.RETIRE and not answer.confirm_retire:
        errors["confirm_retire"] = "Tick the box to confirm: retiring stops the integration for good."
    if errors:
        raise InvalidInput(errors)
    next_on: date | None = None
    if outcome is Outcome.KEEP:
        next_on = policy.next_review(now.date(), integration.data_classes)
        integration.next_review_on = next_on
    elif outcome is Outcome.NEEDS_CHANGES:
        take_step(
            session=session,
            actor=actor,
            integration_id=integration.id,
            step=Step.NEEDS_CHANGES,
            expected=None,
            policy=policy,
            now=now,
            reason=answer.notes,
        )
    elif outcome is Outcome.RETIRE:
        take_step(
            session=session,
            actor=actor,
            integration_id=integration.id,
            step=Step.RETIRE,
            expected=None,
            policy=policy,
            now=now,
            reason=answer.notes,
        )
        owe(
            session,
            kind=OutboxKind.CHANNEL,
            integration_id=integration.id,
            now=now,
            text=Notice(
                say=Say.RETIRED_AT_REVIEW,
                integration_id=integration.id,
                title=integration.title,
                actor_id=actor.user_id,
            ).model_dump_json(),
        )
    record = answer.model_dump(mode="json", exclude={"confirm_retire"})
    _close(session, cycle, outcome=outcome, actor=actor, now=now, answer=record)
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.reviewed",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={
            "outcome": outcome.value,
            "due_on": cycle.due_on.isoformat(),
            **record,
            "next_review_on": next_on.isoformat() if next_on else None,
        },
    )
    return Answered(item=_item(session, cycle), outcome=outcome, by=actor.user_id, next_review_on=next_on)


def record_rotation(*, session: Session, actor: Actor, cycle_id: int, now: datetime) -> Answered:
    """The owner rotated the integration's key; the next reminder counts from now."""
    cycle, integration = _cycle_for_answer(session, actor, cycle_id)
    integration.rotated_at = now
    _close(session, cycle, outcome=Outcome.ROTATED, actor=actor, now=now, answer=None)
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.key_rotated",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={"rotated_at": now.isoformat()},
    )
    return Answered(
        item=_item(session, cycle), outcome=Outcome.ROTATED, by=actor.user_id, next_review_on=None
    )


def answerable_item(*, session: Session, actor: Actor, cycle_id: int) -> ReviewItem:
    """The review the actor is about to answer; refused at once when it is answered or not theirs."""
    cycle, _ = _cycle_for_answer(session, actor, cycle_id, lock=False)
    return _item(session, cycle)


def integration_owner(*, session: Session, integration_id: int) -> str:
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFound(f"There is no integration #{integration_id}.")
    return integration.owner_id


def owners_to_check(*, session: Session) -> list[str]:
    """Owners of integrations still running and not yet flagged orphaned."""
    owners = {i.owner_id for i in repo.integrations_in(session, states=OWNED_STATES) if i.orphaned_at is None}
    return sorted(owners)


def flag_orphaned(*, session: Session, owner_id: str, now: datetime) -> list[int]:
    """Slack says the owner is gone: flag their integrations and owe the governance channel a card each."""
    flagged = []
    for integration in repo.integrations_in(session, states=OWNED_STATES):
        if integration.owner_id == owner_id and integration.orphaned_at is None:
            integration.orphaned_at = now
            flagged.append(integration.id)
            record_change(
                session,
                actor=Actor(user_id="patchbay"),
                now=now,
                action="integration.orphaned",
                entity_type="integration",
                entity_id=integration.id,
                before=None,
                after={"owner_id": owner_id},
            )
            owe(session, kind=OutboxKind.ORPHAN, integration_id=integration.id, now=now)
    session.flush()
    return flagged


class Reassignment(Form):
    owner_id: UserId


REVIEW_MOVED = " Its open quarterly review comes to you in your review thread with the next daily sweep."


def reassign(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    owner_id: str,
    now: datetime,
    tell_previous: bool = False,
) -> str:
    """An admin gives an orphaned integration (and its open reviews) a new owner; returns its title.

    Open reviews move to the new owner: the next sweep sends them in the new owner's own thread, and
    their reminders start again from there. With `tell_previous` (the previous owner is still in the
    workspace) each review already sent gets a reply in the old thread saying where it went.
    """
    if not actor.is_admin:
        raise NotAllowed("Only a Patchbay admin can reassign an integration.")
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFound(f"There is no integration #{integration_id}.")
    before = integration.owner_id
    integration.owner_id, integration.orphaned_at, integration.updated_at = owner_id, None, now
    moved = 0
    for cycle in repo.open_cycles(session, owner_id=None):
        if cycle.integration_id != integration_id:
            continue
        thread = session.get(ReviewThread, cycle.thread_id) if cycle.thread_id else None
        if thread is not None and tell_previous:
            owe(
                session,
                kind=OutboxKind.REPLY,
                recipient=thread.channel,
                thread_ts=thread.ts,
                now=now,
                text=Notice(
                    say=Say.REVIEW_MOVED,
                    integration_id=integration.id,
                    title=integration.title,
                    owner_id=owner_id,
                ).model_dump_json(),
            )
        cycle.owner_id, cycle.status, cycle.claimed_until = owner_id, Status.PENDING.value, None
        cycle.thread_id = cycle.channel = cycle.ts = cycle.sent_at = cycle.escalated_at = None
        cycle.reminders_sent, cycle.last_error = 0, ""
        moved += cycle.kind == CycleKind.REVIEW.value
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.reassigned",
        entity_type="integration",
        entity_id=integration.id,
        before={"owner_id": before},
        after={"owner_id": owner_id},
    )
    owe(session, kind=OutboxKind.CARD, integration_id=integration.id, now=now)
    owe(
        session,
        kind=OutboxKind.DM,
        integration_id=integration.id,
        recipient=owner_id,
        now=now,
        text=Notice(
            say=Say.MADE_OWNER,
            integration_id=integration.id,
            title=integration.title,
            actor_id=actor.user_id,
            review_moved=bool(moved),
        ).model_dump_json(),
    )
    return integration.title


class StatusRow(BaseModel):
    item: ReviewItem
    overdue: bool


def reviews_for(*, session: Session, actor: Actor, as_of: date, everyone: bool) -> list[StatusRow]:
    """Open reviews due by `as_of`: the actor's own, or everyone's."""
    cycles = repo.open_cycles(session, owner_id=None if everyone else actor.user_id, as_of=as_of)
    return [StatusRow(item=_item(session, c), overdue=c.due_on < as_of) for c in cycles]


class SweepStatus(BaseModel):
    due: int
    sent: int
    answered: int
    overdue: int
    failing: list[tuple[int, str]]


def sweep_status(*, session: Session, as_of: date) -> SweepStatus:
    """Counts for operators: due (not yet sent), sent, answered, overdue, and what keeps failing."""
    cycles = repo.all_cycles(session)
    return SweepStatus(
        due=sum(c.status == Status.PENDING.value for c in cycles),
        sent=sum(c.status == Status.SENT.value for c in cycles),
        answered=sum(c.status == Status.ANSWERED.value for c in cycles),
        overdue=sum(c.status != Status.ANSWERED.value and c.due_on < as_of for c in cycles),
        failing=[(c.id, c.last_error) for c in cycles if c.last_error and c.status == Status.PENDING.value],
    )
