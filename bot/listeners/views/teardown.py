"""Submission of the teardown item's "not applicable" reason."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import TeardownRef
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import form, metadata, saved, transaction
from bot.request import parsed, request_of
from bot.views.teardown import settled_text
from commands.teardown import NotApplicableForm, settle_item
from commands.teardown_plan import TeardownStatus


def submit_not_applicable(ack: Ack, context: BoltContext, client: WebClient) -> None:
    req, ref, why = request_of(context), parsed(context, TeardownRef), parsed(context, NotApplicableForm)
    with transaction(context) as session:
        settled = settle_item(
            session=session,
            actor=req.actor,
            item_id=ref.item_id,
            status=TeardownStatus.NOT_APPLICABLE,
            form=why,
            now=req.now,
        )
    saved(context, f"{settled.line.kind.label} on #{settled.integration_id}")
    ack()
    client.chat_postMessage(channel=req.actor.user_id, text=settled_text(settled))
    after_change(client, context)


def register(app: App) -> None:
    app.view(Callback.TEARDOWN_NOT_APPLICABLE, middleware=[metadata(TeardownRef), form(NotApplicableForm)])(
        submit_not_applicable
    )
