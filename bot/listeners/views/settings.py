"""Submission of the workspace settings modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import SettingsMeta, read_form, read_meta
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.views.settings import change_text
from commands.workspace_policy import change_policy


def submit_settings(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    meta = read_meta(view, SettingsMeta)
    with transaction(context) as session:
        change = change_policy(
            session=session,
            actor=context["actor"],
            defaults=context["default_policy"],
            values=read_form(view),
            version=meta.version,
            now=context["now"],
        )
    saved(context, "the workspace settings")
    ack()
    client.chat_postMessage(channel=context["actor"].user_id, text=change_text(change))


def register(app: App) -> None:
    app.view(Callback.SETTINGS)(submit_settings)
