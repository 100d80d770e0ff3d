"""Submissions of the success measures form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import IntegrationRef, read_form, read_meta
from bot.home import refresh_home
from bot.ids import Callback
from bot.middleware import transaction
from bot.views.measures import measure_text
from commands.measures import MeasuresForm, record_measures


def submit_measures(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, IntegrationRef)
    form = MeasuresForm.parse(read_form(view))
    with transaction(context) as session:
        line = record_measures(
            session=session,
            actor=context["actor"],
            integration_id=ref.integration_id,
            form=form,
            now=context["now"],
        )
    ack()
    client.chat_postMessage(
        channel=context["actor"].user_id,
        text=f"Recorded the success measures of #{ref.integration_id}: {measure_text(line)}.",
    )
    refresh_home(client, context, context["actor"].user_id)


def register(app: App) -> None:
    app.view(Callback.MEASURES)(submit_measures)
