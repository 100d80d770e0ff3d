"""Submissions of the tool modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.forms import ToolRef, read_form
from bot.ids import Block, Callback
from bot.middleware import Values, form, metadata, parse, saved, transaction
from bot.request import parsed, request_of
from bot.roles import has_left
from bot.text import escape
from bot.views.assessment import assessment_modal
from commands.assessment import assessment_after_registering
from commands.errors import InvalidInput
from commands.fields import Form, UserId
from commands.tools import (
    ToolDraft,
    change_tool_owner,
    register_tool,
    tool_errors,
    tool_for_steward,
    update_tool,
)


class OwnerForm(Form):
    owner_id: UserId


def submit_tool_add(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    req, draft = request_of(context), parsed(context, ToolDraft)
    with transaction(context) as session:
        card = register_tool(session=session, actor=req.actor, draft=draft, now=req.now)
        # Pushed over another form (a proposal's "register a missing tool"): back to that form at once.
        pushed = bool(view.get("previous_view_id"))
        start = (
            None
            if pushed
            else assessment_after_registering(session=session, actor=req.actor, tool_id=card.id)
        )
    saved(context, escape(card.name))
    if start is not None:
        ack(response_action="update", view=assessment_modal(start))
    else:
        ack()
    client.chat_postMessage(
        channel=req.actor.user_id,
        text=f"Registered *{escape(card.name)}*. See it with `/patchbay tool {escape(card.name)}`.",
    )


def submit_tool_edit(ack: Ack, context: BoltContext) -> None:
    req, ref, draft = request_of(context), parsed(context, ToolRef), parsed(context, ToolDraft)
    with transaction(context) as session:
        update_tool(session=session, actor=req.actor, tool_id=ref.tool_id, draft=draft, now=req.now)
    ack()


def submit_tool_owner(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, picked = request_of(context), parsed(context, ToolRef), parsed(context, OwnerForm)
    with transaction(context) as session:  # the tool and who may hand it over, before asking Slack
        tool_for_steward(session=session, actor=req.actor, tool_id=ref.tool_id, doing="change its owner")
    if has_left(client, picked.owner_id):
        raise InvalidInput({Block.OWNER: "They have left the workspace: pick someone who is still here."})
    with transaction(context) as session:
        card = change_tool_owner(
            session=session, actor=req.actor, tool_id=ref.tool_id, owner_id=picked.owner_id, now=req.now
        )
    saved(context, f"{escape(card.name)}'s new owner")
    ack()
    if card.owner_id != req.actor.user_id:
        client.chat_postMessage(
            channel=card.owner_id,
            text=f"<@{req.actor.user_id}> made you the owner of *{escape(card.name)}* in Patchbay.",
        )


def _new_tool_errors(session: Session, values: Values, _context: BoltContext) -> dict[str, str]:
    return tool_errors(session=session, values=values)


def _edited_tool_errors(session: Session, values: Values, context: BoltContext) -> dict[str, str]:
    return tool_errors(session=session, values=values, tool_id=parsed(context, ToolRef).tool_id)


def _read_owner(body: dict[str, Any], _context: BoltContext) -> OwnerForm:
    """Only the owner picker counts; a missing one reads as empty."""
    return OwnerForm.parse({Block.OWNER: read_form(body.get("view")).get(Block.OWNER, "")})


def register(app: App) -> None:
    app.view(Callback.TOOL_ADD, middleware=[form(ToolDraft, check=_new_tool_errors)])(submit_tool_add)
    app.view(Callback.TOOL_EDIT, middleware=[metadata(ToolRef), form(ToolDraft, check=_edited_tool_errors)])(
        submit_tool_edit
    )
    app.view(Callback.TOOL_OWNER, middleware=[metadata(ToolRef), parse(OwnerForm, _read_owner)])(
        submit_tool_owner
    )
