"""Buttons on tool cards and on the tool list."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.forms import ListRef, ToolRef, parse_filter, read_value
from bot.ids import Action
from bot.middleware import deliver, transaction
from bot.views.assessment import assessment_modal
from bot.views.fallbacks import dependents_fallback
from bot.views.tools import dependents_blocks, owner_modal, retired_text, tool_card, tool_modal, tools_list
from commands.assessment import start_assessment
from commands.tool_retirement import retire_tool_safely
from commands.tools import list_tools, tool_for_steward


def _ref(body: dict[str, Any]) -> ToolRef:
    return read_value(body, ToolRef)


def edit(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    with transaction(context) as session:
        card = tool_for_steward(
            session=session, actor=context["actor"], tool_id=_ref(body).tool_id, doing="edit it"
        )
    client.views_open(
        trigger_id=body["trigger_id"],
        view=tool_modal(owner_id=card.owner_id, draft=card.draft(), tool_id=card.id),
    )


def change_owner(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    with transaction(context) as session:
        card = tool_for_steward(
            session=session, actor=context["actor"], tool_id=_ref(body).tool_id, doing="change its owner"
        )
    client.views_open(trigger_id=body["trigger_id"], view=owner_modal(tool=card))


def _retire(body: dict[str, Any], context: BoltContext, respond: Respond, *, with_dependents: bool) -> None:
    with transaction(context) as session:
        retirement = retire_tool_safely(
            session=session,
            actor=context["actor"],
            tool_id=_ref(body).tool_id,
            policy=context["policy"],
            now=context["now"],
            with_dependents=with_dependents,
        )
    if not retirement.retired:
        respond(
            replace_original=False,
            blocks=dependents_blocks(retirement),
            text=dependents_fallback(retirement.tool.name),
        )
        return
    respond(replace_original=True, blocks=tool_card(retirement.tool), text=retired_text(retirement))
    deliver(context)


def retire(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    _retire(body, context, respond, with_dependents=False)


def retire_with_dependents(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    _retire(body, context, respond, with_dependents=True)


def assess(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    with transaction(context) as session:
        start = start_assessment(session=session, actor=context["actor"], tool_id=_ref(body).tool_id)
    client.views_open(trigger_id=body["trigger_id"], view=assessment_modal(start))


def page(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    ref = read_value(body, ListRef)
    with transaction(context) as session:
        found = list_tools(session=session, query=parse_filter(ref.filter), page=ref.page)
    respond(replace_original=True, blocks=tools_list(found, filter_text=ref.filter), text="Tools")


def register(app: App) -> None:
    app.action(Action.TOOL_EDIT)(edit)
    app.action(Action.TOOL_OWNER)(change_owner)
    app.action(Action.TOOL_RETIRE)(retire)
    app.action(Action.TOOL_RETIRE_WITH_DEPENDENTS)(retire_with_dependents)
    app.action(Action.TOOL_ASSESS)(assess)
    app.action(Action.TOOLS_PREV)(page)
    app.action(Action.TOOLS_NEXT)(page)
