"""The Alert thresholds button on a live integration's card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef, read_value
from bot.ids import Action
from bot.middleware import transaction
from bot.views.thresholds import thresholds_modal
from commands.thresholds import thresholds_to_edit


def open_thresholds(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    ref = read_value(body, IntegrationRef)
    with transaction(context) as session:
        thresholds = thresholds_to_edit(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            policy=context["policy"],
        )
    client.views_open(trigger_id=body["trigger_id"], view=thresholds_modal(thresholds, context["policy"]))


def register(app: App) -> None:
    app.action(Action.THRESHOLDS)(open_thresholds)
