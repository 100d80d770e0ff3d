"""The daily sweep's claims: each owner's pending cycles, taken once, marked sent only when confirmed.

The scheduler only triggers; correctness lives here, in the database. A sweep claims an owner's
pending cycles with a conditional UPDATE and marks each one sent only after Slack confirmed it, so a
crashed or concurrent sweep never posts twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.policy import Policy
from commands.review_items import ReviewItem, items_of
from storage.models import ReviewThread
from storage.repositories import reviews as repo


class OwnerBatch(BaseModel):
    owner_id: str
    items: list[ReviewItem]

    @property
    def interrupted(self) -> bool:
        """A sweep died while sending some of these: Slack may already have them."""
        return any(item.maybe_sent for item in self.items)


def claim_batches(*, session: Session, wall: datetime, policy: Policy) -> list[OwnerBatch]:
    """Claim, owner by owner, the pending cycles no other sweep holds; their items read all at once."""
    until = wall + timedelta(seconds=policy.sweep_claim_seconds)
    claimed: dict[str, list[int]] = {}
    suspects: set[int] = set()
    for owner_id in repo.owners_with_pending(session, wall=wall):
        suspects |= repo.interrupted(session, owner_id=owner_id, wall=wall)
        ids = repo.claim_owner(session, owner_id=owner_id, wall=wall, until=until)
        if ids:
            claimed[owner_id] = list(ids)
    cycles = repo.cycles(session, [cycle_id for ids in claimed.values() for cycle_id in ids])
    items = {item.cycle_id: item for item in items_of(session, cycles, maybe_sent=suspects)}
    return [
        OwnerBatch(
            owner_id=owner_id,
            items=sorted((items[i] for i in ids if i in items), key=lambda i: (i.due_on, i.cycle_id)),
        )
        for owner_id, ids in claimed.items()
    ]


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
    repo.mark_sent(session, cycle_id=cycle_id, thread_id=thread.id, channel=channel, ts=ts, at=now)


def release(
    *, session: Session, cycle_ids: list[int], error: str, look_next_time: datetime | None = None
) -> None:
    """Give unsent cycles back for the next sweep, noting why they were not sent.

    With `look_next_time` (Slack may have taken a post) the claim is left to lapse at that moment
    instead of being cleared, so the next sweep treats them as interrupted and looks before posting.
    """
    repo.release(session, cycle_ids=cycle_ids, error=error, claimed_until=look_next_time)


def last_confirmed_ts(*, session: Session, thread_id: int) -> str | None:
    """The newest reply in the thread that Slack confirmed; unconfirmed ones can only come after it."""
    return repo.last_sent_ts(session, thread_id=thread_id)
