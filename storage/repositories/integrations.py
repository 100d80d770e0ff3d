"""Queries over integrations and proposals. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Integration

RANK_ORDER = (Integration.score.desc(), Integration.payback_months.asc().nulls_last(), Integration.id.asc())


def get(session: Session, integration_id: int) -> Integration | None:
    return session.get(Integration, integration_id)


def add(session: Session, integration: Integration) -> Integration:
    session.add(integration)
    session.flush()
    return integration


def ranked(
    session: Session, *, states: Collection[str], offset: int = 0, limit: int = 20
) -> tuple[Sequence[Integration], int]:
    """One page of integrations in `states`, best first, and how many there are."""
    where = Integration.state.in_(list(states))
    total = session.scalar(select(func.count()).select_from(Integration).where(where)) or 0
    page = session.scalars(select(Integration).where(where).order_by(*RANK_ORDER).offset(offset).limit(limit))
    return page.all(), total


def rank_of(session: Session, integration: Integration, *, states: Collection[str]) -> int:
    """1-based position of `integration` among those in `states`."""
    payback = integration.payback_months
    ahead_on_payback = (
        Integration.payback_months.is_not(None)
        if payback is None
        else or_(Integration.payback_months < payback)
    )
    same_payback = (
        Integration.payback_months.is_(None) if payback is None else Integration.payback_months == payback
    )
    ahead = or_(
        Integration.score > integration.score,
        and_(Integration.score == integration.score, ahead_on_payback),
        and_(Integration.score == integration.score, same_payback, Integration.id < integration.id),
    )
    query = select(func.count()).select_from(Integration).where(Integration.state.in_(list(states)), ahead)
    return (session.scalar(query) or 0) + 1


def count_in(session: Session, *, states: Collection[str]) -> int:
    query = select(func.count()).select_from(Integration).where(Integration.state.in_(list(states)))
    return session.scalar(query) or 0


def between(
    session: Session, *, tool_a: int, tool_b: int, exclude_states: Collection[str], exclude_id: int | None
) -> Sequence[Integration]:
    """Integrations connecting the two tools in either direction."""
    pair = or_(
        and_(Integration.source_tool_id == tool_a, Integration.target_tool_id == tool_b),
        and_(Integration.source_tool_id == tool_b, Integration.target_tool_id == tool_a),
    )
    query = select(Integration).where(pair, Integration.state.not_in(list(exclude_states)))
    if exclude_id is not None:
        query = query.where(Integration.id != exclude_id)
    return session.scalars(query.order_by(Integration.id)).all()


def all_in(session: Session, *, states: Collection[str]) -> Sequence[Integration]:
    return session.scalars(
        select(Integration).where(Integration.state.in_(list(states))).order_by(*RANK_ORDER)
    ).all()
