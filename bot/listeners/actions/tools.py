"""Buttons on tool cards (and the pages of a tool's history) and on the tool list."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.forms import ListRef, ToolHistoryRef, ToolRef, parse_filter
from bot.ids import Action
from bot.middleware import button, deliver, transaction
from bot.request import parsed, request_of
from bot.views.assessment import assessment_modal
from bot.views.fallbacks import dependents_fallback
from bot.views.history import tool_history_blocks, tool_history_text
from bot.views.tools import dependents_blocks, owner_modal, retired_text, tool_card, tool_modal, tools_list
from commands.assessment import start_assessment
from commands.history import tool_history
from commands.tool_retirement import retire_tool_safely
from commands.tools import list_tools, tool_for_steward


def edit(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ToolRef)
    with transaction(context) as session:
        card = tool_for_steward(session=session, actor=req.actor, tool_id=ref.tool_id, doing="edit it")
    client.views_open(
        trigger_id=body["trigger_id"],
        view=tool_modal(owner_id=card.owner_id, draft=card.draft(), tool_id=card.id),
    )


def change_owner(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ToolRef)
    with transaction(context) as session:
        card = tool_for_steward(
            session=session, actor=req.actor, tool_id=ref.tool_id, doing="change its owner"
        )
    client.views_open(trigger_id=body["trigger_id"], view=owner_modal(tool=card))


def _retire(context: BoltContext, respond: Respond, *, with_dependents: bool) -> None:
    req, ref = request_of(context), parsed(context, ToolRef)
    with transaction(context) as session:
        retirement = retire_tool_safely(
            session=session,
            actor=req.actor,
            tool_id=ref.tool_id,
            policy=req.policy,
            now=req.now,
            with_dependents=with_dependents,
        )
    if not retirement.retired:
        respond(
            replace_original=False,
            blocks=dependents_blocks(retirement),
            text=dependents_fallback(retirement.tool.name),
        )
        return
    card = tool_card(retirement.tool, today=req.now.date())
    respond(replace_original=True, blocks=card, text=retired_text(retirement))
    deliver(context)


def retire(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    _retire(context, respond, with_dependents=False)


def retire_with_dependents(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    _retire(context, respond, with_dependents=True)


def assess(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ToolRef)
    with transaction(context) as session:
        start = start_assessment(session=session, actor=req.actor, tool_id=ref.tool_id)
    client.views_open(trigger_id=body["trigger_id"], view=assessment_modal(start))


def history(ack: Ack, context: BoltContext, respond: Respond) -> None:
    """The card's History button: the tool's history, as a new message under the card."""
    ack()
    _history(context, respond, replace_original=False)


def history_page(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    _history(context, respond, replace_original=True)


def _history(context: BoltContext, respond: Respond, *, replace_original: bool) -> None:
    ref = parsed(context, ToolHistoryRef)
    with transaction(context) as session:
        found = tool_history(session=session, tool_id=ref.tool_id, page=ref.page)
    respond(
        replace_original=replace_original, blocks=tool_history_blocks(found), text=tool_history_text(found)
    )


def page(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    ref = parsed(context, ListRef)
    with transaction(context) as session:
        found = list_tools(session=session, query=parse_filter(ref.filter), page=ref.page)
    respond(replace_original=True, blocks=tools_list(found, filter_text=ref.filter), text="Tools")


def register(app: App) -> None:
    app.action(Action.TOOL_EDIT, middleware=[button(ToolRef)])(edit)
    app.action(Action.TOOL_OWNER, middleware=[button(ToolRef)])(change_owner)
    app.action(Action.TOOL_RETIRE, middleware=[button(ToolRef)])(retire)
    app.action(Action.TOOL_RETIRE_WITH_DEPENDENTS, middleware=[button(ToolRef)])(retire_with_dependents)
    app.action(Action.TOOL_ASSESS, middleware=[button(ToolRef)])(assess)
    app.action(Action.TOOL_HISTORY, middleware=[button(ToolHistoryRef)])(history)
    for action in (Action.TOOL_HISTORY_PREV, Action.TOOL_HISTORY_NEXT):
        app.action(action, middleware=[button(ToolHistoryRef)])(history_page)
    for action in (Action.TOOLS_PREV, Action.TOOLS_NEXT):
        app.action(action, middleware=[button(ListRef)])(page)
