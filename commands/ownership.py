"""Integrations and tools whose owner has left: flagged orphaned, then given a new owner by an admin
(an integration with the governance card's picker, a tool with Change owner on its card)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from commands.actor import SYSTEM, Actor
from commands.audit import record_change
from commands.errors import NotAllowed, NotFound
from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.review_items import CycleKind, Status
from commands.vocabulary import State
from storage.repositories import integrations as integration_repo
from storage.repositories import reviews as repo
from storage.repositories import tools as tool_repo

OWNED_STATES = (State.APPROVED.value, State.IN_SANDBOX.value, State.LIVE.value, State.SUSPENDED.value)


def owners_to_check(*, session: Session) -> list[str]:
    """Owners of integrations still running and of active tools, not yet flagged orphaned."""
    owners = {i.owner_id for i in repo.integrations_in(session, states=OWNED_STATES) if i.orphaned_at is None}
    return sorted(owners | tool_repo.owners_of_active(session))


def flag_orphaned(*, session: Session, owner_id: str, now: datetime) -> list[int]:
    """Slack says the owner is gone: flag their integrations and owe the governance channel a card each,
    and flag their active tools (listed for admins). The integrations flagged."""
    for tool_id in tool_repo.flag_owner_left(session, owner_id, now):
        record_change(
            session,
            actor=SYSTEM,
            now=now,
            action="tool.owner_left",
            entity_type="tool",
            entity_id=tool_id,
            before=None,
            after={"owner_id": owner_id},
        )
    flagged = []
    for integration in repo.integrations_in(session, states=OWNED_STATES):
        if integration.owner_id == owner_id and integration.orphaned_at is None:
            integration.orphaned_at = now
            flagged.append(integration.id)
            record_change(
                session,
                actor=Actor(user_id="patchbay"),
                now=now,
                action="integration.orphaned",
                entity_type="integration",
                entity_id=integration.id,
                before=None,
                after={"owner_id": owner_id},
            )
            owe(session, kind=Kind.ORPHAN, integration_id=integration.id, now=now)
    session.flush()
    return flagged


def reassign(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    owner_id: str,
    now: datetime,
    still_here: Callable[[str], bool] | None = None,
) -> str:
    """An admin gives an orphaned integration (and its open reviews) a new owner; returns its title.

    Open reviews move to the new owner: the next sweep sends them in the new owner's own thread, and
    their reminders start again from there. When the previous owner is someone else and `still_here`
    says they are still in the workspace, each review already sent gets a reply in the old thread
    saying where it went.
    """
    if not actor.is_admin:
        raise NotAllowed("Only a Patchbay admin can reassign an integration.")
    integration = integration_repo.get(session, integration_id)
    if integration is None:
        raise NotFound(f"There is no integration #{integration_id}.")
    before = integration.owner_id
    tell_previous = still_here is not None and before != owner_id and still_here(before)
    integration.owner_id, integration.orphaned_at, integration.updated_at = owner_id, None, now
    cycles = [c for c in repo.open_cycles(session, owner_id=None) if c.integration_id == integration_id]
    threads = repo.threads(session, {c.thread_id for c in cycles if c.thread_id}) if tell_previous else {}
    moved = 0
    for cycle in cycles:
        thread = threads.get(cycle.thread_id) if cycle.thread_id else None
        if thread is not None:
            owe(
                session,
                kind=Kind.REPLY,
                recipient=thread.channel,
                thread_ts=thread.ts,
                now=now,
                text=Notice(
                    say=Say.REVIEW_MOVED,
                    integration_id=integration.id,
                    title=integration.title,
                    owner_id=owner_id,
                ).model_dump_json(),
            )
        cycle.owner_id, cycle.status, cycle.claimed_until = owner_id, Status.PENDING.value, None
        cycle.thread_id = cycle.channel = cycle.ts = cycle.sent_at = cycle.escalated_at = None
        cycle.reminders_sent, cycle.last_error = 0, ""
        moved += cycle.kind == CycleKind.REVIEW.value
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.reassigned",
        entity_type="integration",
        entity_id=integration.id,
        before={"owner_id": before},
        after={"owner_id": owner_id},
    )
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    owe(
        session,
        kind=Kind.DM,
        integration_id=integration.id,
        recipient=owner_id,
        now=now,
        text=Notice(
            say=Say.MADE_OWNER,
            integration_id=integration.id,
            title=integration.title,
            actor_id=actor.user_id,
            review_moved=bool(moved),
        ).model_dump_json(),
    )
    return integration.title
