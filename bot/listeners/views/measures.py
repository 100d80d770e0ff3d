"""Submissions of the success measures form."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef
from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import form, metadata, transaction
from bot.request import parsed, request_of
from bot.views.measures import measure_text
from commands.measures import MeasuresForm, record_measures


def submit_measures(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, answers = request_of(context), parsed(context, IntegrationRef), parsed(context, MeasuresForm)
    with transaction(context) as session:
        line = record_measures(
            session=session, actor=req.actor, integration_id=ref.integration_id, form=answers, now=req.now
        )
    ack()
    client.chat_postMessage(
        channel=req.actor.user_id,
        text=f"Recorded the success measures of #{ref.integration_id}: {measure_text(line)}.",
    )
    refresh_home(client, context, req.actor.user_id)


def register(app: App) -> None:
    app.view(Callback.MEASURES, middleware=[metadata(IntegrationRef), form(MeasuresForm)])(submit_measures)
