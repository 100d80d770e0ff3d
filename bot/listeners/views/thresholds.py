"""Submission of an integration's alert-thresholds modal."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import FormValues, ThresholdsMeta
from bot.ids import Callback
from bot.middleware import form_values, metadata, saved, transaction
from bot.request import parsed, request_of
from bot.views.thresholds import thresholds_change_text
from commands.thresholds import change_thresholds


def submit_thresholds(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, meta = request_of(context), parsed(context, ThresholdsMeta)
    with transaction(context) as session:
        change = change_thresholds(
            session=session,
            actor=req.actor,
            integration_id=meta.integration_id,
            values=parsed(context, FormValues),
            version=meta.version,
            policy=req.policy,
            now=req.now,
        )
    saved(context, f"the alert thresholds of #{meta.integration_id}")
    ack()
    client.chat_postMessage(channel=req.actor.user_id, text=thresholds_change_text(change))


def register(app: App) -> None:
    app.view(Callback.THRESHOLDS, middleware=[metadata(ThresholdsMeta), form_values()])(submit_thresholds)
