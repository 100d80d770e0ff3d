"""Submissions of the proposal modal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.forms import ProposalMeta, read_form
from bot.home import refresh_home
from bot.ids import Block, Callback
from bot.middleware import deliver, metadata, parse, saved, transaction
from bot.request import Request, parsed, request_of
from bot.text import escape
from bot.views.fallbacks import saved_fallback
from bot.views.proposals import integration_card, proposal_modal
from commands.flows import propose_from_flow
from commands.proposal_card import IntegrationCard
from commands.proposal_form import ProposalDraft, proposal_errors
from commands.proposal_writes import Similar, edit_proposal, propose_integration
from commands.tools import tool_names


@dataclass(frozen=True)
class Proposal:
    """The proposal modal as submitted: the draft, and whether a similar proposal was seen and accepted."""

    draft: ProposalDraft
    confirmed: bool


def read_proposal(body: dict[str, Any], context: BoltContext) -> Proposal:
    values = read_form(body.get("view"))
    confirmed = bool(values.pop(Block.CONFIRM_SIMILAR, None))
    with transaction(context) as session:
        draft = ProposalDraft.parse(values, check=lambda v: proposal_errors(session=session, values=v))
    return Proposal(draft=draft, confirmed=confirmed)


def _ask_to_confirm(
    ack: Ack, context: BoltContext, draft: ProposalDraft, meta: ProposalMeta, error: Similar
) -> None:
    with transaction(context) as session:
        names = tool_names(session=session, ids=[draft.source_tool_id, draft.target_tool_id])
    view = proposal_modal(
        owner_id=draft.owner_id, draft=draft, tool_names=names, meta=meta, similar=error.message
    )
    ack(response_action="update", view=view)


def submit_proposal(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, meta, proposal = request_of(context), parsed(context, ProposalMeta), parsed(context, Proposal)
    try:
        with transaction(context) as session:
            card = _save(session, req, meta, proposal)
    except Similar as error:
        _ask_to_confirm(ack, context, proposal.draft, meta, error)
        return
    saved(context, f"#{card.id} {escape(card.title)}")
    ack()
    deliver(context)
    client.chat_postMessage(
        channel=req.actor.user_id,
        text=saved_fallback(new=meta.integration_id is None, card=card),
        blocks=integration_card(card),
    )
    refresh_home(client, context, req.actor.user_id)


def _save(session: Session, req: Request, meta: ProposalMeta, proposal: Proposal) -> IntegrationCard:
    """Edit the proposal the modal was opened on, or propose a new one (from a flow, if it came from one)."""
    draft, confirmed = proposal.draft, proposal.confirmed
    if meta.integration_id is not None:
        return edit_proposal(
            session=session,
            actor=req.actor,
            integration_id=meta.integration_id,
            draft=draft,
            policy=req.policy,
            now=req.now,
            confirmed=confirmed,
        )
    if meta.flow_id is not None:
        return propose_from_flow(
            session=session,
            actor=req.actor,
            flow_id=meta.flow_id,
            draft=draft,
            policy=req.policy,
            now=req.now,
            confirmed=confirmed,
        )
    return propose_integration(
        session=session, actor=req.actor, draft=draft, policy=req.policy, now=req.now, confirmed=confirmed
    )


def register(app: App) -> None:
    middleware = [metadata(ProposalMeta, empty="{}"), parse(Proposal, read_proposal)]
    app.view(Callback.PROPOSE, middleware=middleware)(submit_proposal)
    app.view(Callback.PROPOSAL_EDIT, middleware=middleware)(submit_proposal)
