"""Proposing an integration and editing the proposal until it is approved."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Mention, NotAllowed, PatchbayError
from commands.fields import raise_errors
from commands.integrations import get_integration
from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.proposal_card import IntegrationCard, card_of, economics_of
from commands.proposal_form import ProposalDraft, draft_of, proposal_errors, write_draft
from commands.vocabulary import ENDED, State
from storage.models import Integration
from storage.repositories import integrations as repo

EDITABLE = frozenset(
    {State.PROPOSED, State.SECURITY_REVIEW, State.CHANGES_REQUESTED, State.AWAITING_APPROVAL}
)


class Similar(PatchbayError):
    """Integrations already connect these tools with overlapping data; saving needs a confirmation."""

    def __init__(self, matches: list[tuple[int, str, State]]) -> None:
        listed = ", ".join(f"#{i} {title} ({state.label.lower()})" for i, title, state in matches)
        super().__init__("Similar integrations already exist: {listed}.", listed=listed)
        self.matches = matches


def _similar(session: Session, draft: ProposalDraft, exclude_id: int | None) -> list[tuple[int, str, State]]:
    found = repo.between(
        session,
        tool_a=draft.source_tool_id,
        tool_b=draft.target_tool_id,
        exclude_states=[s.value for s in ENDED],
        exclude_id=exclude_id,
    )
    wanted = {kind.value for kind in draft.data_kinds}
    return [
        (other.id, other.title, State(other.state))
        for other in found
        if not wanted or not other.data_kinds or wanted & set(other.data_kinds)
    ]


def _save(integration: Integration, draft: ProposalDraft, policy: Policy) -> None:
    write_draft(integration, draft)
    economics = economics_of(draft, policy)
    integration.score, integration.payback_months = economics.score, economics.payback_months


def snapshot(integration: Integration) -> dict[str, Any]:
    """The proposal as the audit log records it."""
    return {**draft_of(integration).model_dump(mode="json"), "state": integration.state}


def propose_integration(
    *,
    session: Session,
    actor: Actor,
    draft: ProposalDraft,
    policy: Policy,
    now: datetime,
    confirmed: bool = False,
) -> IntegrationCard:
    """Record a new proposal; warns (Similar) about overlapping ones unless `confirmed`."""
    raise_errors(proposal_errors(session=session, values=dict(draft)))
    similar = _similar(session, draft, exclude_id=None)
    if similar and not confirmed:
        raise Similar(similar)
    integration = Integration(
        proposer_id=actor.user_id, state=State.PROPOSED.value, created_at=now, updated_at=now
    )
    _save(integration, draft, policy)
    repo.add(session, integration)
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.proposed",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after=snapshot(integration),
    )
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    if integration.owner_id != actor.user_id:
        owe(
            session,
            kind=Kind.DM,
            integration_id=integration.id,
            recipient=integration.owner_id,
            now=now,
            text=Notice(
                say=Say.PROPOSED_FOR_YOU,
                integration_id=integration.id,
                title=integration.title,
                actor_id=actor.user_id,
            ).model_dump_json(),
        )
    return card_of(session, integration, policy)


def can_edit(actor: Actor, card: IntegrationCard) -> bool:
    """Whether the actor may edit the proposal now: its proposer or owner, before approval."""
    return actor.user_id in (card.proposer_id, card.owner_id) and card.state in EDITABLE


def proposal_for_editor(
    *, session: Session, actor: Actor, integration_id: int, policy: Policy
) -> IntegrationCard:
    """The proposal, if the actor may edit it now; otherwise NotAllowed saying why."""
    integration = get_integration(session, integration_id)
    if actor.user_id not in (integration.proposer_id, integration.owner_id):
        raise NotAllowed(
            f"Only the proposer {{proposer}} or the owner {{owner}} can edit #{integration.id}.",
            proposer=Mention(integration.proposer_id),
            owner=Mention(integration.owner_id),
        )
    if State(integration.state) not in EDITABLE:
        raise NotAllowed(
            f"#{integration.id} is {State(integration.state).label.lower()}; it can no longer be edited."
        )
    return card_of(session, integration, policy)


def edit_proposal(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    draft: ProposalDraft,
    policy: Policy,
    now: datetime,
    confirmed: bool = False,
) -> IntegrationCard:
    """Save an edit by the proposer or owner while the proposal is not yet approved."""
    proposal_for_editor(session=session, actor=actor, integration_id=integration_id, policy=policy)
    integration = get_integration(session, integration_id)
    raise_errors(proposal_errors(session=session, values=dict(draft)))
    similar = _similar(session, draft, exclude_id=integration.id)
    if similar and not confirmed:
        raise Similar(similar)
    before = snapshot(integration)
    _save(integration, draft, policy)
    integration.updated_at = now
    session.flush()
    after = snapshot(integration)
    if after != before:
        changed = sorted(key for key in after if after[key] != before.get(key))
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.edited",
            entity_type="integration",
            entity_id=integration.id,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    return card_of(session, integration, policy)
