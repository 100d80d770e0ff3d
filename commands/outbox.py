"""What Slack must be told after a change commits: the card, its thread, and direct messages.

Items are written in the same transaction as the change they describe, then delivered after the
commit; a delivery that fails stays pending and is retried, so a committed change is never undone
by Slack being down and a card is never left stale for good.

A post that may have landed (Slack answered 5xx, or the connection dropped after sending) is marked
uncertain and never posted again blindly: the next run first asks where it would be, within a small
budget of lookups per run; items past the budget wait for the next run.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy.orm import Session

from storage.models import Outbox
from storage.repositories import integrations as integration_repo
from storage.repositories import outbox as repo

MAX_ATTEMPTS = 20


class Kind(StrEnum):
    CARD = "card"
    THREAD = "thread"
    DM = "dm"
    CHANNEL = "channel"
    ORPHAN = "orphan"
    REPLY = "reply"  # a reply in a known thread: `recipient` is the channel, `thread_ts` the thread
    INCIDENT = "incident"
    RUNBOOK = "runbook"
    CHECK_IN = "check_in"
    RENEWAL = "renewal"  # a renewal reminder DM: `text` names the notice


class Item(BaseModel):
    id: int
    kind: Kind
    integration_id: int | None
    recipient: str
    thread_ts: str = ""
    text: str
    attempts: int
    uncertain: bool = False
    look_after: str = ""


def owe(
    session: Session,
    *,
    kind: Kind,
    now: datetime,
    integration_id: int | None = None,
    recipient: str = "",
    text: str = "",
    thread_ts: str = "",
) -> None:
    """Record a Slack message to send once the current transaction commits."""
    repo.add(
        session,
        Outbox(
            kind=kind.value,
            integration_id=integration_id,
            recipient=recipient,
            thread_ts=thread_ts,
            text=text,
            created_at=now,
        ),
    )


class Uncertain(Exception):
    """The message may have been delivered; `look_after` is a moment just before the attempt."""

    def __init__(self, look_after: str, cause: str) -> None:
        super().__init__(cause)
        self.look_after = look_after


class Sender(Protocol):
    def __call__(self, session: Session, item: Item) -> None:
        """Deliver the item; raise Uncertain when it may have landed, anything else when it did not."""

    def landed(self, session: Session, item: Item) -> bool | None:
        """Whether an uncertain item reached Slack; None when this run has no lookup left for it."""


class DeliveryReport(BaseModel):
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    found: int = 0


def deliver_pending(*, session: Session, send: Sender, now: datetime, limit: int = 50) -> DeliveryReport:
    """Send what is owed, oldest first; look before sending again what may have landed.

    A failure stays pending and holds back the later items of the same integration.
    """
    report = DeliveryReport()
    blocked: set[int] = set()
    for row in repo.claim_pending(session, limit=limit, max_attempts=MAX_ATTEMPTS):
        if row.integration_id is not None and row.integration_id in blocked:
            report.deferred += 1
            continue
        item = Item.model_validate(row, from_attributes=True)
        try:
            landed = send.landed(session, item) if row.uncertain else False
            if landed is None:
                report.deferred += 1
            elif landed:
                report.found += 1
            else:
                send(session, item)
                report.sent += 1
        except Exception as exc:  # the sender talks to Slack; any failure is retried later
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:200]
            if isinstance(exc, Uncertain):
                row.uncertain, row.look_after = True, exc.look_after
            report.failed += 1
        else:
            if landed is not None:
                row.sent_at, row.uncertain = now, False
                row.attempts += 1
                continue
        if row.integration_id is not None:
            blocked.add(row.integration_id)
    session.flush()
    return report


def pending_count(*, session: Session) -> int:
    return repo.pending_count(session)


class CardRef(BaseModel):
    channel: str
    ts: str


def card_ref(*, session: Session, integration_id: int) -> CardRef | None:
    """Where the integration's governance card was posted, if it was."""
    integration = integration_repo.get(session, integration_id)
    if integration is None or not integration.card_channel or not integration.card_ts:
        return None
    return CardRef(channel=integration.card_channel, ts=integration.card_ts)


def place_card(*, session: Session, integration_id: int, ref: CardRef) -> None:
    """Remember where the card was posted, so later changes update it in place."""
    integration_repo.place_card(session, integration_id=integration_id, channel=ref.channel, ts=ref.ts)
