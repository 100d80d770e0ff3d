"""Submissions of the flow modal."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import Values, form, saved, transaction
from bot.request import parsed, request_of
from bot.views.flows import flow_recorded
from commands.flows import FlowDraft, flow_errors, record_flow


def submit_flow(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, draft = request_of(context), parsed(context, FlowDraft)
    with transaction(context) as session:
        line = record_flow(session=session, actor=req.actor, draft=draft, now=req.now)
    saved(context, f"flow #{line.id}")
    ack()
    client.chat_postMessage(channel=req.actor.user_id, text=flow_recorded(line))
    refresh_home(client, context, req.actor.user_id)


def _errors(session: Session, values: Values, _context: BoltContext) -> dict[str, str]:
    return flow_errors(session=session, values=values)


def register(app: App) -> None:
    app.view(Callback.FLOW_ADD, middleware=[form(FlowDraft, check=_errors)])(submit_flow)
