"""The owner's answer to a review: Keep, Needs changes or Retire, or a key rotated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Conflict, InvalidInput, Mention, NotAllowed, NotFound
from commands.fields import Choice, Form, LongText, YesNo
from commands.lifecycle import Step
from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.review_items import Outcome, ReviewItem, Status, item_of
from commands.workflow import take_step
from storage.models import Integration, ReviewCycle
from storage.repositories import integrations as integration_repo
from storage.repositories import reviews as repo

# The lifecycle step an answer takes the integration through (Keep schedules the next review instead).
STEP_OF = {Outcome.NEEDS_CHANGES: Step.NEEDS_CHANGES, Outcome.RETIRE: Step.RETIRE}


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
    integration = integration_repo.get(session, cycle.integration_id)
    assert integration is not None
    if cycle.status == Status.ANSWERED.value:
        outcome = Outcome(cycle.outcome).label.lower() if cycle.outcome else "answered"
        raise Conflict(
            f"{{by}} already answered this review: {outcome}.", by=Mention(cycle.answered_by or "")
        )
    if actor.user_id != integration.owner_id and not actor.is_admin:
        raise NotAllowed(
            f"Only #{integration.id}'s owner {{owner}} or a Patchbay admin can answer.",
            owner=Mention(integration.owner_id),
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
    elif outcome in STEP_OF:
        take_step(
            session=session,
            actor=actor,
            integration_id=integration.id,
            step=STEP_OF[outcome],
            expected=None,
            policy=policy,
            now=now,
            reason=answer.notes,
        )
    if outcome is Outcome.RETIRE:
        owe(
            session,
            kind=Kind.CHANNEL,
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
    return Answered(item=item_of(session, cycle), outcome=outcome, by=actor.user_id, next_review_on=next_on)


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
        item=item_of(session, cycle), outcome=Outcome.ROTATED, by=actor.user_id, next_review_on=None
    )


def answerable_item(*, session: Session, actor: Actor, cycle_id: int) -> ReviewItem:
    """The review the actor is about to answer; refused at once when it is answered or not theirs."""
    cycle, _ = _cycle_for_answer(session, actor, cycle_id, lock=False)
    return item_of(session, cycle)
