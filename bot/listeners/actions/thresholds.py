"""The Alert thresholds button on a live integration's card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef
from bot.ids import Action
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.thresholds import thresholds_modal
from commands.thresholds import thresholds_to_edit


def open_thresholds(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IntegrationRef)
    with transaction(context) as session:
        thresholds = thresholds_to_edit(
            session=session, actor=req.actor, integration_id=ref.integration_id, policy=req.policy
        )
    client.views_open(trigger_id=body["trigger_id"], view=thresholds_modal(thresholds, req.policy))


def register(app: App) -> None:
    app.action(Action.THRESHOLDS, middleware=[button(IntegrationRef)])(open_thresholds)
