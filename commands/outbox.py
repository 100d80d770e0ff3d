"""What Slack must be told after a change commits: the card, its thread, and direct messages.

Items are written in the same transaction as the change they describe, then delivered after the
commit; a delivery that fails stays pending and is retried, so a committed change is never undone
by Slack being down and a card is never left stale for good.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import Integration, Outbox
from storage.repositories import outbox as repo

MAX_ATTEMPTS = 20


class Kind(StrEnum):
    CARD = "card"
    THREAD = "thread"
    DM = "dm"
    CHANNEL = "channel"
    ORPHAN = "orphan"
    INCIDENT = "incident"
    RUNBOOK = "runbook"
    CHECK_IN = "check_in"


class Item(BaseModel):
    id: int
    kind: Kind
    integration_id: int | None
    recipient: str
    text: str
    attempts: int


def owe(
    session: Session,
    *,
    kind: Kind,
    now: datetime,
    integration_id: int | None = None,
    recipient: str = "",
    text: str = "",
) -> None:
    """Record a Slack message to send once the current transaction commits."""
    repo.add(
        session,
        Outbox(
            kind=kind.value, integration_id=integration_id, recipient=recipient, text=text, created_at=now
        ),
    )


Sender = Callable[[Session, Item], None]


class DeliveryReport(BaseModel):
    sent: int = 0
    failed: int = 0
    deferred: int = 0


def deliver_pending(*, session: Session, send: Sender, now: datetime, limit: int = 50) -> DeliveryReport:
    """Send what is owed, oldest first.

    A failure stays pending and holds back the later items of the same integration.
    """
    report = DeliveryReport()
    blocked: set[int] = set()
    for row in repo.claim_pending(session, limit=limit, max_attempts=MAX_ATTEMPTS):
        if row.integration_id is not None and row.integration_id in blocked:
            report.deferred += 1
            continue
        item = Item(
            id=row.id,
            kind=Kind(row.kind),
            integration_id=row.integration_id,
            recipient=row.recipient,
            text=row.text,
            attempts=row.attempts,
        )
        try:
            send(session, item)
        except Exception as exc:  # the sender talks to Slack; any failure is retried later
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:200]
            report.failed += 1
            if row.integration_id is not None:
                blocked.add(row.integration_id)
            continue
        row.sent_at = now
        row.attempts += 1
        report.sent += 1
    session.flush()
    return report


def pending_count(*, session: Session) -> int:
    return repo.pending_count(session)


class CardRef(BaseModel):
    channel: str
    ts: str


def card_ref(*, session: Session, integration_id: int) -> CardRef | None:
    """Where the integration's governance card was posted, if it was."""
    integration = session.get(Integration, integration_id)
    if integration is None or not integration.card_channel or not integration.card_ts:
        return None
    return CardRef(channel=integration.card_channel, ts=integration.card_ts)


def place_card(*, session: Session, integration_id: int, ref: CardRef) -> None:
    """Remember where the card was posted, so later changes update it in place."""
    session.execute(
        update(Integration)
        .where(Integration.id == integration_id)
        .values(card_channel=ref.channel, card_ts=ref.ts, version=Integration.version + 1)
        .execution_options(synchronize_session=False)
    )
