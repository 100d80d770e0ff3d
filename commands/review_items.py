"""A review cycle as its owner sees it, read for any number of cycles in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.vocabulary import DataClass, Labelled, State
from storage.models import Integration, ReviewCycle
from storage.repositories import integrations as integration_repo
from storage.repositories import reviews as repo
from storage.repositories import tools as tool_repo


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


def items_of(
    session: Session,
    cycles: Sequence[ReviewCycle],
    *,
    maybe_sent: Collection[int] = (),
    integrations: Mapping[int, Integration] | None = None,
) -> list[ReviewItem]:
    """The items of these cycles, in their order: one query per kind of row, however many cycles.

    `maybe_sent` names the cycles an interrupted sweep may already have posted; `integrations`, the
    cycles' integrations when the caller has already read them.
    """
    if integrations is None:
        integrations = integration_repo.by_ids(session, {c.integration_id for c in cycles})
    names = tool_repo.names(
        session,
        {i.source_tool_id for i in integrations.values()} | {i.target_tool_id for i in integrations.values()},
    )
    last = repo.last_answered_of_each(session, integrations.keys())
    threads = repo.threads(session, {c.thread_id for c in cycles if c.thread_id})
    items = []
    for cycle in cycles:
        integration = integrations[cycle.integration_id]
        answered = last.get(integration.id)
        thread = threads.get(cycle.thread_id) if cycle.thread_id else None
        items.append(
            ReviewItem(
                cycle_id=cycle.id,
                kind=CycleKind(cycle.kind),
                integration_id=integration.id,
                title=integration.title,
                purpose=integration.purpose,
                flow=f"{names.get(integration.source_tool_id, '?')} -> "
                f"{names.get(integration.target_tool_id, '?')}",
                state=State(integration.state),
                owner_id=cycle.owner_id,
                due_on=cycle.due_on,
                live_since=integration.live_at.date() if integration.live_at else None,
                last_outcome=Outcome(answered.outcome).label if answered and answered.outcome else None,
                data_classes=[DataClass(c) for c in integration.data_classes],
                status=Status(cycle.status),
                channel=cycle.channel,
                ts=cycle.ts,
                thread_ts=thread.ts if thread else None,
                reminders_sent=cycle.reminders_sent,
                sent_at=cycle.sent_at,
                escalated=cycle.escalated_at is not None,
                rotation_days=integration.rotation_days,
                maybe_sent=cycle.id in maybe_sent,
            )
        )
    return items


def item_of(session: Session, cycle: ReviewCycle) -> ReviewItem:
    """One cycle's item."""
    return items_of(session, [cycle])[0]
