"""Buttons on the App Home and on live integrations: see a list in full, record success measures."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import HomeMoreRef, IntegrationRef
from bot.ids import Action
from bot.middleware import button, transaction
from bot.request import parsed, request_of
from bot.views.home import more_modal
from bot.views.measures import measures_modal
from commands.home import Section, home
from commands.measures import measurable


def see_more(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, HomeMoreRef)
    with transaction(context) as session:
        found = home(session=session, actor=req.actor, policy=req.policy, today=req.now.date(), limit=None)
    view = more_modal(found, Section(ref.section), req.now.date())
    client.views_open(trigger_id=body["trigger_id"], view=view)


def record_measures(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, IntegrationRef)
    with transaction(context) as session:
        title = measurable(session=session, actor=req.actor, integration_id=ref.integration_id)
    client.views_open(
        trigger_id=body["trigger_id"], view=measures_modal(integration_id=ref.integration_id, title=title)
    )


def register(app: App) -> None:
    app.action(Action.HOME_MORE, middleware=[button(HomeMoreRef)])(see_more)
    app.action(Action.RECORD_MEASURES, middleware=[button(IntegrationRef)])(record_measures)
