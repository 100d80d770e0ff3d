"""Buttons in the owners' review threads, the key-rotation button and the orphan Reassign picker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef, ReviewRef, read_ref
from bot.home import after_change
from bot.ids import Action
from bot.middleware import button, parse, transaction
from bot.request import parsed, request_of
from bot.roles import has_left
from bot.text import escape
from bot.views.reviews import answer_modal, answered_reply
from commands.errors import NotAllowed
from commands.ownership import reassign
from commands.review_answers import answerable_item, record_rotation


@dataclass(frozen=True)
class OwnerPick:
    """The orphan Reassign picker: which integration (its block_id), and who was picked."""

    integration_id: int
    owner_id: str


def read_owner_pick(body: dict[str, Any], _context: BoltContext) -> OwnerPick:
    action = body["actions"][0]
    ref = read_ref(action.get("block_id"), IntegrationRef)
    return OwnerPick(integration_id=ref.integration_id, owner_id=str(action["selected_user"]))


def open_answer(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ReviewRef)
    with transaction(context) as session:
        item = answerable_item(session=session, actor=req.actor, cycle_id=ref.cycle_id)
    client.views_open(trigger_id=body["trigger_id"], view=answer_modal(ref, item))


def key_rotated(ack: Ack, context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ReviewRef)
    with transaction(context) as session:
        answered = record_rotation(session=session, actor=req.actor, cycle_id=ref.cycle_id, now=req.now)
    item = answered.item
    if item.channel and item.ts:
        client.chat_update(
            channel=item.channel,
            ts=item.ts,
            blocks=answered_reply(answered),
            text=f"Key rotated for #{item.integration_id}",
        )


def reassign_owner(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, pick = request_of(context), parsed(context, OwnerPick)
    owner_id = pick.owner_id
    if has_left(client, owner_id):
        raise NotAllowed(f"<@{owner_id}> has left the workspace: pick someone who is still here.")
    with transaction(context) as session:
        title = reassign(
            session=session,
            actor=req.actor,
            integration_id=pick.integration_id,
            owner_id=owner_id,
            now=req.now,
            still_here=lambda user_id: not has_left(client, user_id),
        )
    channel, ts = body.get("channel", {}).get("id"), body.get("message", {}).get("ts")
    if channel and ts:
        client.chat_update(
            channel=channel,
            ts=ts,
            text=f"#{pick.integration_id} {escape(title)} now belongs to <@{owner_id}> "
            f"(reassigned by <@{req.actor.user_id}>).",
            blocks=[],
        )
    after_change(client, context)


def register(app: App) -> None:
    for action in (Action.REVIEW_KEEP, Action.REVIEW_NEEDS_CHANGES, Action.REVIEW_RETIRE):
        app.action(action, middleware=[button(ReviewRef)])(open_answer)
    app.action(Action.KEY_ROTATED, middleware=[button(ReviewRef)])(key_rotated)
    app.action(Action.REASSIGN, middleware=[parse(OwnerPick, read_owner_pick)])(reassign_owner)
