"""A run report for a retired or retiring integration: its token was revoked, yet something still runs.

The report is refused (401, as for any revoked token) and nothing of it is stored; the owner and the
governance channel are told once per integration per day, however many reports arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commands.actor import SYSTEM
from commands.audit import record_change
from commands.notices import Notice, Say
from commands.once import AlreadyDone, claim, settle
from commands.outbox import Kind, owe
from commands.run_tokens import PREFIX, hash_token
from commands.vocabulary import State
from storage.repositories import ingest_tokens as token_repo
from storage.repositories import integrations as integration_repo

ENDED = frozenset({State.RETIRING, State.RETIRED})
STILL_RUNNING = "integration.still_running"


def report_from_retired(*, session: Session, token: str, now: datetime) -> int | None:
    """Raise the alert for a report made with a retired integration's token; the integration, if raised.

    Returns None when the token is not a retired or retiring integration's, or when today's alert for
    that integration was already raised (by this process or another).
    """
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    integration_id = token_repo.integration_of_any(session, hash_token(token))
    integration = integration_repo.get(session, integration_id) if integration_id is not None else None
    if integration is None or State(integration.state) not in ENDED:
        return None
    key = f"still_running:{integration.id}:{now.date().isoformat()}"
    try:
        claim(session=session, key=key, now=now)
    except AlreadyDone:
        return None
    record_change(
        session,
        actor=SYSTEM,
        now=now,
        action=STILL_RUNNING,
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={"state": integration.state},
    )
    notice = Notice(
        say=Say.STILL_RUNNING,
        integration_id=integration.id,
        title=integration.title,
        owner_id=integration.owner_id,
        after=integration.state,
    )
    owe(
        session,
        kind=Kind.DM,
        integration_id=integration.id,
        recipient=integration.owner_id,
        now=now,
        text=notice.model_dump_json(),
    )
    owe(session, kind=Kind.CHANNEL, integration_id=integration.id, now=now, text=notice.model_dump_json())
    settle(session=session, key=key)
    return integration.id
