"""Buttons on the App Home and on live integrations: see a list in full, record success measures."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import HomeMoreRef, IntegrationRef, read_value
from bot.ids import Action
from bot.middleware import transaction
from bot.views.home import more_modal
from bot.views.measures import measures_modal
from commands.home import Section, home
from commands.measures import measurable


def see_more(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    ref = read_value(body, HomeMoreRef)
    with transaction(context) as session:
        found = home(
            session=session,
            actor=context["actor"],
            policy=context["policy"],
            today=context["now"].date(),
            limit=None,
        )
    client.views_open(trigger_id=body["trigger_id"], view=more_modal(found, Section(ref.section)))


def record_measures(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    ref = read_value(body, IntegrationRef)
    with transaction(context) as session:
        title = measurable(session=session, actor=context["actor"], integration_id=ref.integration_id)
    client.views_open(
        trigger_id=body["trigger_id"], view=measures_modal(integration_id=ref.integration_id, title=title)
    )


def register(app: App) -> None:
    app.action(Action.HOME_MORE)(see_more)
    app.action(Action.RECORD_MEASURES)(record_measures)
