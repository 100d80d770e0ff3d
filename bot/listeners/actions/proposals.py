"""Buttons of the proposal modal, the integration card and the queue; the tool type-ahead."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.forms import IntegrationRef, ListRef, ProposalMeta
from bot.ids import Action, Field
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.elements import option
from bot.views.proposals import proposal_modal, queue_blocks
from bot.views.tools import tool_modal
from commands.proposal_writes import proposal_for_editor
from commands.queue import queue
from commands.tools import search_tool_names

MAX_OPTIONS = 100


def suggest_tools(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    with transaction(context) as session:
        found = search_tool_names(session=session, fragment=str(body.get("value", "")), limit=MAX_OPTIONS)
    ack(options=[option(str(tool.id), tool.name).to_dict() for tool in found])


def register_missing_tool(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    owner_id = request_of(context).actor.user_id
    client.views_push(trigger_id=body["trigger_id"], view=tool_modal(owner_id=owner_id))


def edit_proposal(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IntegrationRef)
    with transaction(context) as session:
        card = proposal_for_editor(
            session=session, actor=req.actor, integration_id=ref.integration_id, policy=req.policy
        )
    view = proposal_modal(
        owner_id=card.owner_id,
        draft=card.draft,
        tool_names=card.tool_names,
        meta=ProposalMeta(integration_id=card.id),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def queue_page(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ListRef)
    with transaction(context) as session:
        page = queue(session=session, policy=req.policy, page=ref.page)
    respond(replace_original=True, blocks=queue_blocks(page), text="Integration queue")


def register(app: App) -> None:
    app.options(Field.TOOL_PICK)(suggest_tools)
    app.action(Action.REGISTER_MISSING_TOOL)(register_missing_tool)
    app.action(Action.PROPOSAL_EDIT, middleware=[button(IntegrationRef)])(edit_proposal)
    for action in (Action.QUEUE_PREV, Action.QUEUE_NEXT):
        app.action(action, middleware=[button(ListRef)])(queue_page)
