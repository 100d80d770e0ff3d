"""`app_home_opened`: publish the person's dashboard whenever they open the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.home import publish_home
from bot.ids import Event


def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    publish_home(client, context, str(event["user"]))


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED)(home_opened)
