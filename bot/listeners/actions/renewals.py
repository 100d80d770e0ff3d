"""Buttons of the renewal reminder (Renew, Replace, Drop), Propose after a Replace, and the list's pages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.forms import ListRef, SuccessorRef
from bot.ids import Action
from bot.middleware import button, deliver, transaction
from bot.request import parsed, request_of
from bot.views.proposals import proposal_modal
from bot.views.renewals import dropped_text, renew_modal, renewal_blocks, renewals_list, replace_modal
from commands.renewals import (
    NoticeRef,
    drop_tool,
    renewal_for_steward,
    renewal_view,
    rolled_to,
    successor_prefill,
    upcoming_renewals,
)


def renew(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, NoticeRef)
    with transaction(context) as session:
        view = renewal_for_steward(session=session, actor=req.actor, notice_id=ref.notice_id)
    client.views_open(
        trigger_id=body["trigger_id"], view=renew_modal(view, rolled_to(view.renews_on, req.now.date()))
    )


def replace(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, NoticeRef)
    with transaction(context) as session:
        view = renewal_for_steward(session=session, actor=req.actor, notice_id=ref.notice_id)
    client.views_open(trigger_id=body["trigger_id"], view=replace_modal(view))


def drop(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    req, ref = request_of(context), parsed(context, NoticeRef)
    with transaction(context) as session:
        retirement = drop_tool(
            session=session, actor=req.actor, notice_id=ref.notice_id, policy=req.policy, now=req.now
        )
    with transaction(context) as session:
        view = renewal_view(session=session, notice_id=ref.notice_id)
    respond(replace_original=True, blocks=renewal_blocks(view), text=dropped_text(retirement))
    respond(replace_original=False, text=dropped_text(retirement))
    deliver(context)


def propose_for_successor(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, SuccessorRef)
    with transaction(context) as session:
        draft, names = successor_prefill(
            session=session, integration_id=ref.integration_id, successor_id=ref.successor_id
        )
    view = proposal_modal(owner_id=req.actor.user_id, draft=draft, tool_names=names)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def page(ack: Ack, context: BoltContext, respond: Respond) -> None:
    ack()
    req, ref = request_of(context), parsed(context, ListRef)
    with transaction(context) as session:
        found = upcoming_renewals(session=session, today=req.now.date(), page=ref.page)
    respond(replace_original=True, blocks=renewals_list(found), text="Renewals")


def register(app: App) -> None:
    app.action(Action.RENEWAL_RENEW, middleware=[button(NoticeRef)])(renew)
    app.action(Action.RENEWAL_REPLACE, middleware=[button(NoticeRef)])(replace)
    app.action(Action.RENEWAL_DROP, middleware=[button(NoticeRef)])(drop)
    app.action(Action.RENEWAL_PROPOSE, middleware=[button(SuccessorRef)])(propose_for_successor)
    for action in (Action.RENEWALS_PREV, Action.RENEWALS_NEXT):
        app.action(action, middleware=[button(ListRef)])(page)
