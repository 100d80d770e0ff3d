"""Tools that renew, and the reminders sent before they do. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import RenewalNotice, Tool


def renewing_between(
    session: Session, first: date, last: date, *, offset: int = 0, limit: int | None = None
) -> Sequence[Tool]:
    """Active tools that renew from `first` to `last`, soonest first (all of them without `limit`)."""
    query = (
        select(Tool)
        .where(Tool.retired_at.is_(None), Tool.renews_on >= first, Tool.renews_on <= last)
        .order_by(Tool.renews_on, Tool.name_key)
        .offset(offset)
        .limit(limit)
    )
    return session.scalars(query).all()


def count_renewing_between(session: Session, first: date, last: date) -> int:
    query = select(func.count(Tool.id)).where(
        Tool.retired_at.is_(None), Tool.renews_on >= first, Tool.renews_on <= last
    )
    return session.scalar(query) or 0


def notices_for(session: Session, tool_id: int, renews_on: date) -> Sequence[RenewalNotice]:
    query = select(RenewalNotice).where(
        RenewalNotice.tool_id == tool_id, RenewalNotice.renews_on == renews_on
    )
    return session.scalars(query.order_by(RenewalNotice.id)).all()


def claim(session: Session, notice: RenewalNotice) -> bool:
    """Insert the notice unless another process already did (its unique key); True when this one did."""
    try:
        with session.begin_nested():
            session.add(notice)
            session.flush()
    except IntegrityError:
        return False
    return True


def get(session: Session, notice_id: int) -> RenewalNotice | None:
    return session.get(RenewalNotice, notice_id)


def answer(session: Session, *, notice_id: int, answer: str, by: str, at: datetime) -> bool:
    """Record the answer to an unanswered notice; False when it was answered already (a double click)."""
    result = session.execute(
        update(RenewalNotice)
        .where(RenewalNotice.id == notice_id, RenewalNotice.answer.is_(None))
        .values(answer=answer, answered_by=by, answered_at=at)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]


def passed_unfollowed(session: Session, today: date, *, asked: int) -> Sequence[Tool]:
    """Active tools whose renewal date is before `today` and was neither answered nor asked about after
    it passed (a notice `asked` days before, negative: after), oldest date first."""
    followed = exists().where(
        RenewalNotice.tool_id == Tool.id,
        RenewalNotice.renews_on == Tool.renews_on,
        or_(RenewalNotice.answer.is_not(None), RenewalNotice.days_before == asked),
    )
    query = (
        select(Tool)
        .where(Tool.retired_at.is_(None), Tool.renews_on < today, ~followed)
        .order_by(Tool.renews_on, Tool.id)
    )
    return session.scalars(query).all()


def roll_forward(session: Session, *, tool_id: int, renews_on: date, to: date, at: datetime) -> bool:
    """Move an auto-renewing tool's renewal date from `renews_on` to `to`, unless it changed since
    (another process rolled it, or someone edited it); True when this call moved it."""
    result = session.execute(
        update(Tool)
        .where(
            and_(
                Tool.id == tool_id,
                Tool.renews_on == renews_on,
                Tool.auto_renews.is_(True),
                Tool.retired_at.is_(None),
            )
        )
        .values(renews_on=to, updated_at=at, version=Tool.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]
