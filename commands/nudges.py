"""Proposals left waiting for a security review or an approval: nudged on the card, then escalated."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.vocabulary import State
from storage.models import Integration
from storage.repositories import integrations as repo

WAITING = (State.PROPOSED, State.SECURITY_REVIEW, State.AWAITING_APPROVAL, State.RETIRING)


def _take(session: Session, integration: Integration, column: Literal["nudged_for", "escalated_for"]) -> bool:
    """Mark this wait as nudged (or escalated) once; False when another sweep already did."""
    assert integration.state_since is not None
    return repo.take_wait_notice(
        session, integration_id=integration.id, state_since=integration.state_since, column=column
    )


def nudge_waiting(*, session: Session, now: datetime, policy: Policy, admins: list[str]) -> tuple[int, int]:
    """Owe a thread nudge after `nudge_after_days`, an escalation after `escalate_after_days`; counts."""
    waiting = repo.waiting_in(session, states=[s.value for s in WAITING])
    nudged = escalated = 0
    for integration in waiting:
        assert integration.state_since is not None
        days = (now - integration.state_since).days
        notice = Notice(say=Say.NUDGE, integration_id=integration.id, days=days, waiting_in=integration.state)
        if days >= policy.nudge_after_days and _take(session, integration, "nudged_for"):
            owe(
                session,
                kind=Kind.THREAD,
                integration_id=integration.id,
                now=now,
                text=notice.model_dump_json(),
            )
            nudged += 1
        if days >= policy.escalate_after_days and _take(session, integration, "escalated_for"):
            escalation = notice.model_copy(
                update={"say": Say.ESCALATION, "title": integration.title, "admins": admins}
            )
            owe(
                session,
                kind=Kind.CHANNEL,
                integration_id=integration.id,
                now=now,
                text=escalation.model_dump_json(),
            )
            escalated += 1
    return nudged, escalated
