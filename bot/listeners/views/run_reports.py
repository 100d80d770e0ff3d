"""Submissions of the Connect run reports form: issue the token and show it once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.forms import IntegrationRef, read_meta
from bot.ids import Callback
from bot.middleware import transaction
from bot.views.run_reports import token_modal
from commands.run_tokens import issue_token


def submit_run_token(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    ref = read_meta(view, IntegrationRef)
    with transaction(context) as session:
        issued = issue_token(
            session=session, actor=context["actor"], integration_id=ref.integration_id, now=context["now"]
        )
    ack(response_action="update", view=token_modal(issued, runs_url=context["runs_url"]))


def register(app: App) -> None:
    app.view(Callback.RUN_TOKEN)(submit_run_token)
