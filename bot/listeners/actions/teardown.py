"""The teardown checklist's buttons: Done settles at once, Not applicable asks why."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.forms import TeardownRef
from bot.home import after_change
from bot.ids import Action
from bot.middleware import button, saved, transaction
from bot.request import parsed, request_of
from bot.views.teardown import not_applicable_modal, settled_text
from commands.teardown import settle_item, teardown_item
from commands.teardown_plan import TeardownStatus


def on_done(ack: Ack, context: BoltContext, respond: Respond, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, TeardownRef)
    with transaction(context) as session:
        settled = settle_item(
            session=session, actor=req.actor, item_id=ref.item_id, status=TeardownStatus.DONE, now=req.now
        )
    saved(context, f"{settled.line.kind.label} on #{settled.integration_id}")
    respond(text=settled_text(settled), response_type="ephemeral", replace_original=False)
    after_change(client, context)


def on_not_applicable(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    req, ref = request_of(context), parsed(context, TeardownRef)
    with transaction(context) as session:
        line = teardown_item(session=session, actor=req.actor, item_id=ref.item_id)
    client.views_open(trigger_id=body["trigger_id"], view=not_applicable_modal(ref, label=line.kind.label))


def register(app: App) -> None:
    app.action(Action.TEARDOWN_DONE, middleware=[button(TeardownRef)])(on_done)
    app.action(Action.TEARDOWN_NOT_APPLICABLE, middleware=[button(TeardownRef)])(on_not_applicable)
