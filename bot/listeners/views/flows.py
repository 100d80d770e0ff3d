"""Submissions of the flow modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import read_form
from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.views.flows import flow_recorded
from commands.flows import FlowDraft, flow_errors, record_flow


def submit_flow(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    with transaction(context) as session:
        draft = FlowDraft.parse(read_form(view), check=lambda v: flow_errors(session=session, values=v))
        line = record_flow(session=session, actor=context["actor"], draft=draft, now=context["now"])
    saved(context, f"flow #{line.id}")
    ack()
    client.chat_postMessage(channel=context["actor"].user_id, text=flow_recorded(line))
    refresh_home(client, context, context["actor"].user_id)


def register(app: App) -> None:
    app.view(Callback.FLOW_ADD)(submit_flow)
