"""Exactly once: a Slack request that changed something changes it once, however often it arrives.

Every change is audited (`record_change`), and every Slack request carries a key (a view's id and
callback, an action's timestamp, an event's id). The key is claimed in the same transaction as the
change and kept only when the transaction audited something, so a double submit, a Slack retry or the
same request on another replica waits for the first, then gets `AlreadyDone` naming what it made.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commands.audit import first_change
from commands.errors import PatchbayError
from storage.repositories import idempotency as repo


class AlreadyDone(PatchbayError):
    """The same request was already carried out; `entity_type` and `entity_id` say what it changed."""

    def __init__(self, entity_type: str, entity_id: int) -> None:
        super().__init__(f"Already saved as {entity_type} #{entity_id}.")
        self.entity_type = entity_type
        self.entity_id = entity_id


def claim(*, session: Session, key: str, now: datetime) -> None:
    """Take `key` for this transaction; AlreadyDone when an earlier request with it changed something."""
    row = repo.claim(session, key=key, now=now)
    if row is not None:
        raise AlreadyDone(row.entity_type or "record", row.entity_id or 0)


def settle(*, session: Session, key: str) -> bool:
    """Keep the key with what this transaction changed (True); release it when nothing was changed."""
    entity = first_change(session)
    repo.settle(session, key=key, entity=entity)
    return entity is not None
