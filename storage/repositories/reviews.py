"""Review cycles and the owners' review threads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Integration, ReviewCycle, ReviewThread


def exists(session: Session, *, integration_id: int, kind: str, due_on: date) -> bool:
    query = select(ReviewCycle.id).where(
        ReviewCycle.integration_id == integration_id, ReviewCycle.kind == kind, ReviewCycle.due_on == due_on
    )
    return session.scalar(query) is not None


def add(session: Session, row: ReviewCycle | ReviewThread) -> None:
    session.add(row)
    session.flush()


def integrations_in(session: Session, *, states: Collection[str]) -> Sequence[Integration]:
    return session.scalars(
        select(Integration).where(Integration.state.in_(list(states))).order_by(Integration.id)
    ).all()


def _claimable(wall: datetime) -> ColumnElement[bool]:
    """Not held by another sweep, and not of an orphaned integration (its owner has left)."""
    owned = select(Integration.id).where(Integration.orphaned_at.is_(None))
    return and_(
        or_(ReviewCycle.claimed_until.is_(None), ReviewCycle.claimed_until < wall),
        ReviewCycle.integration_id.in_(owned),
    )


def owners_with_pending(session: Session, *, wall: datetime) -> Sequence[str]:
    query = (
        select(ReviewCycle.owner_id)
        .where(ReviewCycle.status == "pending", _claimable(wall))
        .distinct()
        .order_by(ReviewCycle.owner_id)
    )
    return session.scalars(query).all()


def interrupted(session: Session, *, owner_id: str, wall: datetime) -> set[int]:
    """Pending cycles whose claim ran out without a release: a sweep died while sending them."""
    query = select(ReviewCycle.id).where(
        ReviewCycle.owner_id == owner_id, ReviewCycle.status == "pending", ReviewCycle.claimed_until < wall
    )
    return set(session.scalars(query).all())


def claim_owner(session: Session, *, owner_id: str, wall: datetime, until: datetime) -> Sequence[int]:
    """Atomically claim the owner's pending cycles that nobody else holds; the ids claimed."""
    result = session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.owner_id == owner_id, ReviewCycle.status == "pending", _claimable(wall))
        .values(claimed_until=until)
        .returning(ReviewCycle.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


def get(session: Session, cycle_id: int) -> ReviewCycle | None:
    return session.get(ReviewCycle, cycle_id)


def cycles(session: Session, ids: Collection[int]) -> Sequence[ReviewCycle]:
    """The cycles with these ids, in one query, by id."""
    if not ids:
        return []
    query = select(ReviewCycle).where(ReviewCycle.id.in_(sorted(set(ids))))
    return session.scalars(query.order_by(ReviewCycle.id)).all()


def threads(session: Session, ids: Collection[int]) -> dict[int, ReviewThread]:
    """The review threads with these ids, in one query."""
    if not ids:
        return {}
    query = select(ReviewThread).where(ReviewThread.id.in_(sorted(set(ids))))
    return {thread.id: thread for thread in session.scalars(query)}


def mark_sent(
    session: Session, *, cycle_id: int, thread_id: int, channel: str, ts: str, at: datetime
) -> None:
    """A pending cycle's reply was confirmed: it is sent, where, and no longer claimed."""
    session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle_id, ReviewCycle.status == "pending")
        .values(
            status="sent",
            thread_id=thread_id,
            channel=channel,
            ts=ts,
            sent_at=at,
            claimed_until=None,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    )


def release(
    session: Session, *, cycle_ids: Collection[int], error: str, claimed_until: datetime | None
) -> None:
    """Give pending cycles back with why they were not sent; the claim lapses at `claimed_until`."""
    if not cycle_ids:
        return
    session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.id.in_(sorted(set(cycle_ids))), ReviewCycle.status == "pending")
        .values(claimed_until=claimed_until, last_error=error[:200])
        .execution_options(synchronize_session=False)
    )


def lock(session: Session, cycle_id: int) -> ReviewCycle | None:
    query = select(ReviewCycle).where(ReviewCycle.id == cycle_id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def thread_for(session: Session, *, owner_id: str, opened_on: date) -> ReviewThread | None:
    query = select(ReviewThread).where(ReviewThread.owner_id == owner_id, ReviewThread.opened_on == opened_on)
    return session.scalars(query).first()


def sent_unanswered(session: Session) -> Sequence[ReviewCycle]:
    query = select(ReviewCycle).where(ReviewCycle.status == "sent", ReviewCycle.kind == "review")
    return session.scalars(query.order_by(ReviewCycle.id)).all()


def bump_reminders(session: Session, *, cycle_id: int, expected: int, to: int) -> bool:
    """Conditionally move the reminder count; False when another sweep already did."""
    result = session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle_id, ReviewCycle.reminders_sent == expected)
        .values(reminders_sent=to)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_escalated(session: Session, *, cycle_id: int, at: datetime) -> bool:
    result = session.execute(
        update(ReviewCycle)
        .where(ReviewCycle.id == cycle_id, ReviewCycle.escalated_at.is_(None))
        .values(escalated_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def open_cycles(
    session: Session, *, owner_id: str | None, as_of: date | None = None
) -> Sequence[ReviewCycle]:
    query = select(ReviewCycle).where(ReviewCycle.status.in_(["pending", "sent"]))
    if owner_id is not None:
        query = query.where(ReviewCycle.owner_id == owner_id)
    if as_of is not None:
        query = query.where(ReviewCycle.due_on <= as_of)
    return session.scalars(query.order_by(ReviewCycle.due_on, ReviewCycle.id)).all()


def all_cycles(session: Session) -> Sequence[ReviewCycle]:
    return session.scalars(select(ReviewCycle).order_by(ReviewCycle.due_on, ReviewCycle.id)).all()


def last_answered(session: Session, integration_id: int) -> ReviewCycle | None:
    query = select(ReviewCycle).where(
        and_(
            ReviewCycle.integration_id == integration_id,
            ReviewCycle.status == "answered",
            ReviewCycle.kind == "review",
        )
    )
    return session.scalars(query.order_by(ReviewCycle.answered_at.desc()).limit(1)).first()


def last_answered_of_each(session: Session, integration_ids: Collection[int]) -> dict[int, ReviewCycle]:
    """Each integration's latest answered review, in one query."""
    if not integration_ids:
        return {}
    query = (
        select(ReviewCycle)
        .where(
            ReviewCycle.integration_id.in_(sorted(set(integration_ids))),
            ReviewCycle.status == "answered",
            ReviewCycle.kind == "review",
        )
        .order_by(ReviewCycle.integration_id, ReviewCycle.answered_at.desc(), ReviewCycle.id.desc())
    )
    latest: dict[int, ReviewCycle] = {}
    for cycle in session.scalars(query):
        latest.setdefault(cycle.integration_id, cycle)
    return latest


def last_sent_ts(session: Session, *, thread_id: int) -> str | None:
    query = select(ReviewCycle.ts).where(ReviewCycle.thread_id == thread_id, ReviewCycle.ts.is_not(None))
    found = [ts for ts in session.scalars(query).all() if ts]
    return max(found, key=float, default=None)
