"""Submissions of the tool modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ToolRef, read_form, read_meta
from bot.ids import Block, Callback
from bot.middleware import saved, transaction
from bot.text import escape
from bot.views.assessment import assessment_modal
from commands.assessment import assessment_after_registering
from commands.fields import Form, UserId
from commands.tools import ToolDraft, change_tool_owner, register_tool, tool_errors, update_tool


class OwnerForm(Form):
    owner_id: UserId


def submit_tool_add(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    with transaction(context) as session:
        draft = ToolDraft.parse(read_form(view), check=lambda v: tool_errors(session=session, values=v))
        card = register_tool(session=session, actor=context["actor"], draft=draft, now=context["now"])
        # Pushed over another form (a proposal's "register a missing tool"): back to that form at once.
        pushed = bool(view.get("previous_view_id"))
        start = (
            None
            if pushed
            else assessment_after_registering(session=session, actor=context["actor"], tool_id=card.id)
        )
    saved(context, escape(card.name))
    if start is not None:
        ack(response_action="update", view=assessment_modal(start))
    else:
        ack()
    client.chat_postMessage(
        channel=context["actor"].user_id,
        text=f"Registered *{escape(card.name)}*. See it with `/patchbay tool {escape(card.name)}`.",
    )


def submit_tool_edit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    ref = read_meta(view, ToolRef)
    with transaction(context) as session:
        draft = ToolDraft.parse(
            read_form(view), check=lambda v: tool_errors(session=session, values=v, tool_id=ref.tool_id)
        )
        update_tool(
            session=session, actor=context["actor"], tool_id=ref.tool_id, draft=draft, now=context["now"]
        )
    ack()


def submit_tool_owner(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, ToolRef)
    form = OwnerForm.parse({Block.OWNER: read_form(view).get(Block.OWNER, "")})
    with transaction(context) as session:
        card = change_tool_owner(
            session=session,
            actor=context["actor"],
            tool_id=ref.tool_id,
            owner_id=form.owner_id,
            now=context["now"],
        )
    saved(context, f"{escape(card.name)}'s new owner")
    ack()
    if card.owner_id != context["actor"].user_id:
        client.chat_postMessage(
            channel=card.owner_id,
            text=f"<@{context['actor'].user_id}> made you the owner of *{escape(card.name)}* in Patchbay.",
        )


def register(app: App) -> None:
    app.view(Callback.TOOL_ADD)(submit_tool_add)
    app.view(Callback.TOOL_EDIT)(submit_tool_edit)
    app.view(Callback.TOOL_OWNER)(submit_tool_owner)
