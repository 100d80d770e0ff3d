"""Submission of an integration's alert-thresholds modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import ThresholdsMeta, read_form, read_meta
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.views.thresholds import thresholds_change_text
from commands.thresholds import change_thresholds


def submit_thresholds(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    meta = read_meta(view, ThresholdsMeta)
    with transaction(context) as session:
        change = change_thresholds(
            session=session,
            actor=context["actor"],
            integration_id=meta.integration_id,
            values=read_form(view),
            version=meta.version,
            policy=context["policy"],
            now=context["now"],
        )
    saved(context, f"the alert thresholds of #{meta.integration_id}")
    ack()
    client.chat_postMessage(channel=context["actor"].user_id, text=thresholds_change_text(change))


def register(app: App) -> None:
    app.view(Callback.THRESHOLDS)(submit_thresholds)
