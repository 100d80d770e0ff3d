"""Where reviews stand: a person's open reviews, and the sweep's counts for operators."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.review_items import ReviewItem, Status, items_of
from storage.repositories import reviews as repo


class StatusRow(BaseModel):
    item: ReviewItem
    overdue: bool


def reviews_for(*, session: Session, actor: Actor, as_of: date, everyone: bool) -> list[StatusRow]:
    """Open reviews due by `as_of`: the actor's own, or everyone's."""
    cycles = repo.open_cycles(session, owner_id=None if everyone else actor.user_id, as_of=as_of)
    return [StatusRow(item=item, overdue=item.due_on < as_of) for item in items_of(session, cycles)]


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
