"""Submissions of the proposal modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ProposalMeta, read_form, read_meta
from bot.home import refresh_home
from bot.ids import Block, Callback
from bot.middleware import deliver, saved, transaction
from bot.text import escape
from bot.views.fallbacks import saved_fallback
from bot.views.proposals import integration_card, proposal_modal
from commands.flows import propose_from_flow
from commands.proposal_form import ProposalDraft, proposal_errors
from commands.proposal_writes import Similar, edit_proposal, propose_integration
from commands.tools import tool_names


def _draft(view: dict[str, Any], context: BoltContext) -> tuple[ProposalDraft, bool]:
    form = read_form(view)
    confirmed = bool(form.pop(Block.CONFIRM_SIMILAR, None))
    with transaction(context) as session:
        draft = ProposalDraft.parse(form, check=lambda v: proposal_errors(session=session, values=v))
    return draft, confirmed


def _ask_to_confirm(
    ack: Ack, context: BoltContext, draft: ProposalDraft, meta: ProposalMeta, error: Similar
) -> None:
    with transaction(context) as session:
        names = tool_names(session=session, ids=[draft.source_tool_id, draft.target_tool_id])
    view = proposal_modal(
        owner_id=draft.owner_id, draft=draft, tool_names=names, meta=meta, similar=error.message
    )
    ack(response_action="update", view=view)


def submit_proposal(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    meta = read_meta(view, ProposalMeta, empty="{}")
    draft, confirmed = _draft(view, context)
    try:
        with transaction(context) as session:
            if meta.integration_id is None and meta.flow_id is not None:
                card = propose_from_flow(
                    session=session,
                    actor=context["actor"],
                    flow_id=meta.flow_id,
                    draft=draft,
                    policy=context["policy"],
                    now=context["now"],
                    confirmed=confirmed,
                )
            elif meta.integration_id is None:
                card = propose_integration(
                    session=session,
                    actor=context["actor"],
                    draft=draft,
                    policy=context["policy"],
                    now=context["now"],
                    confirmed=confirmed,
                )
            else:
                card = edit_proposal(
                    session=session,
                    actor=context["actor"],
                    integration_id=meta.integration_id,
                    draft=draft,
                    policy=context["policy"],
                    now=context["now"],
                    confirmed=confirmed,
                )
    except Similar as error:
        _ask_to_confirm(ack, context, draft, meta, error)
        return
    saved(context, f"#{card.id} {escape(card.title)}")
    ack()
    deliver(context)
    client.chat_postMessage(
        channel=context["actor"].user_id,
        text=saved_fallback(new=meta.integration_id is None, card=card),
        blocks=integration_card(card),
    )
    refresh_home(client, context, context["actor"].user_id)


def register(app: App) -> None:
    app.view(Callback.PROPOSE)(submit_proposal)
    app.view(Callback.PROPOSAL_EDIT)(submit_proposal)
