"""Publishing a person's App Home: when they open it, and after their actions change it."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.middleware import deliver, transaction
from bot.request import request_of
from bot.views.home import home_view
from commands.home import app_home

log = logging.getLogger(__name__)


def publish_home(client: WebClient, context: BoltContext, user_id: str) -> None:
    """Build the person's dashboard in its own read transaction and publish it."""
    req = request_of(context)
    with transaction(context) as session:
        found = app_home(session=session, actor=req.actor_of(user_id), policy=req.policy, now=req.now)
    client.views_publish(user_id=user_id, view=home_view(found, now=req.now))


def refresh_home(client: WebClient, context: BoltContext, user_id: str) -> None:
    """Republish the home after a change; a failure is logged, never shown to the person."""
    try:
        publish_home(client, context, user_id)
    except SlackApiError as error:
        log.warning("could not refresh the App Home of %s: %s", user_id, error.response.get("error"))


def after_change(client: WebClient, context: BoltContext) -> None:
    """What every listener does once its change committed: tell Slack, then refresh the actor's home."""
    deliver(context)
    refresh_home(client, context, request_of(context).actor.user_id)
