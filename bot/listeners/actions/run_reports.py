"""The Connect run reports button on a live integration's card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef
from bot.ids import Action
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.run_reports import connect_modal
from commands.run_tokens import token_status


def connect_runs(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IntegrationRef)
    with transaction(context) as session:
        status = token_status(session=session, actor=req.actor, integration_id=ref.integration_id)
    client.views_open(trigger_id=body["trigger_id"], view=connect_modal(status, runs_url=req.runs_url))


def register(app: App) -> None:
    app.action(Action.CONNECT_RUNS, middleware=[button(IntegrationRef)])(connect_runs)
