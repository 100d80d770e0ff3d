"""Queries over data flows between tools. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Flow


def get(session: Session, flow_id: int) -> Flow | None:
    return session.get(Flow, flow_id)


def add(session: Session, flow: Flow) -> Flow:
    session.add(flow)
    session.flush()
    return flow


def in_modes(session: Session, *, modes: Collection[str]) -> Sequence[Flow]:
    return session.scalars(select(Flow).where(Flow.mode.in_(list(modes))).order_by(Flow.id)).all()


def all_flows(session: Session) -> Sequence[Flow]:
    return session.scalars(select(Flow).order_by(Flow.id)).all()


def touching(session: Session, tool_id: int) -> Sequence[Flow]:
    """Flows into or out of one tool."""
    where = or_(Flow.source_tool_id == tool_id, Flow.target_tool_id == tool_id)
    return session.scalars(select(Flow).where(where).order_by(Flow.id)).all()


def of_integration(session: Session, integration_id: int) -> Sequence[Flow]:
    return session.scalars(select(Flow).where(Flow.integration_id == integration_id).order_by(Flow.id)).all()
