"""Submission of the workspace settings modal."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import FormValues, SettingsMeta
from bot.ids import Callback
from bot.middleware import form_values, metadata, saved, transaction
from bot.request import parsed, request_of
from bot.views.settings import change_text
from commands.workspace_policy import change_policy


def submit_settings(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, meta = request_of(context), parsed(context, SettingsMeta)
    with transaction(context) as session:
        change = change_policy(
            session=session,
            actor=req.actor,
            defaults=req.default_policy,
            values=parsed(context, FormValues),
            version=meta.version,
            now=req.now,
        )
    saved(context, "the workspace settings")
    ack()
    client.chat_postMessage(channel=req.actor.user_id, text=change_text(change))


def register(app: App) -> None:
    app.view(Callback.SETTINGS, middleware=[metadata(SettingsMeta), form_values()])(submit_settings)
