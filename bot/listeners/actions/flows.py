"""The Propose integration button on an opportunity: the proposal modal, prefilled from the flow."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import FlowRef, ProposalMeta
from bot.ids import Action
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.proposals import proposal_modal
from commands.flows import proposal_prefill


def propose_from_flow(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, FlowRef)
    with transaction(context) as session:
        draft, names = proposal_prefill(session=session, actor=req.actor, flow_id=ref.flow_id)
    view = proposal_modal(
        owner_id=req.actor.user_id, draft=draft, tool_names=names, meta=ProposalMeta(flow_id=ref.flow_id)
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.action(Action.FLOW_PROPOSE, middleware=[button(FlowRef)])(propose_from_flow)
