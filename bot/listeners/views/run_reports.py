"""Submissions of the Connect run reports form: issue the token and show it once."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.forms import IntegrationRef
from bot.ids import Callback
from bot.middleware import metadata, transaction
from bot.request import parsed, request_of
from bot.views.run_reports import token_modal
from commands.run_tokens import issue_token


def submit_run_token(ack: Ack, context: BoltContext) -> None:
    req, ref = request_of(context), parsed(context, IntegrationRef)
    with transaction(context) as session:
        issued = issue_token(session=session, actor=req.actor, integration_id=ref.integration_id, now=req.now)
    ack(response_action="update", view=token_modal(issued, runs_url=req.runs_url))


def register(app: App) -> None:
    app.view(Callback.RUN_TOKEN, middleware=[metadata(IntegrationRef)])(submit_run_token)
