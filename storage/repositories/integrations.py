"""Queries over integrations and proposals. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select, union_all, update
from sqlalchemy.orm import Session

from storage.models import Integration

RANK_ORDER = (Integration.score.desc(), Integration.payback_months.asc().nulls_last(), Integration.id.asc())


def get(session: Session, integration_id: int) -> Integration | None:
    return session.get(Integration, integration_id)


def add(session: Session, integration: Integration) -> Integration:
    session.add(integration)
    session.flush()
    return integration


def by_ids(session: Session, ids: Collection[int]) -> dict[int, Integration]:
    """The integrations with these ids, in one query."""
    if not ids:
        return {}
    query = select(Integration).where(Integration.id.in_(sorted(set(ids))))
    return {integration.id: integration for integration in session.scalars(query)}


def move_state(session: Session, integration_id: int, *, from_state: str, values: dict[str, Any]) -> bool:
    """Write `values` (a new state among them) only if the integration is still in `from_state`.

    One conditional UPDATE that also bumps the version: False when another request moved it first.
    """
    result = session.execute(
        update(Integration)
        .where(Integration.id == integration_id, Integration.state == from_state)
        .values(version=Integration.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def waiting_in(session: Session, *, states: Collection[str]) -> Sequence[Integration]:
    """Integrations in `states` that know since when they have been there."""
    query = select(Integration).where(
        Integration.state.in_(list(states)), Integration.state_since.is_not(None)
    )
    return session.scalars(query.order_by(Integration.id)).all()


def take_wait_notice(
    session: Session,
    *,
    integration_id: int,
    state_since: datetime,
    column: Literal["nudged_for", "escalated_for"],
) -> bool:
    """Mark the wait that began at `state_since` as nudged (or escalated) once.

    False when the integration has moved on since, or another sweep already marked this wait.
    """
    field = getattr(Integration, column)
    result = session.execute(
        update(Integration)
        .where(
            Integration.id == integration_id,
            Integration.state_since == state_since,
            or_(field.is_(None), field != state_since),
        )
        .values({column: state_since})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def place_card(session: Session, *, integration_id: int, channel: str, ts: str) -> None:
    """Remember where the integration's card was posted (and bump its version)."""
    session.execute(
        update(Integration)
        .where(Integration.id == integration_id)
        .values(card_channel=channel, card_ts=ts, version=Integration.version + 1)
        .execution_options(synchronize_session=False)
    )


def ranked(
    session: Session, *, states: Collection[str], offset: int = 0, limit: int = 20
) -> tuple[Sequence[Integration], int]:
    """One page of integrations in `states`, best first, and how many there are.

    Each state is read in rank order from ix_integrations_rank (state, score, payback), taking only
    its first `offset + limit` entries, and those few are merged: a page costs O(offset + limit)
    index entries instead of sorting every row in `states`.
    """
    wanted = tuple(sorted(states))
    total = count_in(session, states=wanted)
    if not wanted or limit <= 0:
        return [], total
    params = {"span": offset + limit, "skip": offset, "take": limit}
    return session.scalars(_page_statement(wanted), params).all(), total


@lru_cache(maxsize=32)
def _page_statement(states: tuple[str, ...]) -> Select[Integration]:
    """Built once per set of states (building it costs more than running it); limits are bound."""
    keys = select(Integration.id, Integration.score, Integration.payback_months)
    span = bindparam("span", type_=Integer)
    arms = [
        select(keys.where(Integration.state == state).order_by(*RANK_ORDER).limit(span).subquery())
        for state in states
    ]
    candidates = union_all(*arms).subquery("candidates")
    top = (
        select(candidates.c.id)
        .order_by(
            candidates.c.score.desc(), candidates.c.payback_months.asc().nulls_last(), candidates.c.id.asc()
        )
        .offset(bindparam("skip", type_=Integer))
        .limit(bindparam("take", type_=Integer))
        .subquery("top")
    )
    return select(Integration).join(top, Integration.id == top.c.id).order_by(*RANK_ORDER)


def rank_of(session: Session, integration: Integration, *, states: Collection[str]) -> int:
    """1-based position of `integration` among those in `states`.

    Counts the rows ahead as three index ranges of ix_integrations_rank (a higher score; the same score
    and a better payback; the same score and payback and a lower id), in one statement.
    """
    params = {
        "states": sorted(states),
        "score": integration.score,
        "payback": integration.payback_months,
        "id": integration.id,
    }
    statement = _rank_statement(has_payback=integration.payback_months is not None)
    return (session.scalar(statement, params) or 0) + 1


@lru_cache(maxsize=2)
def _rank_statement(*, has_payback: bool) -> Select[int]:
    in_states = Integration.state.in_(bindparam("states", expanding=True))
    score = bindparam("score", type_=Integer)
    payback = bindparam("payback", type_=Integration.payback_months.type)
    same_score = Integration.score == score
    better_payback = (
        Integration.payback_months < payback if has_payback else Integration.payback_months.is_not(None)
    )
    same_payback = (
        Integration.payback_months == payback if has_payback else Integration.payback_months.is_(None)
    )
    ahead = (
        Integration.score > score,
        and_(same_score, better_payback),
        and_(same_score, same_payback, Integration.id < bindparam("id", type_=Integer)),
    )
    counts = [
        select(func.count()).select_from(Integration).where(in_states, part).scalar_subquery()
        for part in ahead
    ]
    return select(counts[0] + counts[1] + counts[2])


_COUNT_IN = (
    select(func.count())
    .select_from(Integration)
    .where(Integration.state.in_(bindparam("states", expanding=True)))
)


def count_in(session: Session, *, states: Collection[str]) -> int:
    return session.scalar(_COUNT_IN, {"states": sorted(states)}) or 0


def count_by_state(session: Session) -> dict[str, int]:
    """How many integrations are in each state (one grouped COUNT over ix_integrations_state)."""
    query = select(Integration.state, func.count()).group_by(Integration.state)
    return {state: count for state, count in session.execute(query)}


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


def touching_tool(session: Session, tool_id: int, *, states: Collection[str]) -> Sequence[Integration]:
    """Integrations into or out of one tool, in these states."""
    ends = or_(Integration.source_tool_id == tool_id, Integration.target_tool_id == tool_id)
    query = select(Integration).where(ends, Integration.state.in_(list(states)))
    return session.scalars(query.order_by(Integration.id)).all()
