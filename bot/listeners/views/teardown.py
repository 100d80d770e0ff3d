"""Submission of the teardown item's "not applicable" reason."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.forms import TeardownRef, read_form, read_meta
from bot.home import after_change
from bot.ids import Callback
from bot.middleware import saved, transaction
from bot.views.teardown import settled_text
from commands.teardown import NotApplicableForm, settle_item
from commands.teardown_plan import TeardownStatus


def submit_not_applicable(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ref = read_meta(view, TeardownRef)
    form = NotApplicableForm.parse(read_form(view))
    with transaction(context) as session:
        settled = settle_item(
            session=session,
            actor=context["actor"],
            item_id=ref.item_id,
            status=TeardownStatus.NOT_APPLICABLE,
            form=form,
            now=context["now"],
        )
    saved(context, f"{settled.line.kind.label} on #{settled.integration_id}")
    ack()
    client.chat_postMessage(channel=context["actor"].user_id, text=settled_text(settled))
    after_change(client, context)


def register(app: App) -> None:
    app.view(Callback.TEARDOWN_NOT_APPLICABLE)(submit_not_applicable)
